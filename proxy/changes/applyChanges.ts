import type { Context } from 'hono'
import type { AppEnv } from '../http/appEnv.ts'
import type { ChangesBody, ChangesResult } from '../../shared/contract.ts'
import { applyChangeSet } from '../story/applyChangeSet.ts'
import type { Deps } from '../deps.ts'
import { saveChangeSet } from './saveChangeSet.ts'

/** The editor accepted a proposal: write it, all or nothing. */
export const applyChanges = (
  deps: Deps,
  c: Context<AppEnv>,
  body: ChangesBody,
  changeSetId: string,
  beforeWrite?: () => Promise<void>,
): Promise<ChangesResult> => saveChangeSet(deps, c, { ...body, changeSetId }, 'apply', applyChangeSet, beforeWrite)
