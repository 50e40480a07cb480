"use client";
import type { ReplyDraft } from "../../../../server/compose/reply-draft.ts";
import { formatSize } from "../../../../server/mailboxes/quota-size.ts";
import { shownAttachmentName } from "../../../components/attachment-name.ts";
import { useT } from "../../../i18n/client.tsx";
import { describedBy, FieldError } from "./composer-field.tsx";
import type { FieldErrors } from "./composer-validation.ts";
import type { ReplyAttachments } from "./use-reply-attachments.ts";

/** The original's attachments to carry along (when forwarding) and the files the writer adds. */
export function ComposerAttachments({
  id,
  forwarded,
  attachments,
  errors,
  onEdit,
}: {
  id: string;
  forwarded: ReplyDraft["attachments"];
  attachments: ReplyAttachments;
  errors: FieldErrors;
  /** The attachments' message goes as soon as the member changes them. */
  onEdit: () => void;
}) {
  const t = useT();
  const { files, carried } = attachments;
  return (
    <div className="space-y-2 px-3 py-3 sm:px-5">
      {forwarded.length ? (
        <fieldset>
          <legend className="mb-1 text-xs font-medium text-slate-600">{t("composer.forwarded")}</legend>
          <ul className="flex flex-wrap gap-x-4 gap-y-1">
            {forwarded.map((a) => (
              <li key={a.index}>
                <label className="inline-flex items-center gap-1.5 text-sm text-slate-700">
                  <input
                    type="checkbox"
                    checked={carried.has(a.index)}
                    onChange={(e) => {
                      attachments.carry(a.index, e.target.checked);
                      onEdit();
                    }}
                  />
                  {a.filename ? shownAttachmentName(a.filename) : t("message.attachmentN", { n: a.index + 1 })}
                  <span className="text-xs text-slate-500">{formatSize(a.size)}</span>
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
      ) : null}
      <div>
        <label htmlFor={`${id}-files`} className="mb-1 block text-xs font-medium text-slate-600">
          {t("composer.attach")}
        </label>
        <input
          id={`${id}-files`}
          type="file"
          multiple
          aria-describedby={describedBy(id, errors, "attachments")}
          onChange={(e) => {
            attachments.addFiles([...(e.target.files ?? [])]);
            onEdit();
            e.target.value = "";
          }}
          className="max-w-full text-sm text-slate-600 file:mr-3 file:rounded-md file:border file:border-stone-300 file:bg-white file:px-2.5 file:py-1 file:text-xs file:font-medium file:text-slate-700 hover:file:bg-stone-50"
        />
        {files.length ? (
          <ul aria-label={t("composer.attached")} className="mt-2 flex flex-wrap gap-2">
            {files.map(({ key, file: f }) => (
              <li
                key={key}
                className="inline-flex items-center gap-2 rounded-md border border-stone-200 px-2.5 py-1 text-sm"
              >
                <span className="max-w-48 truncate">{f.name}</span>
                <span className="text-xs text-slate-500">{formatSize(f.size)}</span>
                <button
                  type="button"
                  aria-label={t("composer.remove", { name: f.name })}
                  onClick={() => {
                    attachments.removeFile(key);
                    onEdit();
                  }}
                  className="text-slate-400 hover:text-slate-800"
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
        ) : null}
        <FieldError id={id} errors={errors} field="attachments" />
      </div>
    </div>
  );
}
