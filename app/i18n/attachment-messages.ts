// The words of attachment previews (thumbnails, the in-page viewer) and of
// held replies' attachments, spread into messages-en.ts and messages-ja.ts.
export const attachmentEn = {
  "attachments.pdfBadge": "PDF",
  "attachments.preview": "Preview {name}",
  "attachments.previewOf": "Preview of {name}",
  "attachments.closePreview": "Close preview",
  "attachments.pdfNote":
    "The PDF is shown without running anything it contains. If it does not appear here, download it.",
  "attachments.noPreview": "No preview for this file. Download it to check it.",
  "attachments.held": "Attachments of this reply",
  "attachments.notStored": "{name} (held before attachments could be opened)",
};

export const attachmentJa: typeof attachmentEn = {
  "attachments.pdfBadge": "PDF",
  "attachments.preview": "{name} をプレビュー",
  "attachments.previewOf": "{name} のプレビュー",
  "attachments.closePreview": "プレビューを閉じる",
  "attachments.pdfNote":
    "PDF は中のスクリプトなどを一切実行せずに表示しています。表示されない場合はダウンロードしてください。",
  "attachments.noPreview": "このファイルはプレビューできません。ダウンロードして確認してください。",
  "attachments.held": "この返信の添付ファイル",
  "attachments.notStored": "{name}(添付ファイルを開けるようになる前に保留されたもの)",
};
