import { describe, expect, it } from "vitest";
import { normalizeSubject } from "../../server/threading/normalize-subject.ts";
import { conversationIdsFromReferences, outboundMessageId } from "../../server/threading/reply-token.ts";

describe("normalizeSubject", () => {
  it.each([
    ["Invoice 42", "invoice 42", false],
    ["Re: Invoice 42", "invoice 42", true],
    ["RE: re: Fwd: Invoice 42", "invoice 42", true],
    ["AW: WG: Rechnung", "rechnung", true],
    ["返信: 請求書の再発行", "請求書の再発行", true],
    ["転送：返信：請求書の再発行", "請求書の再発行", true],
    ["ＲＥ：請求書の再発行", "請求書の再発行", true],
    ["Ｆｗｄ： 請求書", "請求書", true],
    ["Re[2]: Invoice", "invoice", true],
    ["[support] Re: Invoice", "invoice", true],
    ["Really important", "really important", false],
    ["Regarding: contract", "regarding: contract", false],
    ["  lots   of\tspace ", "lots of space", false],
  ])("%s → %s", (subject, key, isReply) => {
    expect(normalizeSubject(subject)).toEqual({ key, isReply, ticket: null });
  });

  it("extracts and removes a [#123] ticket token", () => {
    expect(normalizeSubject("Re: [#123] Invoice")).toEqual({ key: "invoice", isReply: true, ticket: 123 });
    expect(normalizeSubject("Invoice [#7]")).toEqual({ key: "invoice", isReply: false, ticket: 7 });
  });
});

describe("reply tokens", () => {
  it("round-trip through a Message-ID and ignore foreign ids", () => {
    const id = outboundMessageId(4711, "mail.example.com");
    expect(id).toMatch(/^yb\.c4711\.[a-z0-9]+@mail\.example\.com$/);
    expect(conversationIdsFromReferences(["abc@x", id, "yb.cnope@x"])).toEqual([4711]);
  });
});
