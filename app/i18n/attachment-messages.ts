// The words of attachment previews (thumbnails, the in-page viewer) and of
// held replies' attachments, spread into messages-en.ts and messages-ja.ts.
export const attachmentEn = {
  "attachments.pdfBadge": "PDF",
  "attachments.preview": "Preview {name}",
  "attachments.previewOf": "Preview of {name}",
  "attachments.closePreview": "Close preview",
  "attachments.held": "Attachments of this reply",
  "attachments.notStored": "{name} (held before attachments could be opened)",
};

export const attachmentJa: typeof attachmentEn = {
  "attachments.pdfBadge": "PDF",
  "attachments.preview": "{name} をプレビュー",
  "attachments.previewOf": "{name} のプレビュー",
  "attachments.closePreview": "プレビューを閉じる",
  "attachments.held": "この返信の添付ファイル",
  "attachments.notStored": "{name}(添付ファイルを開けるようになる前に保留されたもの)",
};
