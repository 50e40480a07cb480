// The connector's pure parts: the imaps:// / imap:// URL the CLI takes
// (percent-encoded user names, no password in the URL, nothing else but a
// host and port), the sealed password (never readable without the data
// dir's key, tampering detected), and the settings check's refusals.
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { validateSettings } from "../../server/connectors/connector-admin.ts";
import { connectorUrl, parseConnectorUrl } from "../../server/connectors/connector-url.ts";
import { describeFailure } from "../../server/connectors/describe-failure.ts";
import { openPassword, sealPassword } from "../../server/connectors/password-box.ts";
import { parseRelayUrl, relayUrl } from "../../server/connectors/relay-url.ts";

describe("connector URLs", () => {
  it("reads imaps:// as implicit TLS and imap:// as STARTTLS, with default ports and %40 in the user", () => {
    expect(parseConnectorUrl("imaps://support%40example.com@imap.gmail.com:993")).toEqual({
      host: "imap.gmail.com",
      port: 993,
      tls: "implicit",
      username: "support@example.com",
    });
    expect(parseConnectorUrl("imap://me@mail.example.net")).toEqual({
      host: "mail.example.net",
      port: 143,
      tls: "starttls",
      username: "me",
    });
    expect(parseConnectorUrl("imaps://me@[::1]:1993")).toMatchObject({ host: "::1", port: 1993 });
    expect(connectorUrl(parseConnectorUrl("imaps://a%40b.example@h.example:993"))).toBe(
      "imaps://a%40b.example@h.example:993",
    );
  });

  it("refuses what is not an IMAP URL of a user at a host", () => {
    for (const [url, message] of [
      ["imap.gmail.com", /is not a URL/],
      ["https://me@host", /not imaps: or imap:/],
      ["imaps://me:secret@host", /--password-file, not in the URL/],
      ["imaps://host:993", /names no user/],
      ["imaps://me@host/INBOX", /--folders/],
      ["imaps://me@host?x=1", /--folders/],
      ["imaps://me%ZZ@host", /not valid percent-encoding|is not a URL/],
    ] as const) {
      expect(() => parseConnectorUrl(url), url).toThrow(message);
    }
  });
});

describe("relay URLs", () => {
  it("reads smtp:// as STARTTLS on 587 and smtps:// as implicit TLS on 465, with %40 in the user and ?verify=no", () => {
    expect(parseRelayUrl("smtp://support%40example.com@smtp.gmail.com")).toEqual({
      host: "smtp.gmail.com",
      port: 587,
      tls: "starttls",
      username: "support@example.com",
      checkCertificate: true,
    });
    expect(parseRelayUrl("smtps://me@mail.example.net?verify=no")).toEqual({
      host: "mail.example.net",
      port: 465,
      tls: "implicit",
      username: "me",
      checkCertificate: false,
    });
    expect(relayUrl(parseRelayUrl("smtp://a%40b.example@[::1]:2587?verify=no"))).toBe(
      "smtp://a%40b.example@[::1]:2587?verify=no",
    );
  });

  it("refuses what is not an SMTP URL of a user at a host, and a password in the URL", () => {
    for (const [url, message] of [
      ["smtp.gmail.com", /is not a relay URL/],
      ["imaps://me@host", /not smtp: or smtps:/],
      ["smtp://me:secret@host", /--relay-password-file/],
      ["smtp://host:587", /names no user/],
      ["smtp://me@host/path", /path or query/],
      ["smtp://me@host?auth=plain", /path or query/],
    ] as const) {
      expect(() => parseRelayUrl(url), url).toThrow(message);
    }
  });
});

describe("sealed passwords", () => {
  it("round-trips under the data dir's key, which is made once with mode 0600; another key or a changed box fails", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "yubin-key-"));
    const box = sealPassword(dir, "app password ①");
    expect(box).not.toContain("app password");
    expect(openPassword(dir, box)).toBe("app password ①");
    const key = path.join(dir, "secrets", "connector-key");
    expect(statSync(key).mode & 0o777).toBe(0o600);
    const before = readFileSync(key, "utf8");
    expect(sealPassword(dir, "x")).not.toBe(sealPassword(dir, "x")); // a fresh IV each time
    expect(readFileSync(key, "utf8")).toBe(before);
    const other = mkdtempSync(path.join(os.tmpdir(), "yubin-key-"));
    expect(() => openPassword(other, box)).toThrow(/cannot be decrypted with this data dir's connector key/);
    const [v, iv, tag, data] = box.split(":") as [string, string, string, string];
    const flipped = Buffer.from(data, "base64");
    flipped[0] = (flipped[0] as number) ^ 1;
    expect(() => openPassword(dir, [v, iv, tag, flipped.toString("base64")].join(":"))).toThrow(/cannot be decrypted/);
    expect(() => openPassword(dir, "garbage")).toThrow(/damaged/);
  });
});

describe("connector settings and failures", () => {
  const ok = { host: "imap.example.com", port: 993, tls: "implicit" as const, username: "u", password: "p" };
  it("refuses hostile or empty settings", () => {
    expect(validateSettings(ok)).toMatchObject({ folders: ["INBOX"], checkCertificate: true, caPem: null });
    expect(() => validateSettings({ ...ok, host: "a b" })).toThrow(/not a host name/);
    expect(() => validateSettings({ ...ok, port: 70000 })).toThrow(/not a port/);
    expect(() => validateSettings({ ...ok, password: "a\r\nb" })).toThrow(/password/);
    expect(() => validateSettings({ ...ok, username: "" })).toThrow(/user name/);
    expect(() => validateSettings({ ...ok, folders: ["INBOX\r\nA1 DELETE INBOX"] })).toThrow(/not a folder name/);
    expect(() => validateSettings({ ...ok, folders: Array.from({ length: 51 }, (_, i) => `F${i}`) })).toThrow(
      /at most 50/,
    );
    expect(() => validateSettings({ ...ok, caPem: "not a certificate" })).toThrow(/not a PEM certificate/);
    // Write-back and the relay.
    expect(validateSettings(ok)).toMatchObject({ markSeen: "off", moveTo: null, relay: null });
    expect(() => validateSettings({ ...ok, markSeen: "always" as never })).toThrow(/off, imported or closed/);
    expect(() => validateSettings({ ...ok, moveTo: "Done\r\nA1 LOGOUT" })).toThrow(/not a folder name/);
    expect(() => validateSettings({ ...ok, moveTo: "INBOX" })).toThrow(/cannot also be where imported mail is moved/);
    const relay = {
      host: "smtp.example.com",
      port: 587,
      tls: "starttls" as const,
      username: "u",
      checkCertificate: true,
    };
    expect(() => validateSettings({ ...ok, relay })).toThrow(/relay password is empty/);
    expect(validateSettings({ ...ok, relay }, { relay: true }).relay).toEqual(relay);
    expect(() => validateSettings({ ...ok, relay: { ...relay, password: "p", host: "a b" } })).toThrow(
      /not a relay host name/,
    );
    expect(() => validateSettings({ ...ok, relay: { ...relay, password: "p", port: 0 } })).toThrow(/not a relay port/);
    expect(() => validateSettings({ ...ok, relay: { ...relay, password: "p", username: "a\nb" } })).toThrow(
      /relay user name/,
    );
  });

  it("names the step of each failure in plain words", () => {
    const at = { host: "imap.example.com", port: 993 };
    const err = (props: Record<string, unknown>, message = "boom") => Object.assign(new Error(message), props);
    expect(describeFailure(err({ code: "ENOTFOUND" }), at).step).toBe("dns");
    expect(describeFailure(err({ code: "ECONNREFUSED" }), at)).toEqual({
      step: "tcp",
      message: "TCP: imap.example.com:993 refused the connection",
    });
    expect(describeFailure(err({ code: "ETIMEDOUT" }), at).step).toBe("tcp");
    expect(describeFailure(err({ code: "DEPTH_ZERO_SELF_SIGNED_CERT" }, "self-signed certificate"), at).step).toBe(
      "tls",
    );
    expect(describeFailure(err({ authenticationFailed: true, responseText: "Invalid credentials" }), at)).toEqual({
      step: "auth",
      message:
        "Authentication: imap.example.com:993 refused the user name or password (the server said: Invalid credentials)",
    });
  });
});
