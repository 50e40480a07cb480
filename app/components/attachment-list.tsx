"use client";
// Attachments as chips: name, type and size, a download link, and for what
// may be an image a thumbnail and an in-page viewer. Previews load from the
// same authorized route with ?preview=1, which serves only what the bytes
// prove to be a raster image or a PDF (app/api/messages/attachment-response.ts);
// a thumbnail the server refuses simply disappears.
//
// A PDF is marked as one but not shown in the page: Chromium's viewer refuses
// a frame with the sandbox attribute, and in a frame without it runs the
// file's own JavaScript (app.alert in an OpenAction fires) even when the
// response carries CSP sandbox — checked with Debian's Chromium. Showing PDFs
// safely needs rendering them to a canvas (pdf.js with scripting off); until
// then they are downloaded to be checked.
import { useRef, useState } from "react";
import { formatSize } from "../../server/mailboxes/quota-size.ts";
import { mayPreview } from "../../server/mime/sniff-preview.ts";
import { useT } from "../i18n/client.tsx";

export interface AttachmentItem {
  /** Null: listed but cannot be opened. */
  index: number | null;
  /** The name as shown (already made safe for display). */
  name: string;
  contentType: string;
  size: number | null;
  inline?: boolean;
}

const CHIP =
  "inline-flex max-w-full items-center sm:max-w-xs gap-2 rounded-md border border-stone-200 px-3 py-1.5 text-sm hover:bg-stone-50 focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:outline-none";

function PaperClip() {
  return (
    <svg aria-hidden="true" viewBox="0 0 20 20" className="h-4 w-4 shrink-0 fill-slate-400">
      <path d="M13.5 3a3.5 3.5 0 0 0-2.47 1.03L4.6 10.45a5 5 0 0 0 7.07 7.07l5.3-5.3-1.06-1.06-5.3 5.3a3.5 3.5 0 1 1-4.95-4.95l6.43-6.42a2 2 0 1 1 2.83 2.83l-6.3 6.3a.5.5 0 0 1-.7-.71l5.65-5.66-1.06-1.06-5.66 5.65a2 2 0 1 0 2.83 2.83l6.3-6.3A3.5 3.5 0 0 0 13.5 3Z" />
    </svg>
  );
}

export function AttachmentList({
  items,
  baseHref,
  label,
}: {
  items: AttachmentItem[];
  /** The attachment route without the index: `/api/messages/7/attachments`. */
  baseHref: string;
  label: string;
}) {
  const t = useT();
  const dialog = useRef<HTMLDialogElement>(null);
  const [open, setOpen] = useState<AttachmentItem | null>(null);
  const [broken, setBroken] = useState<Set<number>>(new Set());

  const show = (item: AttachmentItem) => {
    setOpen(item);
    dialog.current?.showModal();
  };

  return (
    <section aria-label={label}>
      <ul className="flex flex-wrap gap-2">
        {items.map((a, position) => {
          const kind = a.index !== null ? mayPreview(a.contentType, a.name) : null;
          const isPdf = kind === "pdf";
          const href = a.index !== null ? `${baseHref}/${a.index}` : null;
          const preview = href && kind === "image" && !broken.has(a.index as number) ? `${href}?preview=1` : null;
          const details = (
            <span className="shrink-0 text-xs text-slate-500">
              {a.contentType}
              {a.size !== null ? ` · ${formatSize(a.size)}` : ""}
              {a.inline ? ` · ${t("message.inline")}` : ""}
            </span>
          );
          return (
            <li key={a.index ?? `n${position}`} className="flex items-center gap-1">
              {preview ? (
                <button
                  type="button"
                  onClick={() => show(a)}
                  aria-label={t("attachments.preview", { name: a.name })}
                  className="flex h-9 w-9 shrink-0 items-center justify-center overflow-hidden rounded-md border border-stone-200 bg-stone-50 hover:bg-stone-100 focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:outline-none"
                >
                  {/* biome-ignore lint/performance/noImgElement: a thumbnail from an authorized route, not a static asset */}
                  <img
                    src={preview}
                    alt=""
                    loading="lazy"
                    data-testid="attachment-thumbnail"
                    className="h-full w-full object-cover"
                    onError={() => setBroken((s) => new Set(s).add(a.index as number))}
                  />
                </button>
              ) : isPdf ? (
                <span
                  aria-hidden="true"
                  data-testid="attachment-pdf"
                  className="flex h-9 w-9 shrink-0 items-center justify-center rounded-md border border-stone-200 bg-stone-50 text-[10px] font-bold text-rose-700"
                >
                  {t("attachments.pdfBadge")}
                </span>
              ) : null}
              {href ? (
                <a href={href} download className={CHIP}>
                  <PaperClip />
                  <span className="sr-only">{t("message.download")} </span>
                  <span className="truncate font-medium text-slate-800">{a.name}</span>
                  {details}
                </a>
              ) : (
                <span className={CHIP}>
                  <PaperClip />
                  <span className="truncate font-medium text-slate-800">
                    {t("attachments.notStored", { name: a.name })}
                  </span>
                  {details}
                </span>
              )}
            </li>
          );
        })}
      </ul>
      <dialog
        ref={dialog}
        aria-label={open ? t("attachments.previewOf", { name: open.name }) : undefined}
        onClose={() => setOpen(null)}
        className="m-auto w-[min(56rem,95vw)] rounded-lg border border-stone-200 p-0 shadow-xl backdrop:bg-slate-900/40"
      >
        {open ? (
          <div className="flex max-h-[90vh] flex-col">
            <div className="flex items-center justify-between gap-3 border-b border-stone-100 px-4 py-2">
              <p className="truncate text-sm font-medium text-slate-800">{open.name}</p>
              <div className="flex shrink-0 items-center gap-3 text-sm">
                <a
                  href={`${baseHref}/${open.index}`}
                  download
                  className="text-slate-600 underline-offset-2 hover:underline"
                >
                  {t("message.download")}
                </a>
                <button
                  type="button"
                  onClick={() => dialog.current?.close()}
                  className="rounded px-2 py-1 text-slate-600 hover:bg-stone-100"
                >
                  {t("attachments.closePreview")}
                </button>
              </div>
            </div>
            {/* biome-ignore lint/performance/noImgElement: an attachment from an authorized route */}
            <img
              src={`${baseHref}/${open.index}?preview=1`}
              alt={open.name}
              className="max-h-[80vh] w-full object-contain"
            />
          </div>
        ) : null}
      </dialog>
    </section>
  );
}
