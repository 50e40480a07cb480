// The authority gate: the one place that decides who may work in which
// mailbox, and the only module that mints the branded ids domain code takes.
// Every door asks it: the web tier (the tRPC tiers in server/api/trpc.ts and
// the /api/messages routes) with a signed-in user, and every protocol login
// (SMTP submission today, IMAP and POP3 next) with mailboxesForLogin once
// the credentials are verified. A domain function that reads or writes a
// mailbox on behalf of a person takes an AuthorizedMailboxId (or a
// conversation's or message's), so an id straight from a URL, a form or a
// protocol command does not type-check there.
//
// The rule (DESIGN.md "Least privilege"): a user works in a mailbox through a
// Membership of their own or of a team they belong to. Admins get no
// exception. Everything a user may not see answers like something that does
// not exist (null here, NOT_FOUND on the web, "no such mailbox" in protocols).
import { SqlText, sql } from "../db/raw-sql.ts";
import { isDatabaseId } from "./database-id.ts";

declare const mailboxBrand: unique symbol;
declare const conversationBrand: unique symbol;
declare const messageBrand: unique symbol;

export type AuthorizedMailboxId = number & { readonly [mailboxBrand]: true };
export type AuthorizedConversationId = number & { readonly [conversationBrand]: true };
export type AuthorizedMessageId = number & { readonly [messageBrand]: true };

export interface AuthorizedConversation {
  conversationId: AuthorizedConversationId;
  mailboxId: AuthorizedMailboxId;
}

export interface AuthorizedMessage {
  messageId: AuthorizedMessageId;
  mailboxId: AuthorizedMailboxId;
  /** Null for a message in no conversation (a personal mailbox's Sent copy, say). */
  conversationId: AuthorizedConversationId | null;
}

/** A mailbox a protocol session may use. */
export interface LoginMailbox {
  mailboxId: AuthorizedMailboxId;
  address: string;
  kind: "personal" | "shared";
  /** The user's own personal mailbox (IMAP shows it at the root, shared ones under Shared/). */
  own: boolean;
}

/**
 * The membership rule as SQL, written once: one row per (mailbox, user) way
 * in — a user's own Membership, or their team's — with that membership's
 * approval switches. Use it as a table:
 *   exists (select 1 from ${MAILBOX_ACCESS} a where a."mailboxId" = m.id and a."userId" = u.id)
 * PostgreSQL pushes such conditions into both arms, so each is an index lookup.
 * With the Prisma client, splice it as Prisma.raw(MAILBOX_ACCESS.text).
 */
export const MAILBOX_ACCESS = new SqlText(`(
  select ms."mailboxId", ms."userId", ms."needsApproval", ms.reviewer
  from "Membership" ms where ms."userId" is not null
  union all
  select ms."mailboxId", tm."userId", ms."needsApproval", ms.reviewer
  from "Membership" ms join "TeamMember" tm on tm."teamId" = ms."teamId"
)`);

/** Proves that the user may work in the mailbox; null alike for a missing mailbox and another team's. */
export async function authorizeMailbox(input: {
  userId: number;
  mailboxId: number;
}): Promise<AuthorizedMailboxId | null> {
  if (!isDatabaseId(input.mailboxId) || !isDatabaseId(input.userId)) return null;
  const [row] = await sql.$queryRaw<{ mailboxId: number }[]>`
    select a."mailboxId" from ${MAILBOX_ACCESS} a
    where a."mailboxId" = ${input.mailboxId}::int and a."userId" = ${input.userId}::int
    limit 1`;
  return row ? (row.mailboxId as AuthorizedMailboxId) : null;
}

/**
 * A conversation the user may work in, with its mailbox; null alike for a missing one and another team's.
 * A deleted conversation (server/recovery/) is missing here: it is reached only through restore.
 */
export async function authorizeConversation(input: {
  userId: number;
  conversationId: number;
}): Promise<AuthorizedConversation | null> {
  if (!isDatabaseId(input.conversationId) || !isDatabaseId(input.userId)) return null;
  const [row] = await sql.$queryRaw<{ id: number; mailboxId: number }[]>`
    select c.id, c."mailboxId" from "Conversation" c
    where c.id = ${input.conversationId}::int and c."deletedAt" is null and exists (
      select 1 from ${MAILBOX_ACCESS} a where a."mailboxId" = c."mailboxId" and a."userId" = ${input.userId}::int)`;
  return row
    ? { conversationId: row.id as AuthorizedConversationId, mailboxId: row.mailboxId as AuthorizedMailboxId }
    : null;
}

/**
 * The conversations of a list (a bulk action) the user may work in, each with its mailbox:
 * the same rule as authorizeConversation, asked once for the whole list. Ids the user may
 * not act on (missing, deleted, another team's) are simply absent from the answer.
 */
export async function authorizeConversations(input: {
  userId: number;
  conversationIds: readonly number[];
}): Promise<AuthorizedConversation[]> {
  const ids = [...new Set(input.conversationIds.filter(isDatabaseId))];
  if (ids.length === 0 || !isDatabaseId(input.userId)) return [];
  const rows = await sql.$queryRaw<{ id: number; mailboxId: number }[]>`
    select c.id, c."mailboxId" from "Conversation" c
    where c.id = any(${ids}::int[]) and c."deletedAt" is null and exists (
      select 1 from ${MAILBOX_ACCESS} a where a."mailboxId" = c."mailboxId" and a."userId" = ${input.userId}::int)`;
  const byId = new Map(rows.map((r) => [r.id, r]));
  // In the order asked, so a bulk action works down the list as the agent saw it.
  return ids.flatMap((id) => {
    const row = byId.get(id);
    return row
      ? [{ conversationId: row.id as AuthorizedConversationId, mailboxId: row.mailboxId as AuthorizedMailboxId }]
      : [];
  });
}

/** A stored message the user may read, with its mailbox and conversation; null alike for missing, foreign and deleted. */
export async function authorizeMessage(input: {
  userId: number;
  messageId: number;
}): Promise<AuthorizedMessage | null> {
  if (!isDatabaseId(input.messageId) || !isDatabaseId(input.userId)) return null;
  const [row] = await sql.$queryRaw<{ id: number; mailboxId: number; conversationId: number | null }[]>`
    select m.id, m."mailboxId", m."conversationId" from "Message" m
    where m.id = ${input.messageId}::int and m."deletedAt" is null and exists (
      select 1 from ${MAILBOX_ACCESS} a where a."mailboxId" = m."mailboxId" and a."userId" = ${input.userId}::int)`;
  return row
    ? {
        messageId: row.id as AuthorizedMessageId,
        mailboxId: row.mailboxId as AuthorizedMailboxId,
        conversationId: row.conversationId as AuthorizedConversationId | null,
      }
    : null;
}

/** Every mailbox the user works in, by id. */
export async function memberMailboxIds(userId: number): Promise<AuthorizedMailboxId[]> {
  if (!isDatabaseId(userId)) return [];
  const rows = await sql.$queryRaw<{ mailboxId: number }[]>`
    select distinct a."mailboxId" from ${MAILBOX_ACCESS} a where a."userId" = ${userId}::int order by 1`;
  return rows.map((r) => r.mailboxId as AuthorizedMailboxId);
}

/**
 * The user's mailboxes seen through one filter: all of them (mailboxId
 * undefined), or just the one named — which must be theirs: null when it is
 * not, so a view of another team's mailbox answers like a missing one.
 */
export async function mailboxScope(input: {
  userId: number;
  mailboxId?: number;
}): Promise<AuthorizedMailboxId[] | null> {
  if (input.mailboxId === undefined) return memberMailboxIds(input.userId);
  const one = await authorizeMailbox({ userId: input.userId, mailboxId: input.mailboxId });
  return one === null ? null : [one];
}

/**
 * What a protocol session may use, asked after its credentials were verified
 * (server/auth/protocol-credentials.ts) and again whenever it starts new work
 * (each MAIL FROM; each IMAP and POP3 command through the session's
 * LoginAccess, login-access.ts, which reuses the answer until a yubin_access
 * notice names the user), so a removed member or a disabled user stops at once:
 * every mailbox of the user for a login with their own password or an
 * unscoped app password; exactly the one mailbox (while the user still
 * belongs to it) for a mailbox-scoped app password. The user's own mailbox
 * comes first, then the others by address. Empty for a disabled user.
 */
export async function mailboxesForLogin(login: {
  user: { id: number };
  /** Set for a mailbox-scoped app password (ProtocolLogin.mailboxId). */
  mailboxId: number | null;
}): Promise<LoginMailbox[]> {
  if (!isDatabaseId(login.user.id)) return [];
  if (login.mailboxId !== null && !isDatabaseId(login.mailboxId)) return [];
  const rows = await sql.$queryRaw<{ id: number; address: string; kind: "personal" | "shared"; own: boolean }[]>`
    select m.id, m.address, m.kind::text as kind, coalesce(m."userId" = u.id, false) as own
    from (select distinct a."mailboxId" from ${MAILBOX_ACCESS} a where a."userId" = ${login.user.id}::int) granted
    join "Mailbox" m on m.id = granted."mailboxId"
    join "User" u on u.id = ${login.user.id}::int and not u.disabled
    where ${login.mailboxId}::int is null or m.id = ${login.mailboxId}::int
    order by own desc, m.address`;
  return rows.map((r) => ({ mailboxId: r.id as AuthorizedMailboxId, address: r.address, kind: r.kind, own: r.own }));
}

/**
 * The member of an already authorized set that a row names: a query asked for
 * rows `where "mailboxId" = any(authorized)` and got back one of them. No new
 * authority is made; the returned value is taken from the set itself.
 */
export function oneOf(authorized: readonly AuthorizedMailboxId[], mailboxId: number): AuthorizedMailboxId | null {
  return authorized.find((id) => id === mailboxId) ?? null;
}

/**
 * A conversation that the write path itself just filed into an authorized
 * mailbox (IMAP APPEND, COPY, a flag STORE on that mailbox's folder entries):
 * the caller found the conversation through rows constrained to `mailboxId`,
 * so it belongs to a mailbox the actor may use. Only for server/mail-store.
 */
export function conversationWithin(mailboxId: AuthorizedMailboxId, conversationId: number): AuthorizedConversation {
  return { mailboxId, conversationId: conversationId as AuthorizedConversationId };
}

/**
 * Any mailbox, for an admin acting as the installation's administrator (the
 * admin-only procedures: deleted-mail recovery across every mailbox). Not a
 * membership: an admin's inbox still shows only their own mailboxes. Null
 * alike for a non-admin, a disabled user and a missing mailbox.
 */
export async function adminMailbox(input: { userId: number; mailboxId: number }): Promise<AuthorizedMailboxId | null> {
  if (!isDatabaseId(input.mailboxId) || !isDatabaseId(input.userId)) return null;
  const [row] = await sql.$queryRaw<{ id: number }[]>`
    select m.id from "Mailbox" m, "User" u
    where m.id = ${input.mailboxId}::int and u.id = ${input.userId}::int and u.role = 'admin' and not u.disabled`;
  return row ? (row.id as AuthorizedMailboxId) : null;
}

/** Every mailbox, for an admin (as adminMailbox); empty for anyone else. */
export async function adminMailboxIds(userId: number): Promise<AuthorizedMailboxId[]> {
  if (!isDatabaseId(userId)) return [];
  const rows = await sql.$queryRaw<{ id: number }[]>`
    select m.id from "Mailbox" m, "User" u
    where u.id = ${userId}::int and u.role = 'admin' and not u.disabled order by m.id`;
  return rows.map((r) => r.id as AuthorizedMailboxId);
}

/**
 * A mailbox by address, for the operator at the command line: whoever runs
 * `yubin` holds the database's credentials and so every mailbox already; the
 * brand only says the address named one. Null for an unknown address.
 */
export async function operatorMailbox(address: string): Promise<AuthorizedMailboxId | null> {
  const [row] = await sql.$queryRaw<{ id: number }[]>`
    select id from "Mailbox" where address = ${address.toLowerCase()}::text`;
  return row ? (row.id as AuthorizedMailboxId) : null;
}

/**
 * The mailbox a connector imports into, for the changes it makes there on
 * the remote server's behalf (connectors/follow-changes.ts): the connector
 * was set up on that mailbox by an admin. Null for an unknown connector.
 */
export async function connectorMailbox(connectorId: number): Promise<AuthorizedMailboxId | null> {
  const [row] = await sql.$queryRaw<{ mailboxId: number }[]>`
    select "mailboxId" from "Connector" where id = ${connectorId}::int`;
  return row ? (row.mailboxId as AuthorizedMailboxId) : null;
}
