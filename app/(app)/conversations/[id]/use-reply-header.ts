"use client";
// The reply's recipients and subject: the draft's (the server's answer to
// "reply", "reply all" or "forward"), or the held text being edited again.
import { useState } from "react";
import { formatAddressList } from "../../../../server/compose/address-list.ts";
import type { ReplyDraft } from "../../../../server/compose/reply-draft.ts";
import type { ComposerPrefill } from "./composer-prefill.ts";

/** Where the header starts from other than the draft: held text edited again, or a saved draft. */
type StartingHeader = Pick<ComposerPrefill, "to" | "cc" | "bcc" | "subject">;

export type HeaderField = "to" | "cc" | "bcc" | "subject";

export interface ReplyHeader {
  to: string;
  cc: string;
  bcc: string;
  subject: string;
  /** Bcc is a field only once asked for (or when the held text had one). */
  showBcc: boolean;
  /** Recipients or subject differ from what the reply started with. */
  changed: boolean;
  set: (field: HeaderField, value: string) => void;
  revealBcc: () => void;
}

export function useReplyHeader(draft: ReplyDraft, prefill: StartingHeader | null): ReplyHeader {
  const [to, setTo] = useState(() => prefill?.to ?? formatAddressList(draft.to));
  const [cc, setCc] = useState(() => prefill?.cc ?? formatAddressList(draft.cc));
  const [bcc, setBcc] = useState(prefill?.bcc ?? "");
  const [showBcc, setShowBcc] = useState(Boolean(prefill?.bcc));
  const [subject, setSubject] = useState(prefill?.subject ?? draft.subject);
  const setters = { to: setTo, cc: setCc, bcc: setBcc, subject: setSubject };
  const fresh = { to: formatAddressList(draft.to), cc: formatAddressList(draft.cc), bcc: "", subject: draft.subject };
  return {
    to,
    cc,
    bcc,
    subject,
    showBcc,
    changed: to !== fresh.to || cc !== fresh.cc || bcc !== fresh.bcc || subject !== fresh.subject,
    set: (field, value) => setters[field](value),
    revealBcc: () => setShowBcc(true),
  };
}
