// Conditions on the conversation row itself (alias c) and its tags: status:,
// assignee:, tag: and the page's keyset cursor. Several positive status: or
// assignee: terms mean any of them (a conversation has only one); several tag:
// terms mean all of them.
import { db, Prisma } from "../db.ts";
import type { SearchStatus, SearchTerm } from "./parse-query.ts";

type AssigneeTerm = Extract<SearchTerm, { kind: "assignee" }>;

function statusCondition(status: SearchStatus): Prisma.Sql {
  if (status === "snoozed") return Prisma.sql`(c."snoozedUntil" is not null and c."snoozedUntil" > now())`;
  if (status === "open") {
    return Prisma.sql`(c.status = 'open' and (c."snoozedUntil" is null or c."snoozedUntil" <= now()))`;
  }
  return Prisma.sql`c.status = ${status}::"ConversationStatus"`;
}

async function assigneeCondition(t: AssigneeTerm, userId: number): Promise<Prisma.Sql> {
  if ("me" in t.value) return Prisma.sql`c."assigneeId" = ${userId}::int`;
  if ("none" in t.value) return Prisma.sql`c."assigneeId" is null`;
  const user = await db().user.findUnique({ where: { email: t.value.email }, select: { id: true } });
  // An unknown address is simply nobody's conversations.
  return user ? Prisma.sql`c."assigneeId" = ${user.id}::int` : Prisma.sql`false`;
}

/** The conditions in order: statuses, assignees, tags, then the cursor. */
export async function conversationConditions(input: {
  userId: number;
  terms: SearchTerm[];
  /** Keyset cursor: the last item of the previous page. */
  before?: { lastMessageAt: Date; id: number };
}): Promise<Prisma.Sql[]> {
  const { terms } = input;
  const own: Prisma.Sql[] = [];

  const statuses = terms.filter((t) => t.kind === "status");
  const wantedStatuses = statuses.filter((t) => !t.negated);
  if (wantedStatuses.length) {
    own.push(
      Prisma.sql`(${Prisma.join(
        wantedStatuses.map((t) => statusCondition(t.value)),
        " or ",
      )})`,
    );
  }
  for (const t of statuses.filter((t) => t.negated)) own.push(Prisma.sql`not ${statusCondition(t.value)}`);

  const assignees = terms.filter((t) => t.kind === "assignee");
  const wantedAssignees = assignees.filter((t) => !t.negated);
  if (wantedAssignees.length) {
    const conditions = await Promise.all(wantedAssignees.map((t) => assigneeCondition(t, input.userId)));
    own.push(Prisma.sql`(${Prisma.join(conditions, " or ")})`);
  }
  for (const t of assignees.filter((t) => t.negated)) {
    own.push(Prisma.sql`not coalesce(${await assigneeCondition(t, input.userId)}, false)`);
  }

  for (const t of terms) {
    if (t.kind !== "tag") continue;
    const tagged = Prisma.sql`exists (select 1 from "ConversationTag" ct join "Tag" tg on tg.id = ct."tagId"
      where ct."conversationId" = c.id and lower(normalize(tg.name, NFKC)) = ${t.value})`;
    own.push(t.negated ? Prisma.sql`not ${tagged}` : tagged);
  }

  if (input.before) own.push(olderThan(input.before));
  return own;
}

/** The conversations after this one in the newest-first order (a page's cursor, or where a walk stopped). */
export function olderThan(row: { lastMessageAt: Date; id: number }): Prisma.Sql {
  // The first half is an index condition; the row comparison breaks ties on id.
  return Prisma.sql`c."lastMessageAt" <= ${row.lastMessageAt}::timestamptz
    and (c."lastMessageAt", c.id) < (${row.lastMessageAt}::timestamptz, ${row.id}::int)`;
}
