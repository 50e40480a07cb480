// ENVELOPE (RFC 9051 §7.5.2): date, subject, from, sender, reply-to, to,
// cc, bcc, in-reply-to, message-id, from the header block alone — FETCH
// ENVELOPE never reads a body.
import { type HeaderField, parseHeaderFields, splitHeaderBlock } from "../../../server/mime/header-block.ts";
import { type ImapValue, raw } from "../response/imap-value.ts";
import { type EnvelopeAddress, parseAddressList } from "./address-list.ts";

export function envelopeFromHeader(header: Buffer): ImapValue[] {
  const { headerEnd } = splitHeaderBlock(header);
  return envelopeFromFields(parseHeaderFields(header.toString("latin1", 0, headerEnd)));
}

export function envelopeFromFields(fields: HeaderField[]): ImapValue[] {
  const field = (name: string) => fields.find((f) => f.name === name)?.value ?? null;
  const addresses = (name: string) => addressList(field(name));
  const from = addresses("from");
  // §7.5.2: an absent or empty Sender or Reply-To is the From value.
  const sender = addresses("sender") ?? from;
  const replyTo = addresses("reply-to") ?? from;
  return [
    raw(field("date")),
    raw(field("subject")),
    from,
    sender,
    replyTo,
    addresses("to"),
    addresses("cc"),
    addresses("bcc"),
    raw(field("in-reply-to")),
    raw(field("message-id")),
  ];
}

function addressList(value: string | null): ImapValue[] | null {
  if (value === null || value.trim() === "") return null;
  const list = parseAddressList(value).map(addressValue);
  return list.length > 0 ? list : null;
}

function addressValue(address: EnvelopeAddress): ImapValue[] {
  switch (address.kind) {
    case "group-start":
      return [null, null, raw(address.name), null];
    case "group-end":
      return [null, null, null, null];
    default:
      return [raw(address.name), null, raw(address.mailbox), raw(address.host)];
  }
}
