// What the composer checks before it sends, in the writer's language; the
// server checks the same limits again (server/limits.ts).
import { parseAddressList } from "../../../../server/compose/address-list.ts";
import { MAX_COMPOSE_ATTACHMENT_BYTES, MAX_COMPOSE_TEXT_CHARS } from "../../../../server/limits.ts";
import { formatSize } from "../../../../server/mailboxes/quota-size.ts";
import type { T } from "../../../i18n/translate.ts";

export type ComposerField = "to" | "cc" | "bcc" | "attachments" | "text";
export type FieldErrors = Partial<Record<ComposerField, string>>;

/** The message of each field that would be refused; empty when the reply may go. */
export function validateReply(
  reply: { to: string; cc: string; bcc: string; text: string; attachedBytes: number },
  t: T,
): FieldErrors {
  const found: FieldErrors = {};
  for (const [key, value] of [
    ["to", reply.to],
    ["cc", reply.cc],
    ["bcc", reply.bcc],
  ] as const) {
    const parsed = parseAddressList(value);
    if (!parsed.ok) found[key] = t("composer.badAddress", { address: parsed.bad });
    else if (key === "to" && parsed.list.length === 0) found.to = t("composer.noRecipient");
  }
  if (reply.attachedBytes > MAX_COMPOSE_ATTACHMENT_BYTES) {
    found.attachments = t("composer.tooLarge", {
      size: formatSize(reply.attachedBytes),
      max: formatSize(MAX_COMPOSE_ATTACHMENT_BYTES),
    });
  }
  if (reply.text.length > MAX_COMPOSE_TEXT_CHARS) found.text = t("composer.tooLong");
  return found;
}
