// The quota refusals a person meets, in their language: what the domain
// functions really say is recognised by app/i18n/error-text.ts.
import { describe, expect, it } from "vitest";
import { errorText } from "../../app/i18n/error-text.ts";
import { en } from "../../app/i18n/messages-en.ts";
import { ja } from "../../app/i18n/messages-ja.ts";
import { makeT } from "../../app/i18n/translate.ts";
import { MAX_QUOTA_WARN_THRESHOLDS } from "../../server/limits.ts";
import { senderMailboxFullMessage } from "../../server/outbound/submit-message.ts";
import { checkWarnPercents } from "../../server/quotas/set-quota-limits.ts";

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

describe("quota errors", () => {
  it("tells a sender whose mailbox is full why nothing was sent", () => {
    const message = senderMailboxFullMessage("support@example.com");
    expect(errorText(message, tEn)).toBe(message);
    expect(errorText(message, tJa)).toBe(
      "メールボックス support@example.com が満杯のため、送信済みの控えを保存できません。メールを削除するか、管理者に容量の拡大を依頼してください。",
    );
  });

  it("explains bad warning thresholds", () => {
    expect(
      errorText(
        thrown(() => checkWarnPercents([0])),
        tJa,
      ),
    ).toBe("警告のしきい値は 1〜100 の整数（%）で指定してください。");
    const many = Array.from({ length: MAX_QUOTA_WARN_THRESHOLDS + 1 }, (_, i) => i + 1);
    expect(
      errorText(
        thrown(() => checkWarnPercents(many)),
        tJa,
      ),
    ).toBe(`警告のしきい値は ${MAX_QUOTA_WARN_THRESHOLDS} 個までです。`);
  });
});
