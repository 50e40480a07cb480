// The inbox view as it lives in the URL (/inbox?mailbox=&folder=&sort=&assignee=&status=&tag=),
// so that a view can be linked, reloaded and navigated back to. Unknown values fall back to defaults.
export const FOLDER_LINKS = [
  { folder: "unassigned" },
  { folder: "mine" },
  { folder: "open" },
  { folder: "pending" },
  { folder: "snoozed" },
  { folder: "closed" },
  { folder: "spam" },
] as const;

export type FolderName = (typeof FOLDER_LINKS)[number]["folder"];
export type SortName = "newest" | "oldest" | "waiting";
export type StatusName = "open" | "pending" | "closed" | "spam";

export interface InboxQuery {
  mailboxId?: number;
  folder: FolderName;
  sort: SortName;
  assignee?: number | "none";
  status?: StatusName;
  tagId?: number;
}

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
const positive = (v: string | undefined) => (v && /^[1-9]\d{0,9}$/.test(v) ? Number(v) : undefined);

export function parseInboxQuery(params: Record<string, string | string[] | undefined>, mailboxId?: number): InboxQuery {
  const folder = one(params.folder);
  const sort = one(params.sort);
  const assignee = one(params.assignee);
  const status = one(params.status);
  return {
    mailboxId,
    folder: FOLDER_LINKS.some((f) => f.folder === folder) ? (folder as FolderName) : "open",
    sort: sort === "oldest" || sort === "waiting" ? sort : "newest",
    assignee: assignee === "none" ? "none" : positive(assignee),
    status: ["open", "pending", "closed", "spam"].includes(status ?? "") ? (status as StatusName) : undefined,
    tagId: positive(one(params.tag)),
  };
}

/** The URL of a view; defaults are left out so that /inbox?mailbox=N stays the plain mailbox link. */
export function inboxHref(query: InboxQuery): string {
  const params = new URLSearchParams();
  if (query.mailboxId !== undefined) params.set("mailbox", String(query.mailboxId));
  if (query.folder !== "open") params.set("folder", query.folder);
  if (query.sort !== "newest") params.set("sort", query.sort);
  if (query.assignee !== undefined) params.set("assignee", String(query.assignee));
  if (query.status) params.set("status", query.status);
  if (query.tagId !== undefined) params.set("tag", String(query.tagId));
  const search = params.toString();
  return search ? `/inbox?${search}` : "/inbox";
}
