// Trace header fields (RFC 5321 §4.4): the Received field we prepend, and the
// hop count that detects mail loops (RFC 5321 §6.3).
import { isIPv6 } from "node:net";

export interface ReceivedInput {
  /** EHLO/HELO argument as the client gave it. */
  helo: string;
  /** Verified reverse DNS name, if one was looked up. */
  reverseName?: string;
  remoteAddress: string;
  hostname: string;
  /** RFC 3848 WITH keyword: ESMTP, ESMTPS, SMTP … (smtp-server's transmissionType). */
  protocol: string;
  id: string;
  /** RFC 5321 §4.4: "for" names the recipient only when there is exactly one, so as not to disclose Bcc recipients. */
  recipients: string[];
  date: Date;
}

export function receivedHeader(input: ReceivedInput): string {
  // RFC 5321 §4.1.3 address literal; IPv6 carries its tag.
  const literal = isIPv6(input.remoteAddress) ? `[IPv6:${input.remoteAddress}]` : `[${input.remoteAddress}]`;
  const tcpInfo = input.reverseName ? `${input.reverseName} ${literal}` : literal;
  const only = input.recipients.length === 1 ? `\r\n\tfor <${input.recipients[0]}>` : "";
  return (
    `Received: from ${input.helo} (${tcpInfo})\r\n` +
    `\tby ${input.hostname} with ${input.protocol} id ${input.id}${only};\r\n` +
    `\t${rfc5322Date(input.date)}\r\n`
  );
}

/** RFC 5322 §3.3 date-time in UTC with a numeric zone (the "GMT" of toUTCString is obsolete syntax). */
export function rfc5322Date(date: Date): string {
  return date.toUTCString().replace(/GMT$/, "+0000");
}

/** Received fields in the header section only; a body line starting "Received:" is not a hop. */
export function countReceived(raw: Buffer): number {
  const end = raw.indexOf("\r\n\r\n");
  const header = raw.subarray(0, end === -1 ? raw.length : end + 2).toString("latin1");
  return header.match(/^received[ \t]*:/gim)?.length ?? 0;
}
