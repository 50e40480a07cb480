// What a reply means in plain words (server/trace/explain-reply.ts), for the
// replies Yubin itself sends and the ones remote servers send back, and the
// words of every explanation and story sentence in both languages.
import { describe, expect, it } from "vitest";
import { en } from "../../app/i18n/messages-en.ts";
import { ja } from "../../app/i18n/messages-ja.ts";
import { confirmedReverseName, reverseQueryName } from "../../mail-daemons/smtp/reverse-name.ts";
import { explainCheck, explainReply } from "../../server/trace/explain-reply.ts";

describe("explainReply", () => {
  it.each([
    [250, "250 2.6.0 Message accepted as x.1", "mx", "accepted"],
    [452, "452 4.2.2 Mailbox full, try again later", "mx", "mailboxFull"],
    [552, "552 5.2.2 Mailbox full", "delivery", "mailboxFull"],
    [550, "550 5.1.1 No such user here", "mx", "unknownUser"],
    [554, "554 5.7.1 Relay access denied", "mx", "relayDenied"],
    [552, "552 5.3.4 Message exceeds fixed maximum message size of 52428800 bytes", "mx", "tooBig"],
    [554, "554 5.6.0 Message contains a bare CR or LF where SMTP smuggling needs one", "mx", "smuggling"],
    [554, "554 5.4.0 Too many Received header fields (more than 50), mail loop suspected", "mx", "loop"],
    [550, "550 5.7.1 Rejected by the DMARC policy of shop.example", "mx", "dmarcReject"],
    [535, "535 5.7.8 Authentication credentials invalid", "submission", "authFailed"],
    [454, "454 4.7.0 Too many failed logins, try again later", "submission", "authThrottled"],
    [553, "553 5.7.1 Sender address <x@y> is not one you may send as", "submission", "senderNotAllowed"],
    [421, "421 4.7.0 Too many connections from your address, try again later", "mx", "tooManyConnections"],
    [451, "451 4.3.0 Temporary failure storing the message, try again", "mx", "storageFailed"],
    [452, "452 4.3.1 Insufficient system storage, try again later", "mx", "systemFull"],
    [452, "452 4.3.1 Insufficient system storage", "delivery", "systemFull"],
    [550, "550 5.1.2 Host or domain name not found: nx.test", "delivery", "hostNotFound"],
    [556, "556 5.1.10 Domain x does not accept mail (null MX)", "delivery", "nullMx"],
    [451, "451 4.4.1 mx[1.2.3.4]: connect ECONNREFUSED", "delivery", "connectFailed"],
    [451, "451 4.4.5 Try again later", "delivery", "temporaryOutbound"],
    [550, "550 5.7.1 Message rejected as spam", "delivery", "policyRefused"],
    [550, "550 Go away", "delivery", "permanentOutbound"],
    [450, "450 Busy", "mx", "temporaryInbound"],
  ] as const)("%i %s (%s) → %s", (code, reply, kind, expected) => {
    expect(explainReply(code, reply, kind)).toBe(expected);
  });

  it("names every check result it may meet, and the others as 'other'", () => {
    expect(explainCheck("spf", "fail")).toBe("spf.fail");
    expect(explainCheck("dkim", "softfail")).toBe("dkim.other");
    expect(explainCheck("arc", "other")).toBe("arc.other");
    expect(en[`trace.why.${explainCheck("spf", "fail")}`]).toBe(
      "The sender's domain says this server may not send for it (SPF fail).",
    );
    expect(ja["trace.why.spf.fail"]).toContain("SPF fail");
  });

  it("has a Japanese sentence for every English one, none left in English", () => {
    const keys = Object.keys(en).filter((k) => k.startsWith("trace."));
    expect(keys.length).toBeGreaterThan(100);
    for (const key of keys) {
      const text = ja[key as keyof typeof ja];
      expect(text, key).toBeTruthy();
      if (!/^trace\.(field\.(messageId|tls|from|to)|messageId|story\.check|field\.helo)$/.test(key)) {
        expect(text, key).not.toBe(en[key as keyof typeof en]);
      }
    }
  });
});

describe("the client's reverse name", () => {
  it("asks the in-addr.arpa and ip6.arpa names", () => {
    expect(reverseQueryName("192.0.2.10")).toBe("10.2.0.192.in-addr.arpa");
    expect(reverseQueryName("2001:db8::1")).toBe(
      "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa",
    );
    expect(reverseQueryName("not an address")).toBeNull();
  });

  it("keeps a PTR name only when it resolves back to the client (FCrDNS), and never a hostile one", async () => {
    const table: Record<string, string[]> = {
      "10.2.0.192.in-addr.arpa/PTR": ["mail.shop.example.", "evil\r\nname"],
      "mail.shop.example./A": ["192.0.2.10"],
      "11.2.0.192.in-addr.arpa/PTR": ["liar.example"],
      "liar.example/A": ["203.0.113.1"],
      "12.2.0.192.in-addr.arpa/PTR": ["evil\r\nX-Injected: yes"],
    };
    const resolve = async (name: string, type: string) => {
      const found = table[`${name}/${type}`];
      if (!found) throw Object.assign(new Error("NXDOMAIN"), { code: "ENOTFOUND" });
      return found;
    };
    const reverse = confirmedReverseName(resolve);
    expect(await reverse("192.0.2.10")).toBe("mail.shop.example");
    expect(await reverse("192.0.2.11")).toBeNull();
    expect(await reverse("192.0.2.12")).toBeNull();
    expect(await reverse("192.0.2.13")).toBeNull();
  });

  it("keeps an address's answer for the DNS cache's time, but asks again after a timeout", async () => {
    let clock = 1_000_000;
    const asked: string[] = [];
    let timeOut = false;
    const resolve = async (name: string, type: string) => {
      asked.push(`${name}/${type}`);
      if (timeOut) throw Object.assign(new Error("timeout"), { code: "ETIMEOUT" });
      if (type === "PTR" && name === "10.2.0.192.in-addr.arpa") return ["mail.shop.example"];
      if (type === "A" && name === "mail.shop.example") return ["192.0.2.10"];
      throw Object.assign(new Error("NXDOMAIN"), { code: "ENOTFOUND" });
    };
    const reverse = confirmedReverseName(resolve, () => clock);
    expect(await reverse("192.0.2.10")).toBe("mail.shop.example");
    expect(await reverse("192.0.2.10")).toBe("mail.shop.example");
    expect(await reverse("192.0.2.11")).toBeNull();
    expect(await reverse("192.0.2.11")).toBeNull();
    expect(asked).toEqual(["10.2.0.192.in-addr.arpa/PTR", "mail.shop.example/A", "11.2.0.192.in-addr.arpa/PTR"]);

    clock += 61_000;
    timeOut = true;
    expect(await reverse("192.0.2.10")).toBeNull();
    await new Promise((resolve) => setImmediate(resolve));
    timeOut = false;
    // The failure was not kept: the next connection asks again and gets the name.
    expect(await reverse("192.0.2.10")).toBe("mail.shop.example");
    expect(asked.slice(3)).toEqual([
      "10.2.0.192.in-addr.arpa/PTR",
      "10.2.0.192.in-addr.arpa/PTR",
      "mail.shop.example/A",
    ]);
  });
});
