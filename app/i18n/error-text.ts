// Server errors reach the browser as English TRPCError messages: the domain
// layer writes them once for the CLI, the API and the forms alike. The UI
// shows them in the reader's language by recognising the known messages here
// (each pattern names a dictionary key and the parts it keeps); a message we
// do not know is shown as it came, under a translated "Error:" prefix, rather
// than hidden. tests/i18n-error-text.test.ts feeds this the messages the real
// domain functions throw, so a reworded server message fails there.
import type { MessageKey, T } from "./translate.ts";

type Rule = [pattern: RegExp, key: MessageKey, names?: string[]];

const RULES: Rule[] = [
  [/^Something went wrong on the server\.$/, "errors.server"],
  // Message trace search (server/trace/search-traces.ts); its range errors are the audit log's (below).
  [/^The time range is not valid\.$/, "trace.error.invalidRange"],
  [/^The client address must be an IP address\.$/, "trace.error.ip"],
  [/^The sender is not an email address\.$/, "trace.error.sender"],
  [/^The recipient is not an email address\.$/, "trace.error.recipient"],
  [/^The Message-ID is not valid\.$/, "trace.error.messageId"],
  // Deleted-mail recovery (server/recovery/).
  [/^Nothing to delete: it is already gone\.$/, "recovery.alreadyGone"],
  [/^No such deleted mail: it was restored or purged already\.$/, "recovery.noSuchDeleted"],
  [/^Retention must be a whole number of days from 1 to (\d+)\.$/, "recovery.badRetention", ["max"]],
  // Blocked and allowed senders (server/senders/).
  [/^Enter an address \(name@example\.com\) or a domain \(example\.com\)\.$/, "senders.error.pattern"],
  [/^A mailbox has at most (\d+) blocked and allowed senders\.$/, "senders.error.tooMany", ["max"]],
  [/^No such sender on this mailbox's list\.$/, "senders.error.noRule"],
  [/^This conversation has no sender address to block\.$/, "senders.error.noSender"],
  // Import and export (server/transfer/).
  [/^No such import or export\.$/, "errors.transferNotFound"],
  [/^Only an import or export that is waiting or running can be cancelled\.$/, "errors.transferNotCancellable"],
  [/^Only an import or export that failed or was cancelled can be resumed\.$/, "errors.transferNotResumable"],
  [/^This job was started on the command line/, "errors.transferCli"],
  [/^The uploaded file of a cancelled import is gone/, "errors.transferUploadGone"],
  [/^Cancel the import or export before removing it\.$/, "errors.transferRunning"],
  [
    /^(.+) is not an mbox file \(it does not start with a "From " line\) nor a zip of \.eml files$/,
    "errors.notMbox",
    ["name"],
  ],
  [/^(.+?): ((?:not a zip file|the zip)\b.*)$/, "errors.notZip", ["name", "reason"]],
  [/^(.+) is empty: there is nothing to import$/, "errors.emptyFile", ["name"]],
  [
    /^The mailbox (\S+) is full: (\d+) messages were imported before (.+)\. Raise its quota and resume the import\.$/,
    "errors.mailboxFullImport",
    ["address", "count", "where"],
  ],
  [/^The search is empty: leave it out to export the whole mailbox\.$/, "errors.searchEmptyExport"],
  [
    /^The file is larger than (\d+ bytes): import it with "yubin import" on the server\.$/,
    "transfer.tooLarge",
    ["max"],
  ],
  [/^Sign in first\.$/, "errors.signIn"],
  [/^Only admins may do this\.$/, "errors.adminOnly"],
  // Passwords and users (server/users/set-password.ts, set-disabled.ts).
  [/^The current password is not correct\.$/, "errors.currentPassword"],
  [/^Too many failed attempts\. Try again in a few minutes\.$/, "errors.throttled"],
  [/^You cannot disable your own account\.$/, "errors.disableSelf"],
  // People and membership (server/users/, server/mailboxes/change-members.ts).
  [/^No procedure found on path /, "errors.notFound"],
  [/^The last admin cannot be disabled, demoted or removed/, "errors.lastAdmin"],
  [/^You cannot remove your own account\.$/, "errors.removeSelf"],
  [/^Choose what happens to the personal mailbox/, "errors.chooseMailbox"],
  [/^Hand the mailbox to someone other than the user removed\.$/, "errors.handToOther"],
  [/^A personal mailbox belongs to its owner/, "errors.personalMembers"],
  [/^Name at least one member to add or remove\.$/, "errors.nameMembers"],
  [/^(\S+) is already a member of (\S+)$/, "errors.alreadyMember", ["email", "address"]],
  [/^(\S+) is not a member of (\S+)$/, "errors.notMember", ["email", "address"]],
  [/^(\S+) is both added and removed$/, "errors.addedAndRemoved", ["email"]],
  [/^This link is not valid any more/, "setPassword.invalid"],
  [/^(?:name: )?name is required$/, "errors.nameRequired"],
  [/^(?:mutations must be|mutations need|cross-site request refused)/, "errors.refused"],
  [
    /^(?:no such (?:conversation|mailbox|message|saved reply|member|reply|user|session)|not found)\.?$/i,
    "errors.notFound",
  ],
  [/^(?:no user|no domain|no mailbox) (\S+)/, "errors.noSuch", ["name"]],
  [/^user (\S+) already exists$/, "errors.userExists", ["email"]],
  [/^domain (\S+) already exists$/, "errors.domainExists", ["name"]],
  [/^(\S+@\S+) already exists$/, "errors.mailboxExists", ["address"]],
  [/^(\S+) is not a local domain/, "errors.notLocalDomain", ["name"]],
  [/^password must be at least (\d+) characters$/, "errors.passwordShort", ["count"]],
  [/^password must be at most (\d+) characters$/, "errors.passwordLong", ["count"]],
  [/^"(.*)" is not a size/, "errors.badSize", ["value"]],
  [/^"(.*)" is not a usable size$/, "errors.badSize", ["value"]],
  [/^"(.*)" is not a valid domain name$/, "errors.badDomain", ["value"]],
  [/^"(.*)" is not a valid email address$/, "errors.badEmail", ["value"]],
  [/^(?:To|Cc|Bcc): "(.*)" is not an email address$/, "errors.badEmail", ["value"]],
  [/^(?:email: )?email is required$/, "errors.emailRequired"],
  [/^(?:password: )?password is required$/, "errors.passwordRequired"],
  [/^(?:name: )?domain name is required$/, "errors.domainRequired"],
  // DKIM rotation (server/domains/dkim-rotation.ts).
  [
    /^a new DKIM key for (\S+) is already waiting to be published \(selector (\S+)\)$/,
    "errors.dkimRotationWaiting",
    ["name", "selector"],
  ],
  [/^selector (\S+) signs the mail now/, "errors.dkimSigning", ["selector"]],
  [/^no DKIM selector (\S+) for (\S+)$/, "errors.noDkimSelector", ["selector", "name"]],
  [/^(?:selector: )?selector is required$/, "errors.selectorRequired"],
  [/^To: add at least one recipient$/, "composer.noRecipient"],
  [/^a message needs at least one recipient$/, "composer.noRecipient"],
  [/^at most (\d+) recipients per message$/, "errors.tooManyRecipients", ["count"]],
  [/^attachments are too large: (.+), at most (.+)$/, "composer.tooLarge", ["size", "max"]],
  [/^New activity since you started/, "errors.newActivity"],
  // Quotas (server/outbound/submit-message.ts, server/quotas/set-quota-limits.ts).
  [/^Your mailbox (\S+) is full: there is no room for the sent copy/, "errors.senderMailboxFull", ["address"]],
  [/^warning thresholds are whole percentages from 1 to 100/, "errors.quotaThresholds"],
  [/^at most (\d+) warning thresholds$/, "errors.quotaTooManyThresholds", ["count"]],
  [/^(?:messages: )?a message limit is a whole number from 0 to (\d+)$/, "errors.quotaMessages", ["max"]],
  [/^the note is empty$/, "errors.noteEmpty"],
  [/^a note has at most (\d+) characters$/, "errors.tooLong", ["count"]],
  [/^at most (\d+) mentions per note$/, "errors.tooManyMentions", ["count"]],
  [/^only members of this mailbox can be mentioned$/, "errors.mentionMembers"],
  [/^Choose a time in the future to snooze until\.$/, "errors.snoozeFuture"],
  [/^Snooze for at most a year\.$/, "errors.snoozeYear"],
  [/^Only open or pending conversations can be snoozed\.?$/, "workflow.snoozeOnlyOpen"],
  [/^Only a member of this mailbox can be assigned\.$/, "errors.assignMember"],
  [/^a saved reply needs a title$/, "errors.replyNeedsTitle"],
  [/^a saved reply needs some text$/, "errors.replyNeedsText"],
  [
    /^(?:a title|a saved reply|a signature|a comment|a tag name|name|a label|label) (?:has|must be) at most (\d+) characters$/,
    "errors.tooLong",
    ["count"],
  ],
  [/^only admins manage saved replies for every mailbox$/, "errors.replyAllAdmins"],
  [/^a tag needs a name$/, "errors.tagNeedsName"],
  [/^the conversation has no such tag$/, "errors.noSuchTag"],
  [/^The author is no longer a member of this mailbox/, "errors.authorGone"],
  [/^This reply has already been approved or returned\.$/, "errors.alreadyDecided"],
  [/^Say what to change: the comment is empty\.$/, "errors.commentEmpty"],
  [/^You cannot approve or return your own reply\.$/, "errors.ownReply"],
  [/^Only a reviewer of this mailbox may approve or return replies\.$/, "errors.notReviewer"],
  // App passwords (server/api/routers/app-passwords.ts, server/auth/app-passwords.ts).
  [/^an app password needs a label$/, "errors.appPasswordNeedsLabel"],
  [/^no app password \d+$/, "errors.notFound"],
  [/^at most (\d+) app passwords: revoke one first$/, "errors.tooManyAppPasswords", ["count"]],
  // Search queries (server/search/parse-query.ts, search-mailboxes.ts).
  [/^Unknown operator "(.*):"\. Use (.+) — or put the text/, "errors.searchOperator", ["op", "list"]],
  [/^(\w+): needs a date written as YYYY-MM-DD/, "errors.searchDate", ["op"]],
  [/^(\w+):(.*) is not a date in the calendar$/, "errors.searchCalendar", ["op", "value"]],
  [/^(\w+): needs a value, e\.g\. (.+)$/, "errors.searchNeedsValue", ["op", "example"]],
  [/^(\w+): needs letters or digits to search for$/, "errors.searchNeedsText", ["op"]],
  [/^status: is one of (.+) \(not "(.*)"\)$/, "errors.searchStatus", ["list", "value"]],
  [/^assignee: takes me, none or a member's email address \(not "(.*)"\)$/, "errors.searchAssignee", ["value"]],
  [/^has: only knows has:attachment \(not "has:(.*)"\)$/, "errors.searchHas", ["value"]],
  [/^-(\w+): is not supported; use (\w+): instead$/, "errors.searchNegated", ["op", "other"]],
  [/^a search has at most (\d+) characters$/, "errors.searchTooLong", ["count"]],
  [/^a search has at most (\d+) terms$/, "errors.searchTooManyTerms", ["count"]],
  [/^None of your mailboxes is (.+)$/, "errors.searchMailbox", ["list"]],
  // Operations pages (server/outbound/queue-admin.ts, server/audit/search-audit.ts, server/api/date-input.ts).
  [/^no (?:queued )?job (\d+)$/, "errors.noQueuedJob", ["id"]],
  [/^The time range ends before it starts\.$/, "errors.auditRangeOrder"],
  [/^The time range may span at most (\d+) days\.$/, "errors.auditRangeLong", ["days"]],
  [/^A filter has at most (\d+) characters\.$/, "errors.auditFilterLong", ["count"]],
  [/^not a valid date$/, "errors.badDate"],
  [/^the year must be from 1970 to 9999$/, "errors.dateYear"],
];

/** Formats an ISO time for the reader (their language and zone); without one, the ISO text stays. */
export type FormatTime = (iso: string) => string;

const DEFAULT_STATUS: Record<string, MessageKey> = {
  Open: "status.open",
  Pending: "status.pending",
  Closed: "status.closed",
  Spam: "status.spam",
};

/**
 * "Changed by someone else: now Pending, assigned to Ana, snoozed until <ISO>"
 * (server/workflow/workflow-conflict.ts). The status label is the admin's
 * word, translated only when it is the English default; the name may hold commas.
 */
function conflictText(message: string, t: T, formatTime?: FormatTime): string | null {
  const m = /^Changed by someone else: now (.+?), (?:assigned to (.+?)|(unassigned))(?:, snoozed until (\S+))?$/.exec(
    message,
  );
  if (!m) return null;
  const [, status = "", name, , until] = m;
  const parts = [
    DEFAULT_STATUS[status] ? t(DEFAULT_STATUS[status]) : status,
    name === undefined ? t("errors.stateUnassigned") : t("errors.stateAssigned", { name }),
  ];
  if (until) parts.push(t("errors.stateSnoozed", { when: formatTime ? formatTime(until) : until }));
  return t("errors.changedBySomeone", { state: parts.join(t("errors.stateSeparator")) });
}

function known(message: string, t: T): string | null {
  for (const [pattern, key, names = []] of RULES) {
    const match = pattern.exec(message);
    if (!match) continue;
    const params: Record<string, string> = {};
    names.forEach((name, i) => {
      params[name] = match[i + 1] ?? "";
    });
    return t(key, params);
  }
  return null;
}

/** A server error message in the reader's language. */
export function errorText(message: string | null | undefined, t: T, formatTime?: FormatTime): string {
  if (!message) return "";
  const conflict = conflictText(message, t, formatTime);
  if (conflict) return conflict;
  // Input validation names the field first ("quota: …", see zodMessage in server/api/trpc.ts).
  const field = /^[\w.]+: (.+)$/.exec(message)?.[1];
  return known(message, t) ?? (field ? known(field, t) : null) ?? t("errors.unknown", { message });
}
