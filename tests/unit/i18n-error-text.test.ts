// Server errors in the reader's language: the messages the real domain
// functions throw are recognised (a reworded server message fails here, not
// silently in a Japanese form), values from the user pass through unchanged
// and uninterpreted, and an unknown message still shows, marked as an error.
import { describe, expect, it } from "vitest";
import { errorText } from "../../app/i18n/error-text.ts";
import { en } from "../../app/i18n/messages-en.ts";
import { ja } from "../../app/i18n/messages-ja.ts";
import { makeT } from "../../app/i18n/translate.ts";
import { UNKNOWN_ID_ANSWER } from "../../server/access/database-id.ts";
import { ReviewRefused } from "../../server/approval/reviewable.ts";
import { passwordProblem } from "../../server/auth/passwords.ts";
import { SIGN_IN_MESSAGES } from "../../server/auth/sign-in-errors.ts";
import { NEW_ACTIVITY_MESSAGE } from "../../server/compose/validate-composition.ts";
import { MAX_QUERY_CHARS, MIN_PASSWORD_LENGTH } from "../../server/limits.ts";
import { normalizeAddress, normalizeDomain } from "../../server/mailboxes/address.ts";
import { PERSONAL_MEMBERS } from "../../server/mailboxes/change-members.ts";
import { parseSize } from "../../server/mailboxes/quota-size.ts";
import { parseSearchQuery } from "../../server/search/parse-query.ts";
import { normalizeTagName } from "../../server/tags/tag-name.ts";
import { normalizeTraceQuery } from "../../server/trace/search-traces.ts";
import { LAST_ADMIN } from "../../server/users/last-admin.ts";
import { LINK_INVALID } from "../../server/users/password-links.ts";
import { CHOOSE_MAILBOX, REMOVE_SELF } from "../../server/users/remove-user.ts";
import { DISABLE_SELF } from "../../server/users/set-disabled.ts";
import { WRONG_CURRENT_PASSWORD } from "../../server/users/set-password.ts";
import { notFound } from "../../server/workflow/workflow-conflict.ts";

const tJa = makeT(ja);
const tEn = makeT(en);

function thrown(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected the call to throw");
}

describe("errorText of the message trace's search", () => {
  it("translates every refusal of a search", () => {
    const at = new Date("2030-01-01T00:00:00Z");
    const day = 24 * 3600_000;
    const range = { since: new Date(at.getTime() - day), until: at };
    const cases: [() => unknown, string][] = [
      [
        () => normalizeTraceQuery({ since: new Date(at.getTime() - 40 * day), until: at }),
        "1 回の検索は最大 31 日です。期間を短くしてください。",
      ],
      [() => normalizeTraceQuery({ since: at, until: at }), ja["errors.auditRangeOrder"]],
      [() => normalizeTraceQuery({ since: new Date("x"), until: at }), ja["trace.error.invalidRange"]],
      [() => normalizeTraceQuery({ ...range, clientAddress: "host.example" }), ja["trace.error.ip"]],
      [() => normalizeTraceQuery({ ...range, sender: "a b@c" }), ja["trace.error.sender"]],
      [() => normalizeTraceQuery({ ...range, recipient: "a b@c" }), ja["trace.error.recipient"]],
      [() => normalizeTraceQuery({ ...range, messageId: "a b" }), ja["trace.error.messageId"]],
    ];
    for (const [run, expected] of cases) expect(errorText(thrown(run), tJa)).toBe(expected);
    expect(errorText(thrown(cases[0]?.[0] as () => unknown), tEn)).toBe(
      "One search spans at most 31 days: choose a shorter time range.",
    );
  });
});

describe("errorText", () => {
  it("translates what the domain functions throw", () => {
    expect(
      errorText(
        thrown(() => normalizeAddress("not-an-address")),
        tJa,
      ),
    ).toBe("「not-an-address」はメールアドレスではありません。");
    expect(
      errorText(
        thrown(() => normalizeDomain("exa mple")),
        tJa,
      ),
    ).toBe("「exa mple」は有効なドメイン名ではありません。");
    expect(
      errorText(
        thrown(() => parseSize("lots")),
        tJa,
      ),
    ).toContain("「lots」はサイズとして認識できません");
    expect(
      errorText(
        thrown(() => normalizeTagName("   ")),
        tJa,
      ),
    ).toBe("タグ名を入力してください。");
    expect(
      errorText(
        thrown(() => normalizeTagName("x".repeat(41))),
        tJa,
      ),
    ).toBe("40 文字以内で入力してください。");
    expect(errorText(passwordProblem("short"), tJa)).toBe(
      `パスワードは ${MIN_PASSWORD_LENGTH} 文字以上にしてください。`,
    );
    expect(errorText(notFound().message, tJa)).toBe(ja["errors.notFound"]);
    expect(errorText(UNKNOWN_ID_ANSWER, tJa)).toBe(ja["errors.notFound"]);
    expect(errorText(NEW_ACTIVITY_MESSAGE, tJa)).toBe(ja["errors.newActivity"]);
    expect(errorText(new ReviewRefused("own_reply").message, tJa)).toBe(ja["errors.ownReply"]);
    expect(errorText(new ReviewRefused("not_reviewer").message, tJa)).toBe(ja["errors.notReviewer"]);
    expect(errorText(new ReviewRefused("not_found").message, tJa)).toBe(ja["errors.notFound"]);
    expect(errorText(WRONG_CURRENT_PASSWORD, tJa)).toBe(ja["errors.currentPassword"]);
    expect(errorText(SIGN_IN_MESSAGES.throttled, tJa)).toBe(ja["errors.throttled"]);
    expect(errorText(DISABLE_SELF, tJa)).toBe(ja["errors.disableSelf"]);
  });

  it("translates the people and membership admin's refusals (issue 13)", () => {
    expect(errorText(LAST_ADMIN, tJa)).toBe(ja["errors.lastAdmin"]);
    expect(errorText(REMOVE_SELF, tJa)).toBe(ja["errors.removeSelf"]);
    expect(errorText(CHOOSE_MAILBOX, tJa)).toBe(ja["errors.chooseMailbox"]);
    expect(errorText(PERSONAL_MEMBERS, tJa)).toBe(ja["errors.personalMembers"]);
    expect(errorText(LINK_INVALID, tJa)).toBe(ja["setPassword.invalid"]);
    expect(errorText("Name at least one member to add or remove.", tJa)).toBe(ja["errors.nameMembers"]);
    expect(errorText("Hand the mailbox to someone other than the user removed.", tJa)).toBe(ja["errors.handToOther"]);
    expect(errorText("mo@example.com is not a member of team@example.com", tJa)).toBe(
      "mo@example.com は team@example.com のメンバーではありません。",
    );
    expect(errorText("mo@example.com is already a member of team@example.com", tJa)).toBe(
      "mo@example.com はすでに team@example.com のメンバーです。",
    );
    expect(errorText("add.0.email: email is required", tJa)).toBe(ja["errors.emailRequired"]);
    expect(errorText("name: name is required", tJa)).toBe(ja["errors.nameRequired"]);
    expect(errorText('No procedure found on path "admin.users.edit"', tJa)).toBe(ja["errors.notFound"]);
    expect(errorText("No such session.", tJa)).toBe(ja["errors.notFound"]);
    expect(errorText(LAST_ADMIN, tEn)).toBe(LAST_ADMIN);
  });

  it("recognises a known message behind the field name input validation puts first", () => {
    const message = thrown(() => parseSize("lots"));
    expect(errorText(`quota: ${message}`, tJa)).toContain("「lots」はサイズとして認識できません");
    expect(errorText("quota: something new", tJa)).toBe("エラー: quota: something new");
  });

  it("words a workflow conflict in Japanese, the admin's own status names and commas in names kept", () => {
    const at = "2030-01-02T00:00:00.000Z";
    const format = (iso: string) => `<${iso.slice(0, 10)}>`;
    expect(
      errorText(`Changed by someone else: now Pending, assigned to Yamada, Taro, snoozed until ${at}`, tJa, format),
    ).toBe("他のメンバーが変更しました。現在: 返信待ち、担当: Yamada, Taro、<2030-01-02> までスヌーズ中");
    expect(errorText("Changed by someone else: now 対応中, unassigned", tJa)).toBe(
      "他のメンバーが変更しました。現在: 対応中、未割り当て",
    );
    // English reads exactly as the server wrote it (tests/e2e-workflow.test.ts relies on it).
    const english = "Changed by someone else: now Pending, assigned to Administrator";
    expect(errorText(english, tEn)).toBe(english);
  });

  it("translates search query errors; in English they read exactly as the parser wrote them", () => {
    const queries = [
      "foo:bar",
      "after:last-week",
      "before:2026-02-30",
      "from:",
      "subject:!!",
      "status:done",
      "assignee:??",
      "has:pdf",
      "-before:2026-01-01",
      "x".repeat(MAX_QUERY_CHARS + 1),
      Array.from({ length: 40 }, (_, i) => `w${i}`).join(" "),
    ];
    for (const q of queries) {
      const message = thrown(() => parseSearchQuery(q));
      expect(errorText(message, tEn), q.slice(0, 20)).toBe(message);
      const japanese = errorText(message, tJa);
      expect(japanese, `${q.slice(0, 20)}: ${message}`).not.toMatch(/^エラー: /);
      expect(japanese).toMatch(/[ぁ-んァ-ヶ一-龠]/);
    }
    expect(
      errorText(
        thrown(() => parseSearchQuery("status:done")),
        tJa,
      ),
    ).toContain("「done」は使えません");
  });

  it("reads the same in English as the server said it, give or take the capital", () => {
    expect(
      errorText(
        thrown(() => normalizeAddress("nope")),
        tEn,
      ),
    ).toBe('"nope" is not an email address.');
    expect(errorText("Only admins may do this.", tEn)).toBe("Only admins may do this.");
  });

  it("keeps what the user typed as it is: no placeholder filling, no markup", () => {
    const typed = "{email}<img src=x onerror=alert(1)>";
    const text = errorText(
      thrown(() => normalizeAddress(typed)),
      tJa,
    );
    expect(text).toBe(`「${typed}」はメールアドレスではありません。`);
    // A captured value that looks like a placeholder of the template is not filled twice.
    expect(errorText('"{value}" is not a valid domain name', tJa)).toBe(
      "「{value}」は有効なドメイン名ではありません。",
    );
  });

  it("shows an unknown message rather than hiding it, marked as an error in Japanese", () => {
    expect(errorText("status: is one of open, pending", tJa)).toBe("エラー: status: is one of open, pending");
    expect(errorText("status: is one of open, pending", tEn)).toBe("status: is one of open, pending");
    expect(errorText("", tJa)).toBe("");
    expect(errorText(undefined, tJa)).toBe("");
  });

  it("does not mistake a longer message for a known one", () => {
    // Anchored patterns: a message that merely contains a known sentence is not that sentence.
    expect(errorText("Note: Only admins may do this. Ask one.", tJa)).toBe(
      "エラー: Note: Only admins may do this. Ask one.",
    );
  });
});
