"use client";
// The file goes up as the request body (not a form encoding), so the server
// streams it to disk; XMLHttpRequest, unlike fetch, reports upload progress.
import { useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { MAX_IMPORT_UPLOAD_BYTES } from "../../../../server/limits.ts";
import { formatSize } from "../../../../server/mailboxes/quota-size.ts";
import { FormMessage } from "../../../components/form-message.tsx";
import { useT } from "../../../i18n/client.tsx";
import { useTRPC } from "../../../trpc/client.ts";
import { MailboxSelect } from "./mailbox-select.tsx";

type Outcome = { ok: true; name: string } | { ok: false; error: string | { message: string } | null };

function upload(file: File, mailboxId: string, onProgress: (percent: number) => void): Promise<Outcome> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    const query = new URLSearchParams({ mailboxId, name: file.name });
    xhr.open("POST", `/api/admin/transfers/upload?${query}`);
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(Math.floor((event.loaded / event.total) * 100));
    };
    xhr.onload = () => {
      if (xhr.status === 200) return resolve({ ok: true, name: file.name });
      let message = xhr.statusText;
      try {
        message = (JSON.parse(xhr.responseText) as { error: { message: string } }).error.message;
      } catch {
        // Not our JSON answer (a proxy's page): its status text stands.
      }
      resolve({ ok: false, error: { message } });
    };
    // No answer at all (the connection broke): the caller says so in the reader's language.
    xhr.onerror = () => resolve({ ok: false, error: null });
    xhr.send(file);
  });
}

export function ImportForm({ mailboxes }: { mailboxes: { id: number; address: string }[] }) {
  const t = useT();
  const id = useId();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [sending, setSending] = useState<{ name: string; percent: number } | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const max = formatSize(MAX_IMPORT_UPLOAD_BYTES);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const file = data.get("file");
    setOutcome(null);
    if (!(file instanceof File) || file.size === 0) {
      setOutcome({ ok: false, error: t("transfer.chooseFile") });
      return;
    }
    if (file.size > MAX_IMPORT_UPLOAD_BYTES) {
      setOutcome({ ok: false, error: t("transfer.tooLarge", { max }) });
      return;
    }
    setSending({ name: file.name, percent: 0 });
    const result = await upload(file, String(data.get("mailboxId")), (percent) =>
      setSending({ name: file.name, percent }),
    );
    setSending(null);
    setOutcome(result.ok || result.error ? result : { ok: false, error: t("transfer.uploadFailed") });
    if (result.ok) {
      form.reset();
      await queryClient.invalidateQueries({ queryKey: trpc.admin.transfers.list.queryKey() });
    }
  }

  return (
    <form onSubmit={onSubmit} aria-label={t("transfer.importTitle")} className="grid grid-cols-1 gap-3" noValidate>
      <MailboxSelect id={`${id}-mailbox`} mailboxes={mailboxes} />
      <div className="grid gap-1 text-sm text-slate-700">
        <label htmlFor={`${id}-file`}>{t("transfer.file")}</label>
        <input
          id={`${id}-file`}
          name="file"
          type="file"
          accept=".mbox,.mbx,.zip,application/mbox,application/zip,text/plain"
          className="text-sm"
        />
      </div>
      <div className="flex items-center gap-3">
        <button
          type="submit"
          disabled={sending !== null}
          className="rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700 disabled:opacity-60"
        >
          {t("transfer.import")}
        </button>
        {sending ? (
          <span className="text-sm text-slate-600">{t("transfer.uploading", { percent: sending.percent })}</span>
        ) : null}
      </div>
      {sending ? (
        <div
          role="progressbar"
          aria-label={t("transfer.uploadProgress", { name: sending.name })}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={sending.percent}
          className="h-1.5 rounded-full bg-stone-100"
        >
          <div className="h-1.5 rounded-full bg-slate-700" style={{ width: `${sending.percent}%` }} />
        </div>
      ) : null}
      <FormMessage
        error={outcome && !outcome.ok ? outcome.error : null}
        success={outcome?.ok ? t("transfer.queuedImport", { name: outcome.name }) : null}
      />
    </form>
  );
}
