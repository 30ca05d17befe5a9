// Where a reply may point: public documentation and consoles. Any other URL is the operator's network.
const PUBLIC_URL = /^https:\/\/(?:[a-z0-9-]+\.)*(?:aws\.amazon\.com|storyblok\.com)(?:[/?#]|$)/i
const URL_IN_TEXT = /\b(?:https?|wss?):\/\/[^\s"'`<>)\]]+/gi
const ARN = /\barn:aws[a-z-]*:[^\s"'`,;)\]]*/gi
// A 12-digit AWS account id standing alone (not part of a longer number, id or key).
const ACCOUNT_ID = /(?<![\w.-])\d{12}(?![\w])/g

/**
 * Text fit for a reply: AWS ARNs (which name the account and role), account ids and internal URLs (endpoints,
 * simulators, metadata services) are replaced by a word for what was there. The operator's log keeps the original.
 */
export function publicText(text: string): string {
  return text
    .replace(ARN, '(an AWS resource)')
    .replace(URL_IN_TEXT, (url) => (PUBLIC_URL.test(url) ? url : '(an internal address)'))
    .replace(ACCOUNT_ID, '(an AWS account)')
}

/**
 * The model id as replies show it: an ARN (an application inference profile) loses its account and region, keeping
 * the resource (`application-inference-profile/a1b2c3`); plain ids and profile ids stay as they are.
 */
export function publicModelId(modelId: string): string {
  const arn = /^arn:aws[a-z-]*:bedrock:[^:]*:[^:]*:(.+)$/.exec(modelId)
  return arn?.[1] ?? modelId
}
