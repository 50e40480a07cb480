// Subject normalisation for threading. NFKC first, so that full-width
// "ＲＥ：" and "Ｆｗｄ：" become "RE:" and "Fwd:".
const PREFIX = /^\s*(?:re|fwd?|aw|wg|sv|vs|antw|rif|tr|r|返信|転送|回复|转发)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*/i;
const TICKET_TOKEN = /\[#(\d{1,12})\]/;
// Mailing-list tags such as "[users 123]" in front of a reply prefix.
const LIST_TAG = /^\s*\[[^\]#][^\]]{0,40}\]\s*/;

export interface NormalizedSubject {
  /** Lower-cased, prefixes and ticket token removed, whitespace collapsed. */
  key: string;
  /** Whether the subject carried Re:/Fwd:/返信: or similar. */
  isReply: boolean;
  /** The number in a "[#123]" token, if any. */
  ticket: number | null;
}

export function normalizeSubject(subject: string): NormalizedSubject {
  let text = subject.normalize("NFKC");
  const ticketMatch = TICKET_TOKEN.exec(text);
  const ticket = ticketMatch ? Number(ticketMatch[1]) : null;
  text = text.replace(TICKET_TOKEN, " ");
  let isReply = false;
  for (let i = 0; i < 20; i++) {
    const withoutTag = text.replace(LIST_TAG, "");
    const stripped = withoutTag.replace(PREFIX, "");
    if (stripped === withoutTag) break;
    isReply = true;
    text = stripped;
  }
  return { key: text.replace(/\s+/g, " ").trim().toLowerCase(), isReply, ticket };
}
