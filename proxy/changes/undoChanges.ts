import type { Context } from 'hono'
import type { AppEnv } from '../http/appEnv.ts'
import type { ChangesBody, ChangesResult } from '../../shared/contract.ts'
import { undoChangeSet } from '../story/undoChangeSet.ts'
import type { Deps } from '../deps.ts'
import { saveChangeSet } from './saveChangeSet.ts'

/** The editor undid an apply: restore what it replaced, leaving fields a human changed since alone. */
export const undoChanges = (
  deps: Deps,
  c: Context<AppEnv>,
  body: ChangesBody,
  changeSetId: string,
  beforeWrite?: () => Promise<void>,
): Promise<ChangesResult> => saveChangeSet(deps, c, { ...body, changeSetId }, 'undo', undoChangeSet, beforeWrite)
