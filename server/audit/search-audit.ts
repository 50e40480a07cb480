// The admin's audit log (Admin → Audit log, and its CSV export): every
// AuditEvent, newest first, filtered by actor, action, subject, client address
// and a time range. The range is always bounded (AUDIT_MAX_RANGE_DAYS, the
// last AUDIT_DEFAULT_RANGE_DAYS unless given), so every filter reads at most
// that stretch; text filters match literally (LIKE wildcards are escaped).
// Each combination of filters is its own statement, planned for what it asks.
import { db, Prisma } from "../db.ts";
import { InputError } from "../errors.ts";
import {
  AUDIT_DEFAULT_RANGE_DAYS,
  AUDIT_EXPORT_MAX_ROWS,
  AUDIT_FILTER_CHARS,
  AUDIT_MAX_RANGE_DAYS,
  AUDIT_PAGE_SIZE,
} from "../limits.ts";
import { likeContains, likePrefix } from "../search/like-pattern.ts";

const DAY_MS = 24 * 3600 * 1000;

export interface AuditFilter {
  /** Part of the actor's email or name. */
  actor?: string;
  /** The start of an action: "sign_in" finds sign_in.success, sign_in.failure, …; "user.remove" that one. */
  action?: string;
  /** "type:id" (user:12, login:bob@example.com), or a type or an id alone. */
  subject?: string;
  /** The start of a client address ("192.0.2." finds that /24). */
  address?: string;
  since?: Date;
  until?: Date;
}

export interface AuditRow {
  id: number;
  at: Date;
  actorId: number | null;
  actorEmail: string | null;
  actorName: string | null;
  action: string;
  subjectType: string;
  subjectId: string;
  before: unknown;
  after: unknown;
  ip: string | null;
}

/** The time range a filter covers, checked: [since, until). */
export function auditRange(
  filter: Pick<AuditFilter, "since" | "until">,
  now = new Date(),
): { since: Date; until: Date } {
  for (const d of [filter.since, filter.until]) {
    if (d !== undefined && Number.isNaN(d.getTime())) throw new InputError("not a valid date");
  }
  const until = filter.until ?? now;
  const since = filter.since ?? new Date(until.getTime() - AUDIT_DEFAULT_RANGE_DAYS * DAY_MS);
  if (since.getTime() > until.getTime()) throw new InputError("The time range ends before it starts.");
  if (until.getTime() - since.getTime() > AUDIT_MAX_RANGE_DAYS * DAY_MS) {
    throw new InputError(`The time range may span at most ${AUDIT_MAX_RANGE_DAYS} days.`);
  }
  return { since, until };
}

function text(value: string | undefined): string | null {
  const trimmed = value?.trim() ?? "";
  if (trimmed.length > AUDIT_FILTER_CHARS)
    throw new InputError(`A filter has at most ${AUDIT_FILTER_CHARS} characters.`);
  return trimmed === "" ? null : trimmed;
}

function conditions(filter: AuditFilter, now: Date): Prisma.Sql[] {
  const { since, until } = auditRange(filter, now);
  const where = [Prisma.sql`e.at >= ${since} and e.at < ${until}`];
  const actor = text(filter.actor);
  if (actor !== null) {
    const pattern = likeContains(actor);
    where.push(
      Prisma.sql`e."actorId" in (select id from "User" where email ilike ${pattern} or name ilike ${pattern})`,
    );
  }
  const action = text(filter.action);
  if (action !== null) where.push(Prisma.sql`e.action like ${likePrefix(action.toLowerCase())}`);
  const subject = text(filter.subject);
  if (subject !== null) {
    const colon = subject.indexOf(":");
    if (colon > 0) {
      where.push(
        Prisma.sql`e."subjectType" = ${subject.slice(0, colon)} and e."subjectId" = ${subject.slice(colon + 1)}`,
      );
    } else {
      where.push(Prisma.sql`(e."subjectType" = ${subject} or e."subjectId" = ${subject})`);
    }
  }
  const address = text(filter.address);
  if (address !== null) where.push(Prisma.sql`e.ip like ${likePrefix(address)}`);
  return where;
}

async function query(where: Prisma.Sql[], beforeId: number | null, limit: number): Promise<AuditRow[]> {
  const page = beforeId === null ? where : [...where, Prisma.sql`e.id < ${beforeId}`];
  return db().$queryRaw<AuditRow[]>`
    select e.id, e.at, e."actorId", u.email as "actorEmail", u.name as "actorName", e.action, e."subjectType",
      e."subjectId", e.before, e.after, e.ip
    from "AuditEvent" e left join "User" u on u.id = e."actorId"
    where ${Prisma.join(page, " and ")}
    order by e.id desc
    limit ${limit}`;
}

/** One page of the audit log, newest first; `beforeId` (the previous page's nextCursor) continues. */
export async function searchAudit(
  filter: AuditFilter,
  options: { beforeId?: number; limit?: number; now?: Date } = {},
): Promise<{ items: AuditRow[]; nextCursor: number | null }> {
  const limit = Math.min(options.limit ?? AUDIT_PAGE_SIZE, 200);
  const items = await query(conditions(filter, options.now ?? new Date()), options.beforeId ?? null, limit);
  const last = items.at(-1);
  return { items, nextCursor: items.length === limit && last ? last.id : null };
}

/** Every row a filter matches, newest first, up to AUDIT_EXPORT_MAX_ROWS (read in pages). */
export async function exportAudit(
  filter: AuditFilter,
  options: { now?: Date; maxRows?: number } = {},
): Promise<{ rows: AuditRow[]; truncated: boolean }> {
  const maxRows = options.maxRows ?? AUDIT_EXPORT_MAX_ROWS;
  const where = conditions(filter, options.now ?? new Date());
  const rows: AuditRow[] = [];
  let beforeId: number | null = null;
  while (rows.length < maxRows) {
    const wanted = Math.min(1000, maxRows - rows.length);
    const page = await query(where, beforeId, wanted);
    rows.push(...page);
    if (page.length < wanted) break;
    beforeId = (page.at(-1) as AuditRow).id;
  }
  let truncated = false;
  if (rows.length >= maxRows) truncated = (await query(where, (rows.at(-1) as AuditRow).id, 1)).length > 0;
  return { rows, truncated };
}
