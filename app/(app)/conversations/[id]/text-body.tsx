import { MAX_DISPLAY_TEXT_CHARS } from "../../../../server/limits.ts";
import { getT } from "../../../i18n/server.ts";

/** A message's text; a very long one is cut (server/conversations/message-text.ts), the rest a link away. */
export async function TextBody({ messageId, text, length }: { messageId: number; text: string; length: number }) {
  const t = await getT();
  const cut = length > MAX_DISPLAY_TEXT_CHARS;
  return (
    <div className="px-5 py-4">
      <div className="text-sm leading-relaxed break-words whitespace-pre-wrap text-slate-800">{text}</div>
      {cut ? (
        <p
          role="note"
          className="mt-3 rounded-md border border-stone-200 bg-stone-50 px-3 py-2 text-sm text-slate-700"
          data-testid="text-cut"
        >
          {t("message.textCut", {
            shown: MAX_DISPLAY_TEXT_CHARS.toLocaleString("en-US"),
            total: length.toLocaleString("en-US"),
          })}{" "}
          <a
            href={`/api/messages/${messageId}/text?inline=1`}
            target="_blank"
            rel="noopener"
            className="font-medium underline underline-offset-2"
          >
            {t("message.showRest")}
          </a>
          {" · "}
          <a href={`/api/messages/${messageId}/text`} className="font-medium underline underline-offset-2">
            {t("message.downloadText")}
          </a>
        </p>
      ) : null}
    </div>
  );
}
