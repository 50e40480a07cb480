// The address parsers against random input:
//   - server/compose/address-list.ts, the composer's To/Cc/Bcc fields;
//   - server/mailboxes/address.ts, the canonical form of a mailbox address;
//   - server/mime/top-level-headers.ts, a message's From/To/Cc with RFC 2047 names;
//   - mail-daemons/imap/mime/address-list.ts, RFC 5322 lists for IMAP ENVELOPE.
// Each answers every input in bounded time without throwing (or only its
// documented InputError), and what one of them writes, it reads back the same.
// (RCPT TO paths are fuzzed with the SMTP commands: smtp-commands.test.ts.)
import fc from "fast-check";
import mimeFuncs from "nodemailer/lib/mime-funcs/index.js";
import { describe, expect, it } from "vitest";
import { parseAddressList as parseEnvelopeAddresses } from "../../mail-daemons/imap/mime/address-list.ts";
import { formatAddressList, type ListedAddress, parseAddressList } from "../../server/compose/address-list.ts";
import { InputError } from "../../server/errors.ts";
import { normalizeAddress } from "../../server/mailboxes/address.ts";
import { decodedAddresses } from "../../server/mime/top-level-headers.ts";
import { BOUNDED_MS, corpusLines, fuzzParameters } from "./support/fuzz.ts";

const corpus = corpusLines("address", "addresses.txt");
const examples = corpus.map((line) => [line] as [string]);

function within<T>(work: () => T): T {
  const started = performance.now();
  const value = work();
  expect(performance.now() - started).toBeLessThan(BOUNDED_MS);
  return value;
}

// ---------------------------------------------------------------- generators

const PIECES = [
  "a",
  "Bob",
  "山田 太郎",
  "=?UTF-8?B?5bGx55Sw?=",
  "=?ISO-2022-JP?B?GyRCOzNFRBsoQg==?=",
  "=?x?q?",
  "user",
  "first.last",
  "a+tag",
  "example.com",
  "例え.jp",
  "xn--r8jz45g.jp",
  "[127.0.0.1]",
  "[IPv6:::1]",
  "@",
  "@@",
  "<",
  ">",
  "<>",
  '"',
  '\\"',
  "\\",
  "(",
  ")",
  "(comment (nested))",
  ",",
  ";",
  ":",
  "group:",
  ".",
  "..",
  " ",
  "\t",
  "\r\n ",
  "\u0000",
  "%",
  "!",
  "postmaster",
  "😀",
];

/** Address-field-shaped text: names, quotes, comments, groups, brackets and junk. */
const addressSoup = fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }).map((pieces) => pieces.join(""));

const anyText = fc.oneof(
  addressSoup,
  fc.string({ maxLength: 300, unit: "grapheme" }),
  fc.string({ maxLength: 300, unit: "binary" }),
);

const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,20}[a-z0-9])?$/);
const hostname = fc.array(label, { minLength: 1, maxLength: 4 }).map((labels) => labels.join("."));
const localPart = fc.stringMatching(
  /^[A-Za-z0-9!#$&'*+/=?^_`{|}~-]{1,20}(?:\.[A-Za-z0-9!#$&'*+/=?^_`{|}~-]{1,20}){0,2}$/,
);
/** Addresses as the composer takes them (no "%" or quotes). */
const address = fc.tuple(localPart, hostname).map(([local, host]) => `${local}@${host}`);
/** Display names people have: letters in any script, spaces, punctuation, quotes. */
const displayName = fc.oneof(
  fc.constant(""),
  fc
    .array(
      fc.oneof(
        fc.string({ minLength: 1, maxLength: 8, unit: "grapheme" }),
        fc.constantFrom('"', ",", "<", "@", ";", "\\"),
      ),
      {
        maxLength: 4,
      },
    )
    .map((parts) => parts.join(" ").replace(/\s+/g, " ").trim()),
);

// ---------------------------------------------------------------- composer fields

describe("composer address fields (server/compose/address-list.ts)", () => {
  const check = (field: string) => {
    const result = within(() => parseAddressList(field));
    if (!result.ok) {
      expect(typeof result.bad).toBe("string");
      return;
    }
    for (const entry of result.list) {
      expect(entry.address).toMatch(/^[^\s@<>]+@[A-Za-z0-9.-]+$/);
      expect(entry.name).toBe(entry.name.trim());
    }
    // Written back, the list reads the same.
    const again = parseAddressList(formatAddressList(result.list));
    expect(again).toEqual(result);
  };

  it("replays the seed corpus", () => {
    for (const line of corpus) check(line);
  });

  it("answers any field without throwing; a list that parses is written back and parses the same", () => {
    fc.assert(fc.property(anyText, check), fuzzParameters(2000, examples));
  });

  it("a list of names and addresses, written as a field, parses back to the same list", () => {
    const entry = fc.record({ name: displayName, address });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 6 }), (list: ListedAddress[]) => {
        const field = formatAddressList(list);
        expect(parseAddressList(field)).toEqual({ ok: true, list });
      }),
      fuzzParameters(1000),
    );
  });
});

// ---------------------------------------------------------------- canonical addresses

describe("canonical addresses (server/mailboxes/address.ts)", () => {
  const check = (input: string) => {
    let normalized: ReturnType<typeof normalizeAddress>;
    try {
      normalized = within(() => normalizeAddress(input));
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      return;
    }
    expect(normalized.address).toBe(`${normalized.localPart}@${normalized.domain}`);
    expect(normalized.address).toBe(normalized.address.toLowerCase());
    expect(normalized.localPart.length).toBeLessThanOrEqual(64);
    expect(normalized.domain.length).toBeLessThanOrEqual(253);
    // ASCII only: domains as IDNA A-labels.
    expect(normalized.address).toMatch(/^[\x21-\x7e]+$/);
    // The canonical form is its own canonical form.
    expect(normalizeAddress(normalized.address)).toEqual(normalized);
  };

  it("replays the seed corpus", () => {
    for (const line of corpus) check(line);
  });

  it("answers any text with a canonical address or an InputError, and is idempotent", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          anyText,
          address,
          fc.tuple(localPart, fc.domain()).map(([l, d]) => `${l}@${d}`),
        ),
        check,
      ),
      fuzzParameters(2000, examples),
    );
  });
});

// ---------------------------------------------------------------- message header fields

describe("message address fields (server/mime/top-level-headers.ts)", () => {
  const check = (value: string) => {
    const addresses = within(() => decodedAddresses([{ name: "to", value }], "to"));
    for (const entry of addresses) {
      expect(typeof entry.address).toBe("string");
      expect(entry.address).toBe(entry.address.toLowerCase());
      expect(typeof entry.name).toBe("string");
    }
    // Bounded: never more entries than the field has characters, never a name longer than the field decodes to.
    expect(addresses.length).toBeLessThanOrEqual(value.length + 1);
  };

  it("replays the seed corpus", () => {
    for (const line of corpus) check(line);
  });

  it("answers any field value without throwing", () => {
    fc.assert(fc.property(anyText, check), fuzzParameters(2000, examples));
  });

  it("a name written as an RFC 2047 encoded-word and an address read back as they were written", () => {
    const name = fc
      .string({ minLength: 1, maxLength: 30, unit: "grapheme" })
      .map((text) => text.replace(/\s+/g, " ").trim())
      .filter((text) => text.length > 0);
    fc.assert(
      fc.property(fc.array(fc.record({ name, address }), { minLength: 1, maxLength: 4 }), (list) => {
        const value = list.map((entry) => `${mimeFuncs.encodeWord(entry.name, "B", 0)} <${entry.address}>`).join(", ");
        expect(decodedAddresses([{ name: "from", value }], "from")).toEqual(
          list.map((entry) => ({ name: entry.name, address: entry.address.toLowerCase() })),
        );
      }),
      fuzzParameters(1000),
    );
  });
});

// ---------------------------------------------------------------- IMAP ENVELOPE

describe("IMAP ENVELOPE address lists (mail-daemons/imap/mime/address-list.ts)", () => {
  const check = (value: string) => {
    const list = within(() => parseEnvelopeAddresses(value));
    let open = 0;
    for (const entry of list) {
      if (entry.kind === "group-start") open += 1;
      if (entry.kind === "group-end") {
        open -= 1;
        expect(open).toBe(0);
      }
      expect(open).toBeGreaterThanOrEqual(0);
      expect(open).toBeLessThanOrEqual(1);
    }
    // Every group that starts ends (RFC 9051 §7.5.2 frames groups in pairs).
    expect(open).toBe(0);
    expect(list.length).toBeLessThanOrEqual(2 * value.length + 2);
  };

  it("replays the seed corpus", () => {
    for (const line of corpus) check(line);
  });

  it("answers any field value without throwing, groups always closed", () => {
    fc.assert(fc.property(anyText, check), fuzzParameters(2000, examples));
  });

  it("a mailbox written as name-addr reads back as name, mailbox and host", () => {
    const plainName = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 ]{0,20}[A-Za-z0-9]$/).map((t) => t.replace(/ +/g, " "));
    fc.assert(
      fc.property(plainName, localPart, hostname, (name, local, host) => {
        expect(parseEnvelopeAddresses(`${name} <${local}@${host}>`)).toEqual([
          { kind: "mailbox", name, mailbox: local, host },
        ]);
      }),
      fuzzParameters(500),
    );
  });

  it("pathological fields stay fast: deep comments, many quotes, many commas", () => {
    for (const value of ["(".repeat(100_000), '"'.repeat(100_000), ",".repeat(100_000), "<".repeat(100_000)]) {
      check(value);
      expect(() => decodedAddresses([{ name: "to", value }], "to")).not.toThrow();
      expect(() => parseAddressList(value)).not.toThrow();
    }
  });
});
