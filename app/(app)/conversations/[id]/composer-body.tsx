"use client";
import { useT } from "../../../i18n/client.tsx";
import { describedBy, FIELD_CLASS, FieldError } from "./composer-field.tsx";
import type { FieldErrors } from "./composer-validation.ts";
import { RichTextEditor } from "./rich-text-editor.tsx";
import { SavedReplyPicker } from "./saved-reply-picker.tsx";
import type { ReplyBody } from "./use-reply-body.ts";

/** The message text, plain or rich, with the saved replies that can go into it. */
export function ComposerBody({
  id,
  mailboxId,
  conversationId,
  body,
  errors,
  onEdit,
}: {
  id: string;
  mailboxId: number;
  conversationId: number;
  body: ReplyBody;
  errors: FieldErrors;
  /** The text's message goes as soon as the member edits it. */
  onEdit: () => void;
}) {
  const t = useT();
  return (
    <div className="px-3 sm:px-5">
      <div className="mb-2 flex justify-end">
        <SavedReplyPicker
          mailboxId={mailboxId}
          conversationId={conversationId}
          onInsert={(snippet) => {
            body.insertAtCursor(snippet);
            // In rich text mode the editor reports the inserted text as an edit itself.
            if (!body.rich) onEdit();
          }}
        />
      </div>
      <label htmlFor={`${id}-body`} className="sr-only">
        {t("composer.message")}
      </label>
      {body.rich ? (
        <RichTextEditor
          id={`${id}-body`}
          initialText={body.text}
          initialHtml={body.initialHtml}
          invalid={Boolean(errors.text)}
          describedBy={describedBy(id, errors, "text")}
          onChange={(value) => {
            body.setRichValue(value);
            onEdit();
          }}
        />
      ) : (
        <textarea
          id={`${id}-body`}
          ref={body.area}
          value={body.text}
          onChange={(e) => {
            body.setText(e.target.value);
            onEdit();
          }}
          rows={12}
          aria-invalid={Boolean(errors.text)}
          aria-describedby={describedBy(id, errors, "text")}
          className={`${FIELD_CLASS} resize-y leading-relaxed`}
        />
      )}
      <FieldError id={id} errors={errors} field="text" />
    </div>
  );
}
