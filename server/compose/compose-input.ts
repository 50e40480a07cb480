// What a member writes in the composer, declared once: the tRPC input of
// conversations.send, the payload a held reply keeps until a reviewer
// decides (server/approval/), and the composer's "edit and resend" prefill
// all use these types. The limits here bound the wire format; the rules a
// composition must obey before it is sent or held are validateComposition's
// (validate-composition.ts).
import { z } from "zod";
import { id, idOrZero } from "../access/database-id.ts";
import { MAX_COMPOSE_ATTACHMENT_BYTES, MAX_COMPOSE_TEXT_CHARS } from "../limits.ts";
import { safeText } from "../safe-text.ts";

export const COMPOSE_MODES = ["reply", "reply_all", "forward"] as const;
export type ComposeMode = (typeof COMPOSE_MODES)[number];

/** One address field as typed ("Name <a@b>, c@d"); validateComposition parses and checks it. */
const addressField = safeText.max(20_000);

const text = safeText.max(MAX_COMPOSE_TEXT_CHARS, "the message text is too long");

// Attachments travel base64 in the JSON body: 4 characters per 3 bytes.
const attachment = z.object({
  filename: safeText.trim().min(1).max(255),
  contentType: safeText.max(255).optional(),
  base64: z.base64().max(Math.ceil(MAX_COMPOSE_ATTACHMENT_BYTES / 3) * 4, "attachments are too large"),
});

/** A reply or forward of one stored message, as the composer sends it. */
export const composeInput = z.object({
  /** The message answered or forwarded. */
  messageId: id,
  mode: z.enum(COMPOSE_MODES),
  to: addressField,
  cc: addressField.optional(),
  bcc: addressField.optional(),
  subject: safeText.max(998),
  text,
  /** Simple rich text from the composer; sent as the HTML alternative of `text` after compose-html.ts. */
  html: text.optional(),
  attachments: z.array(attachment).max(100).default([]),
  /** Forward: indexes of the original's attachments to carry along. */
  forwardAttachments: z.array(z.number().int().min(0).max(10_000)).max(500).default([]),
});

export type Composition = z.infer<typeof composeInput>;

/**
 * The stale-send guard (validate-composition.ts): the newest message id the
 * composer saw, and the writer's second click that sends anyway.
 */
export const staleSendGuard = z.object({
  seenMessageId: idOrZero.optional(),
  confirmNewActivity: z.boolean().optional(),
});

export type StaleSendGuard = z.infer<typeof staleSendGuard>;
