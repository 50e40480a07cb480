"use client";
import { MAX_DISPLAY_TEXT_CHARS } from "../../../../server/limits.ts";
import { useT } from "../../../i18n/client.tsx";
import { splitQuotedText } from "./quoted-text.ts";

/**
 * A message's text; a very long one is cut (server/conversations/message-text.ts), the rest a link away.
 * Quoted history and the signature are folded behind "…" (quoted-text.ts); a native <details>
 * opens them without waiting for scripts.
 */
export function TextBody({ messageId, text, length }: { messageId: number; text: string; length: number }) {
  const t = useT();
  const cut = length > MAX_DISPLAY_TEXT_CHARS;
  return (
    <div className="px-3 py-4 sm:px-5">
      <div className="text-sm leading-relaxed break-words whitespace-pre-wrap text-slate-800">
        {splitQuotedText(text).map((part, i) =>
          part.kind === "text" ? (
            // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one text never reorder
            <div key={i}>{part.text}</div>
          ) : (
            // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one text never reorder
            <details key={i} data-testid={`folded-${part.kind}`} className="group my-1">
              <summary
                aria-label={t(part.kind === "quote" ? "message.showQuoted" : "message.showSignature")}
                className="inline-block cursor-pointer list-none rounded bg-stone-100 px-2 leading-5 text-slate-500 select-none hover:bg-stone-200 focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:outline-none [&::-webkit-details-marker]:hidden"
              >
                …
              </summary>
              <div className="mt-1 border-l-2 border-stone-200 pl-3 text-slate-500">{part.text}</div>
            </details>
          ),
        )}
      </div>
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
