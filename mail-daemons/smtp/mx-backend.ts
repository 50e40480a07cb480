// What the inbound MX listener needs from storage, and nothing more (STYLE.md #7).
// The protocol core (mx-server.ts) speaks SMTP; a backend decides who exists and
// stores mail. Tests use an in-memory fake; the real backend is a thin adapter
// over the one write path in server/ (DESIGN.md "One write path").

/** RFC 8601 result keywords as mailauth reports them. */
export type AuthResult = "pass" | "fail" | "softfail" | "neutral" | "none" | "temperror" | "permerror" | "policy";

/** The verdicts behind the Authentication-Results header we prepended. */
export interface AuthVerdicts {
  /** RFC 7208, for the MAIL FROM identity (or the HELO name for a null sender). */
  spf: AuthResult;
  /** RFC 6376, one entry per signature; empty when the message is unsigned. */
  dkim: { domain: string; selector: string; aligned: boolean; result: AuthResult }[];
  /**
   * RFC 7489, for the RFC 5322 From domain; "none" when it publishes no
   * policy. `policy` is the p= (or sp= for a subdomain) that applies, `pct`
   * the share of failing mail it applies to (§6.6.4).
   */
  dmarc: { result: AuthResult; policy: string | null; pct: number; fromDomain: string | null };
  /** RFC 8617. */
  arc: AuthResult;
  /** The full Authentication-Results header field, as prepended to the message. */
  header: string;
}

/** A reply the backend chooses; mx-server.ts sends it verbatim (RFC 3463 enhanced code). */
export interface SmtpRefusal {
  ok: false;
  /** 4xx tells the client to retry (e.g. 452 mailbox full), 5xx to bounce (550 unknown user). */
  code: number;
  /** RFC 3463 class.subject.detail, e.g. "5.1.1". */
  enhanced: string;
  message: string;
}

/** What the MX does with mail failing DMARC for a recipient's domain, as an admin set it (schema: DmarcEnforcement). */
export type DmarcEnforcement = "policy" | "quarantine" | "off";

export type RecipientVerdict =
  | {
      ok: true;
      /** Usually one; a role address (postmaster@) may fan out to every admin; none for a remote recipient of submission. */
      mailboxIds: number[];
      /** MX only: the recipient domain's DMARC enforcement ("policy" when not given). */
      dmarc?: DmarcEnforcement;
    }
  | SmtpRefusal;

export interface DeliveryInput {
  /** Reverse-path of MAIL FROM; null for the null reverse-path <> of bounces (RFC 5321 §4.5.5). */
  mailFrom: string | null;
  /**
   * Only recipients that checkRecipient() accepted, in RCPT order, one entry
   * per mailbox. `quarantine`: failed DMARC and the From domain asks for
   * quarantine (or for reject, which this recipient's domain turns into
   * quarantine): store as spam.
   */
  recipients: { address: string; mailboxId: number; quarantine: boolean }[];
  /** The message as stored: our Received and Authentication-Results fields, then the client's exact bytes. */
  raw: Buffer;
  remoteAddress: string;
  heloName: string;
  tls: boolean;
  authResults: AuthVerdicts;
}

export interface DeliveryOutcome {
  /**
   * ok with `queued`: the mailbox had no room, the message was stored for
   * another recipient, and this copy waits in the queue for room
   * (server/outbound/local-retry.ts). A 452 4.2.2 refusal: no room and kept nowhere.
   */
  recipients: (
    | {
        address: string;
        ok: true;
        queued?: boolean;
        /** The message was already stored (a client's retry of a transaction whose 250 it missed). */
        duplicate?: boolean;
        /** What was stored, for the message trace. */
        messageId?: number;
        conversationId?: number;
      }
    | ({ address: string } & SmtpRefusal)
  )[];
}

export interface MxBackend {
  /**
   * Called at RCPT TO, after address-policy.ts accepted the syntax. Known answers:
   * 550 5.1.1 unknown local user, 554 5.7.1 relay denied (not a local domain),
   * 452 4.2.2 mailbox full, or the size declared with MAIL FROM … SIZE= (RFC
   * 1870) would not fit (RFC 5321 §4.5.3.1.10 lets the client retry later).
   */
  checkRecipient(address: string, options?: { declaredSize?: number | null }): Promise<RecipientVerdict>;
  /**
   * Stores one message for every accepted recipient. Must resolve only after the
   * transaction is durably committed (DESIGN.md "Nothing acknowledged is lost");
   * throwing means nothing is acknowledged and the client hears 451 4.3.0.
   */
  deliver(input: DeliveryInput): Promise<DeliveryOutcome>;
}
