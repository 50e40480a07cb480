import { describe, expect, it } from "vitest";
import { encodedSize, MessageEncoder } from "../../../mail-daemons/pop3/message-encoder.ts";
import { BARE_LF, BARE_LF_AS_SENT, DOTTED, JAPANESE } from "./support/messages.ts";
import { unstuff } from "./support/pop3-client.ts";

/** The whole response body, fed in chunks of `chunk` octets. */
function encode(raw: Buffer, chunk = raw.length || 1, bodyLines?: number): { out: Buffer; size: number } {
  const encoder = new MessageEncoder(bodyLines);
  const parts: Buffer[] = [];
  for (let offset = 0; offset < raw.length && !encoder.finished; offset += chunk) {
    parts.push(...encoder.push(raw.subarray(offset, offset + chunk)));
  }
  parts.push(...encoder.end());
  return { out: Buffer.concat(parts), size: encoder.size };
}

describe("POP3 message encoder", () => {
  it("sends CRLF mail unchanged and counts its stored size", () => {
    const raw = Buffer.from("Subject: hi\r\n\r\nbody\r\n");
    expect(encode(raw)).toEqual({ out: Buffer.concat([raw, Buffer.from(".\r\n")]), size: raw.length });
    expect(encodedSize(raw)).toBe(raw.length);
  });

  it("byte-stuffs lines that begin with '.', and does not count the stuffed dots (RFC 1939 §3, §11)", () => {
    const { out, size } = encode(DOTTED);
    expect(out.toString()).toContain("\r\n..\r\n..leading dot\r\n...two dots\r\na line\r\n.. space\r\n.\r\n");
    expect(size).toBe(DOTTED.length);
  });

  it("gives the same bytes whatever the chunk boundaries", () => {
    for (const raw of [DOTTED, JAPANESE, BARE_LF, Buffer.from("a\r\r\nb\r")]) {
      const whole = encode(raw);
      for (const chunk of [1, 2, 3, 7]) expect(encode(raw, chunk), `chunk ${chunk}`).toEqual(whole);
    }
  });

  it("turns bare LF and bare CR into CRLF and ends an unfinished last line, counting the CRLF form", () => {
    const { out, size } = encode(BARE_LF);
    expect(out).toEqual(Buffer.concat([BARE_LF_AS_SENT, Buffer.from(".\r\n")]));
    expect(size).toBe(BARE_LF_AS_SENT.length);
    expect(encodedSize(BARE_LF)).toBe(BARE_LF_AS_SENT.length);
    expect(encode(Buffer.from("a\rb\r")).out.toString()).toBe("a\r\nb\r\n.\r\n");
  });

  it("passes 8-bit bytes through untouched", () => {
    const { out, size } = encode(JAPANESE);
    expect(out.subarray(-3).toString()).toBe(".\r\n");
    expect(unstuff(out.subarray(0, -3))).toEqual(JAPANESE);
    expect(size).toBe(JAPANESE.length);
  });

  it("sends an empty message as the terminator alone", () => {
    expect(encode(Buffer.alloc(0))).toEqual({ out: Buffer.from(".\r\n"), size: 0 });
  });

  describe("TOP (RFC 1939 §7)", () => {
    const raw = Buffer.from("A: 1\r\nB: 2\r\n\r\none\r\n.two\r\nthree\r\n");

    it("sends the headers, the blank line and n body lines", () => {
      expect(encode(raw, raw.length, 0).out.toString()).toBe("A: 1\r\nB: 2\r\n\r\n.\r\n");
      expect(encode(raw, raw.length, 2).out.toString()).toBe("A: 1\r\nB: 2\r\n\r\none\r\n..two\r\n.\r\n");
      for (const chunk of [1, 4]) {
        expect(encode(raw, chunk, 1).out.toString()).toBe("A: 1\r\nB: 2\r\n\r\none\r\n.\r\n");
      }
    });

    it("sends the whole message when the body is shorter than n", () => {
      expect(encode(raw, raw.length, 99).out.toString()).toBe("A: 1\r\nB: 2\r\n\r\none\r\n..two\r\nthree\r\n.\r\n");
    });

    it("sends all of a message without a body", () => {
      expect(encode(Buffer.from("A: 1\r\nB: 2"), 3, 0).out.toString()).toBe("A: 1\r\nB: 2\r\n.\r\n");
    });
  });
});
