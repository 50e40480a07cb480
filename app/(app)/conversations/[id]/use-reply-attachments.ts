"use client";
// The reply's attachments: files the writer adds, and (when forwarding) which
// of the original message's attachments go along.
import { useRef, useState } from "react";
import type { ReplyDraft } from "../../../../server/compose/reply-draft.ts";

export interface ReplyAttachments {
  files: { key: number; file: File }[];
  /** Indexes of the original attachments that go along. */
  carried: Set<number>;
  /** The size of everything attached, as the send limit counts it. */
  attachedBytes: number;
  addFiles: (chosen: File[]) => void;
  removeFile: (key: number) => void;
  carry: (index: number, on: boolean) => void;
}

/** `carriedAtStart`: which of the original's attachments a restored draft kept (default: all). */
export function useReplyAttachments(draft: ReplyDraft, carriedAtStart?: number[]): ReplyAttachments {
  const [files, setFiles] = useState<{ key: number; file: File }[]>([]);
  const fileKey = useRef(0);
  const [carried, setCarried] = useState(
    () =>
      new Set(
        draft.attachments
          .map((a) => a.index)
          .filter((index) => carriedAtStart === undefined || carriedAtStart.includes(index)),
      ),
  );
  const attachedBytes =
    files.reduce((n, f) => n + f.file.size, 0) +
    draft.attachments.filter((a) => carried.has(a.index)).reduce((n, a) => n + a.size, 0);
  return {
    files,
    carried,
    attachedBytes,
    addFiles: (chosen) => setFiles((prev) => [...prev, ...chosen.map((file) => ({ key: ++fileKey.current, file }))]),
    removeFile: (key) => setFiles(files.filter((other) => other.key !== key)),
    carry: (index, on) => {
      const next = new Set(carried);
      if (on) next.add(index);
      else next.delete(index);
      setCarried(next);
    },
  };
}

function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ""));
    reader.onerror = () => reject(reader.error ?? new Error(`could not read ${file.name}`));
    reader.readAsDataURL(file);
  });
}

/** The added files as the send procedure takes them; rejects with the reader's error. */
export function readAttachments(
  files: { file: File }[],
): Promise<{ filename: string; contentType?: string; base64: string }[]> {
  return Promise.all(
    files.map(async ({ file: f }) => ({
      filename: f.name,
      contentType: f.type || undefined,
      base64: await readBase64(f),
    })),
  );
}
