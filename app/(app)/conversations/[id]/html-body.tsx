"use client";
import { useState } from "react";
import { useT } from "../../../i18n/client.tsx";

/**
 * The message HTML in a sandboxed iframe: no scripts, no same-origin access,
 * no forms; links (which the sanitiser marks target=_blank, rel=noopener)
 * open in a new, unsandboxed tab. The document is served by
 * /api/messages/<id>/html with its own CSP; remote images load only after the
 * reader asks, by loading the document again with ?remoteImages=1. The
 * notice and its button show only for HTML that has remote images to block
 * (`remoteImages`, from server/conversations/message-text.ts).
 */
export function HtmlBody({
  messageId,
  sender,
  remoteImages,
}: {
  messageId: number;
  sender: string;
  remoteImages: boolean;
}) {
  const [shown, setShown] = useState(false);
  const t = useT();
  const src = `/api/messages/${messageId}/html${shown ? "?remoteImages=1" : ""}`;
  return (
    <div>
      {remoteImages ? (
        <div
          data-testid="remote-images"
          className="flex items-center justify-between gap-3 border-b border-stone-100 bg-stone-50/60 px-5 py-2 text-xs text-slate-500"
        >
          <span>{shown ? t("message.remoteShown") : t("message.remoteBlocked")}</span>
          {shown ? null : (
            <button
              type="button"
              onClick={() => setShown(true)}
              className="rounded-md border border-stone-300 bg-white px-2.5 py-1 font-medium text-slate-700 hover:bg-stone-50 focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:outline-none"
            >
              {t("message.showRemote")}
            </button>
          )}
        </div>
      ) : null}
      <div className="h-96 resize-y overflow-hidden">
        <iframe
          key={src}
          src={src}
          sandbox="allow-popups allow-popups-to-escape-sandbox"
          referrerPolicy="no-referrer"
          title={t("message.frameTitle", { sender })}
          className="h-full w-full border-0 bg-white"
        />
      </div>
    </div>
  );
}
