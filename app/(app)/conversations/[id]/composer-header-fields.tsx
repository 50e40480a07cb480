"use client";
import type { ReplyDraft } from "../../../../server/compose/reply-draft.ts";
import { useT } from "../../../i18n/client.tsx";
import { describedBy, FIELD_CLASS, FieldError } from "./composer-field.tsx";
import type { ComposerField, FieldErrors } from "./composer-validation.ts";
import type { ReplyHeader } from "./use-reply-header.ts";

/** From (the mailbox, fixed), To, Cc, Bcc once asked for, and Subject. */
export function ComposerHeaderFields({
  id,
  from,
  header,
  errors,
  onEdit,
}: {
  id: string;
  from: ReplyDraft["from"];
  header: ReplyHeader;
  errors: FieldErrors;
  /** A field's message goes as soon as the member edits that field. */
  onEdit: (field: ComposerField) => void;
}) {
  const t = useT();
  const addressInput = (field: "to" | "cc" | "bcc") => (
    <input
      id={`${id}-${field}`}
      value={header[field]}
      onChange={(e) => {
        header.set(field, e.target.value);
        onEdit(field);
      }}
      aria-invalid={Boolean(errors[field])}
      aria-describedby={describedBy(id, errors, field)}
      autoComplete="off"
      className={FIELD_CLASS}
    />
  );
  return (
    <div className="grid grid-cols-[4rem_minmax(0,1fr)] items-start gap-x-3 gap-y-2 px-3 py-3 text-sm sm:px-5">
      <span className="pt-1.5 text-slate-500">{t("composer.from")}</span>
      <p className="pt-1.5 text-slate-800" data-testid="composer-from">
        {from.name ? `${from.name} <${from.address}>` : from.address}
      </p>

      <label htmlFor={`${id}-to`} className="pt-1.5 text-slate-500">
        {t("composer.to")}
      </label>
      <div>
        <div className="flex gap-2">
          {addressInput("to")}
          {header.showBcc ? null : (
            <button
              type="button"
              onClick={header.revealBcc}
              className="shrink-0 text-xs text-slate-500 hover:text-slate-800"
            >
              {t("composer.bcc")}
            </button>
          )}
        </div>
        <FieldError id={id} errors={errors} field="to" />
      </div>

      <label htmlFor={`${id}-cc`} className="pt-1.5 text-slate-500">
        {t("composer.cc")}
      </label>
      <div>
        {addressInput("cc")}
        <FieldError id={id} errors={errors} field="cc" />
      </div>

      {header.showBcc ? (
        <>
          <label htmlFor={`${id}-bcc`} className="pt-1.5 text-slate-500">
            {t("composer.bcc")}
          </label>
          <div>
            {addressInput("bcc")}
            <FieldError id={id} errors={errors} field="bcc" />
          </div>
        </>
      ) : null}

      <label htmlFor={`${id}-subject`} className="pt-1.5 text-slate-500">
        {t("composer.subject")}
      </label>
      <input
        id={`${id}-subject`}
        value={header.subject}
        onChange={(e) => header.set("subject", e.target.value)}
        maxLength={998}
        className={FIELD_CLASS}
      />
    </div>
  );
}
