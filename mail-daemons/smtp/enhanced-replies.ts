// smtp-server answers a handler error as `${err.responseCode} ${guess} ${err.message}`,
// where the enhanced code is guessed from the basic code alone (554 is always
// 5.6.0, 501 always 5.5.4). RFC 3463 codes carry the real reason (5.7.1 relay
// denied vs 5.4.0 loop vs 5.6.x bad content), so errors made here carry their
// own code at the start of the message and the patched send() leaves out the
// guess. Reaches into SMTPConnection#send, which is internal: the transcript
// tests in tests/protocol/smtp-mx.test.ts pin the behaviour across smtp-server upgrades.

const ENHANCED_PREFIX = /^[245]\.\d{1,3}\.\d{1,3} /;

export interface Reply {
  code: number;
  /** RFC 3463 class.subject.detail. */
  enhanced: string;
  message: string;
}

/** RFC 5321 §4.2.2 / RFC 3463 X.3.1: the server's own disk is full; nothing was stored, the client retries. */
export const SYSTEM_FULL: Reply = {
  code: 452,
  enhanced: "4.3.1",
  message: "Insufficient system storage, try again later",
};

/** An Error for an smtp-server callback that is sent as exactly `code enhanced message`. */
export function smtpError(reply: Reply): Error & { responseCode: number } {
  return Object.assign(new Error(`${reply.enhanced} ${reply.message}`), { responseCode: reply.code });
}

type Send = (code: number, data?: string | string[], context?: string | false) => void;

/** Applied to every SMTPConnection of a server as it is created. */
export function useOwnEnhancedCodes(connection: { send: Send }): void {
  const send = connection.send.bind(connection);
  connection.send = (code, data, context) => {
    if (context === undefined && typeof data === "string" && ENHANCED_PREFIX.test(data)) {
      return send(code, data, false);
    }
    return send(code, data, context);
  };
}
