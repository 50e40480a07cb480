// The folders every mailbox starts with. RFC 6154 special-use attributes let
// IMAP clients find Sent, Drafts, Trash, Junk and Archive in any language.
export const DEFAULT_FOLDERS: { name: string; specialUse: string | null }[] = [
  { name: "INBOX", specialUse: null },
  { name: "Sent", specialUse: "\\Sent" },
  { name: "Drafts", specialUse: "\\Drafts" },
  { name: "Trash", specialUse: "\\Trash" },
  { name: "Junk", specialUse: "\\Junk" },
  { name: "Archive", specialUse: "\\Archive" },
];

// RFC 9051 §2.3.1.1: UIDVALIDITY must change when a folder name is reused
// for a new folder. Seconds since 2020 grow with time and fit a 32-bit column
// until 2088.
const EPOCH_2020 = Date.UTC(2020, 0, 1);

export function newUidValidity(now = Date.now()): number {
  return Math.max(1, Math.floor((now - EPOCH_2020) / 1000));
}
