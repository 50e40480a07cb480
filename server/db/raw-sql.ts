// Plain SQL over node-postgres for the hottest paths (the SMTP write path and
// recipient lookups), where the Prisma client's per-query overhead measured
// as ~40% of the mail process's CPU (docs/benchmarks.md). Queries are written
// as tagged templates with the same shape as Prisma's `$queryRaw`, so code on
// these paths runs inside a Prisma transaction or a plain one alike.
import pg from "pg";

/** The part of a transaction client that raw-SQL code needs; Prisma's TransactionClient has it too. */
export interface RawSql {
  $queryRaw<T = unknown>(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<T>;
}

// int8 columns (sizes, quotas, modseqs) arrive as bigint, as through Prisma.
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === 20
      ? (value: string) => BigInt(value)
      : pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
};

let pool: pg.Pool | undefined;

function sqlPool(): pg.Pool {
  if (!pool) {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set: the database has not been started");
    pool = new pg.Pool({ connectionString: url, max: 10, types });
    // An idle connection that the server ended (a restart, or the embedded
    // server stopping at shutdown) is dropped by the pool and replaced on the
    // next query. Unhandled, the pool's "error" event would end the process.
    pool.on("error", () => {});
  }
  return pool;
}

/**
 * Constant SQL text spliced into a statement where it appears among the
 * values, instead of being sent as a parameter: a rule written once and
 * used in many statements (the membership rule of server/access/gate.ts).
 * Only for text in the source code, never for anything a request carries.
 */
export class SqlText {
  constructor(readonly text: string) {}
}

// Each distinct statement becomes a named prepared statement, so PostgreSQL
// parses and plans it once per connection instead of once per message.
const statementNames = new WeakMap<TemplateStringsArray, { name: string; text: string }>();
const splicedNames = new Map<string, string>();
let statementCount = 0;

function toQuery(strings: TemplateStringsArray, values: unknown[]): { name: string; text: string; values: unknown[] } {
  if (values.some((v) => v instanceof SqlText)) return splice(strings, values);
  let statement = statementNames.get(strings);
  if (!statement) {
    let text = strings[0] ?? "";
    for (let i = 1; i < strings.length; i++) text += `$${i}${strings[i]}`;
    statement = { name: `yubin_${++statementCount}`, text };
    statementNames.set(strings, statement);
  }
  return { ...statement, values };
}

function splice(strings: TemplateStringsArray, values: unknown[]): { name: string; text: string; values: unknown[] } {
  const params: unknown[] = [];
  let text = strings[0] ?? "";
  for (let i = 1; i < strings.length; i++) {
    const value = values[i - 1];
    if (value instanceof SqlText) text += value.text;
    else {
      params.push(value);
      text += `$${params.length}`;
    }
    text += strings[i];
  }
  let name = splicedNames.get(text);
  if (!name) {
    name = `yubin_${++statementCount}`;
    splicedNames.set(text, name);
  }
  return { name, text, values: params };
}

class ClientSql implements RawSql {
  constructor(private readonly client: pg.PoolClient | pg.Pool) {}

  async $queryRaw<T = unknown>(strings: TemplateStringsArray, ...values: unknown[]): Promise<T> {
    const result = await this.client.query(toQuery(strings, values));
    return result.rows as T;
  }
}

/** Runs one statement on the pool, outside any transaction. */
export const sql: RawSql = {
  $queryRaw: <T = unknown>(strings: TemplateStringsArray, ...values: unknown[]) =>
    new ClientSql(sqlPool()).$queryRaw<T>(strings, ...values),
};

/** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
export async function sqlTransaction<T>(fn: (tx: RawSql) => Promise<T>): Promise<T> {
  const client = await sqlPool().connect();
  let broken: Error | undefined;
  // pg-pool takes its own "error" listener off a client while it is checked
  // out. A connection the server ends between two statements of this
  // transaction (PostgreSQL stopped or restarted, the backend killed) then
  // emits "error" with no listener, and Node ends the whole process: every
  // SMTP session of the mail process dies with it (bench/chaos-inbound.ts
  // --fault postgres). Listening here turns it into the failed statement's
  // error, a 451 for the message, and a connection the pool discards.
  const onError = (error: Error) => {
    broken = error;
  };
  client.on("error", onError);
  try {
    await client.query("begin");
    const result = await fn(new ClientSql(client));
    await client.query("commit");
    return result;
  } catch (e) {
    // A connection that cannot even roll back is destroyed, not pooled.
    await client.query("rollback").catch((rollbackError: Error) => {
      broken = rollbackError;
    });
    throw e;
  } finally {
    client.removeListener("error", onError);
    client.release(broken);
  }
}

export async function closeSqlPool(): Promise<void> {
  const current = pool;
  pool = undefined;
  await current?.end();
}
