import { describe, expect, it } from "vitest";
import { checkForwardPath } from "../../mail-daemons/smtp/address-policy.ts";

const verdict = (path: string) => {
  const v = checkForwardPath(path);
  return v.ok ? `ok ${v.address}` : `${v.code} ${v.enhanced}`;
};

describe("RCPT TO forward-path policy", () => {
  it.each([
    ["support@yubin.test", "ok support@yubin.test"],
    ["Support@YUBIN.Test", "ok Support@yubin.test"],
    ["first.last+tag@yubin.test", "ok first.last+tag@yubin.test"],
    ['"john smith"@yubin.test', 'ok "john smith"@yubin.test'],
    ["用户@yubin.test", "ok 用户@yubin.test"],
    ["user@[127.0.0.1]", "ok user@[127.0.0.1]"],
    ["user@[IPv6:2001:db8::1]", "ok user@[ipv6:2001:db8::1]"],
    ["Postmaster", "ok postmaster"],
  ])("accepts %s", (path, expected) => {
    expect(verdict(path)).toBe(expected);
  });

  it.each([
    ["a%b@yubin.test", "percent hack, RFC 1123 §5.2.16"],
    ["a%b", "percent hack without domain"],
    ['"a@example.net"@yubin.test', "quoted local part with @"],
    ['"a%example.net"@yubin.test', "quoted local part with %"],
    ['"a\\@example.net"@yubin.test', "quoted-pair @"],
    ["@yubin.test:a@example.net", "source route, RFC 5321 Appendix C"],
    ["@a.test,@yubin.test:a@yubin.test", "source route list"],
    ["a@example.net@yubin.test", "two @"],
    ['"a"@example.net@yubin.test', "quoted local part then two @"],
    ["a!b@yubin.test", "bang path, RFC 976"],
    ["example.net!a@yubin.test", "bang path host first"],
  ])("refuses %s as relaying (%s)", (path) => {
    expect(verdict(path)).toBe("554 5.7.1");
  });

  it.each([
    ["", "empty"],
    ["nodomain", "no @"],
    ["@yubin.test", "no local part"],
    ["user@", "no domain"],
    [".user@yubin.test", "leading dot"],
    ["us..er@yubin.test", "double dot"],
    ["user.@yubin.test", "trailing dot"],
    ["us er@yubin.test", "space"],
    ["user@yubin..test", "empty label"],
    ["user@-yubin.test", "label starts with hyphen"],
    ["user@yubin_test", "underscore in domain"],
    ["user@[999.1.1.1]", "bad IPv4 literal"],
    ["user@[IPv6:zz::1]", "bad IPv6 literal"],
    ['"unterminated@yubin.test', "unterminated quote"],
    ['"x"y@yubin.test', "text after quoted local part"],
    ["us\u0000er@yubin.test", "NUL"],
    [`${"a".repeat(65)}@yubin.test`, "local part over 64 octets, RFC 5321 §4.5.3.1.1"],
    [`a@${Array.from({ length: 5 }, () => "b".repeat(60)).join(".")}.test`, "path over 256 octets"],
  ])("refuses %j as malformed (%s)", (path) => {
    expect(verdict(path)).toBe("501 5.1.3");
  });
});
