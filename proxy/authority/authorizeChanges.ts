import type { ChangesBody } from '../../shared/contract.ts'
import { AppError } from '../http/appError.ts'
import type { ChangeTokens, TokenPayload } from './changeToken.ts'
import { placeKey, placeOf } from './tokenTarget.ts'
import { valueDigest } from './valueDigest.ts'

export type Authorized = { kind: TokenPayload['typ']; changeSetId: string }

const invalid = (message: string, hint = 'Ask the assistant again; only its own proposals can be saved.') =>
  new AppError({ code: 'change_token_invalid', message, hint })

/**
 * The proxy key alone writes nothing: a change set is saved only with a token this proxy signed (a proposal's, or
 * the undo token an apply returned), for this space, story and release, and only the targets it names with the
 * `before` it read. An apply may edit `after` (re-validated later) or drop changes; an undo restores exactly the
 * values its token names. Whether it is an apply or an undo is the token's word, never the client's.
 */
export function authorizeChanges(tokens: ChangeTokens, body: ChangesBody): Authorized {
  if (!body.token) throw invalid('A change set needs the token of the proposal (or of the apply, for an undo).')
  const check = tokens.verify(body.token)
  if (!check.ok) {
    if (check.expired)
      throw new AppError({
        code: 'change_token_expired',
        message: 'This proposal (or undo) is too old to be saved.',
        hint: 'Ask the assistant again for a fresh proposal. Nothing was saved.',
      })
    throw invalid(`The change token ${check.reason}.`)
  }
  const token = check.payload
  const releaseId = body.releaseId || null
  if (token.sp !== body.spaceId || token.st !== body.storyId || token.rl !== releaseId)
    throw invalid('The change token was issued for another story (or space, or release).')
  if (body.reason !== undefined && body.reason !== token.typ)
    throw invalid(`The change token is for an ${token.typ}, not an ${body.reason}.`)

  const targets = new Map(token.t.map((t) => [placeKey(t), t]))
  const refused: string[] = []
  for (const change of body.changes) {
    const place = placeOf(change)
    const target = targets.get(placeKey(place))
    const where = `${change.blockUid}.${change.field}${place.l === 'default' ? '' : ` (${place.l})`}`
    if (!target) refused.push(`${where} was not proposed`)
    else if (target.bf !== valueDigest(change.before)) refused.push(`${where} has another "before" than proposed`)
    else if (target.af !== undefined && target.af !== valueDigest(change.after))
      refused.push(`${where} restores another value than the apply replaced`)
  }
  if (refused.length) {
    throw new AppError({
      code: 'change_not_proposed',
      message: `${refused.length} change${refused.length === 1 ? '' : 's'} cannot be saved: ${refused.join('; ').slice(0, 500)}`,
      hint: 'Only fields of the proposal can be saved (edit their new values or drop them). Nothing was saved.',
      details: { refused: refused.slice(0, 50) },
    })
  }
  return { kind: token.typ, changeSetId: token.cs }
}
