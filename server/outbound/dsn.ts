// Delivery status notifications (RFC 3464): a multipart/report (RFC 6522)
// with a human-readable part, the machine-readable message/delivery-status
// and the original header (text/rfc822-headers). Sent with the null
// reverse-path and "Auto-Submitted: auto-replied" (RFC 3834 §5), so that no
// one answers it and no DSN is ever made about it (RFC 5321 §6.1, RFC 3464 §2).
import { randomBytes } from "node:crypto";
import { splitHeaderBlock } from "../mime/header-block.ts";
import { newMessageId } from "./message-header.ts";

export interface DsnRecipient {
  address: string;
  /** RFC 3464 §2.3.3 action. */
  action: "failed" | "delayed";
  /** RFC 3463 status, e.g. "5.1.1". */
  status: string;
  diagnostic?: string;
  remoteMta?: string;
}

export interface DsnInput {
  hostname: string;
  /** Envelope sender of the original: the DSN's recipient. */
  to: string;
  original: Buffer;
  originalMessageId: string | null;
  arrivalDate: Date;
  recipients: DsnRecipient[];
  /** For "delayed": when we give up. */
  retryUntil?: Date;
  now: Date;
}

const date = (d: Date) => d.toUTCString().replace(/GMT$/, "+0000");
// Replies come from remote servers: keep them printable ASCII and one line.
const clean = (text: string) =>
  text
    .replace(/[\r\n]+/g, " ")
    .replace(/[^\x20-\x7e]/g, "?")
    .slice(0, 900);

export function buildDsn(input: DsnInput): { raw: Buffer; messageId: string } {
  const delayed = input.recipients.every((r) => r.action === "delayed");
  const boundary = `yubin-dsn-${randomBytes(8).toString("hex")}`;
  const messageId = newMessageId(input.hostname);
  const { headerEnd } = splitHeaderBlock(input.original);
  const originalHeader = input.original
    .subarray(0, headerEnd)
    .toString("latin1")
    .replace(/\r?\n$/, "");
  const human = delayed
    ? [
        `This is the mail system at ${input.hostname}.`,
        "",
        "Your message has not been delivered yet. It is still being retried",
        input.retryUntil
          ? `until ${date(input.retryUntil)}; you do not need to send it again.`
          : "; you do not need to send it again.",
        "",
      ]
    : [
        `This is the mail system at ${input.hostname}.`,
        "",
        "Your message could not be delivered to one or more recipients.",
        "It has been returned below (header only).",
        "",
      ];
  for (const r of input.recipients) human.push(`<${r.address}>: ${clean(r.diagnostic ?? r.status)}`);

  const perRecipient = input.recipients.map((r) =>
    [
      `Final-Recipient: rfc822; ${r.address}`,
      `Action: ${r.action}`,
      `Status: ${r.status}`,
      ...(r.remoteMta ? [`Remote-MTA: dns; ${r.remoteMta}`] : []),
      ...(r.diagnostic ? [`Diagnostic-Code: smtp; ${clean(r.diagnostic)}`] : []),
      `Last-Attempt-Date: ${date(input.now)}`,
      ...(r.action === "delayed" && input.retryUntil ? [`Will-Retry-Until: ${date(input.retryUntil)}`] : []),
    ].join("\r\n"),
  );
  const lines = [
    `From: Mail Delivery System <MAILER-DAEMON@${input.hostname}>`,
    `To: <${input.to}>`,
    `Subject: ${delayed ? "Delayed Mail (still being retried)" : "Undelivered Mail Returned to Sender"}`,
    `Date: ${date(input.now)}`,
    `Message-ID: <${messageId}>`,
    ...(input.originalMessageId
      ? [`In-Reply-To: <${input.originalMessageId}>`, `References: <${input.originalMessageId}>`]
      : []),
    "Auto-Submitted: auto-replied",
    "MIME-Version: 1.0",
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    "",
    "This is a MIME-encapsulated delivery status notification.",
    "",
    `--${boundary}`,
    "Content-Type: text/plain; charset=us-ascii",
    "",
    ...human,
    "",
    `--${boundary}`,
    "Content-Type: message/delivery-status",
    "",
    `Reporting-MTA: dns; ${input.hostname}`,
    `Arrival-Date: ${date(input.arrivalDate)}`,
    "",
    perRecipient.join("\r\n\r\n"),
    "",
    `--${boundary}`,
    "Content-Type: text/rfc822-headers",
    "",
    originalHeader,
    "",
    `--${boundary}--`,
    "",
  ];
  return { raw: Buffer.from(lines.join("\r\n"), "latin1"), messageId };
}
