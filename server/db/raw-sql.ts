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

/**
 * Checks a client out of the pool for `fn` and returns it; `markBroken` (also
 * called on a connection error) has the pool discard it instead of reusing it.
 */
async function withPooledClient<T>(
  fn: (client: pg.PoolClient, markBroken: (error: Error) => void) => Promise<T>,
): Promise<T> {
  const client = await sqlPool().connect();
  let broken: Error | undefined;
  // pg-pool takes its own "error" listener off a client while it is checked
  // out. A connection the server ends while we hold it (PostgreSQL stopped or
  // restarted, the backend killed) then emits "error" with no listener, and
  // Node ends the whole process: every SMTP session of the mail process dies
  // with it (bench/chaos-inbound.ts --fault postgres). Listening here turns it
  // into the failed statement's error and a connection the pool discards.
  const markBroken = (error: Error) => {
    broken = error;
  };
  client.on("error", markBroken);
  try {
    return await fn(client, markBroken);
  } finally {
    client.removeListener("error", markBroken);
    client.release(broken);
  }
}

/** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
export function sqlTransaction<T>(fn: (tx: RawSql) => Promise<T>): Promise<T> {
  return withPooledClient(async (client, markBroken) => {
    try {
      await client.query("begin");
      const result = await fn(new ClientSql(client));
      await client.query("commit");
      return result;
    } catch (e) {
      // A connection that cannot even roll back is destroyed, not pooled.
      await client.query("rollback").catch(markBroken);
      throw e;
    }
  });
}

/**
 * Runs `COPY (query) TO STDOUT (FORMAT binary)` on the pool and resolves with
 * the rows, each a list of its fields' bytes (null for SQL NULL) in
 * PostgreSQL's binary send format: bytea as its very bytes, int4 as 4 octets
 * big-endian. This is the one way node-postgres hands over bytes untouched —
 * every other result column arrives as a JavaScript string (server/mail-store/
 * read-blob.ts). COPY takes no parameters: `text` is spliced as is, so only
 * SQL written in the code and values checked to be safe (hex digests) may be
 * in it. `expectedOctets` sizes the buffer the stream is gathered in.
 */
export async function copyOutBinary(text: string, expectedOctets = 64 * 1024): Promise<(Buffer | null)[][]> {
  return parseBinaryCopy(await copyOutBinaryStream(text, expectedOctets));
}

/** copyOutBinary's stream as it came, for visitBinaryCopy. */
export function copyOutBinaryStream(text: string, expectedOctets = 64 * 1024): Promise<Buffer> {
  // An error the server answered leaves the connection usable; a broken one is discarded.
  return withPooledClient((client) => {
    const copy = new CopyOutQuery(text, expectedOctets);
    client.query(copy as unknown as pg.QueryConfig);
    return copy.done;
  });
}

/**
 * A node-postgres "submittable" (the interface pg-copy-streams implements):
 * the client hands it the protocol messages of one simple-query COPY TO.
 * CopyData chunks are views of the connection's read buffer, which the parser
 * reuses, so each is copied at once into one growing buffer.
 */
class CopyOutQuery {
  readonly done: Promise<Buffer>;
  private buffer: Buffer;
  private length = 0;
  private failure: Error | null = null;
  private settle: { resolve(value: Buffer): void; reject(error: Error): void } | null = null;

  constructor(
    private readonly text: string,
    expectedOctets: number,
  ) {
    this.buffer = Buffer.allocUnsafe(Math.max(1024, expectedOctets));
    this.done = new Promise((resolve, reject) => {
      this.settle = { resolve, reject };
    });
  }

  submit(connection: { query(text: string): void }): void {
    connection.query(this.text);
  }

  handleCopyData(message: { chunk: Buffer }): void {
    const chunk = message.chunk;
    if (this.length + chunk.length > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + chunk.length));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    chunk.copy(this.buffer, this.length);
    this.length += chunk.length;
  }

  handleError(error: Error): void {
    // node-postgres forgets the query before it reports the error: no ReadyForQuery will come to this object.
    this.failure = error;
    this.finish();
  }

  handleReadyForQuery(): void {
    this.finish();
  }

  handleCopyInResponse(connection: { sendCopyFail(message: string): void }): void {
    connection.sendCopyFail("not a COPY TO");
  }

  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleCommandComplete(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}

  private finish(): void {
    const settle = this.settle;
    this.settle = null;
    if (!settle) return;
    if (this.failure) settle.reject(this.failure);
    else settle.resolve(this.buffer.subarray(0, this.length));
  }
}

const COPY_SIGNATURE = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");

/**
 * Walks PostgreSQL's binary COPY format (the COPY reference page, "Binary
 * Format": header, tuples, trailer) and calls `visit` for every field with
 * where its bytes are in `data` (`length` -1 for NULL), without making an
 * object per row: a listing of 10,000 rows goes straight into typed arrays
 * (server/pop3/list-maildrop.ts). Returns the number of rows.
 */
export function visitBinaryCopy(
  data: Buffer,
  visit: (row: number, field: number, offset: number, length: number) => void,
): number {
  const bad = (what: string) => new Error(`binary COPY stream: ${what}`);
  if (data.length < 19 || !data.subarray(0, 11).equals(COPY_SIGNATURE)) throw bad("no signature");
  let offset = 15 + 4 + data.readUInt32BE(15); // signature, flags, header extension
  for (let row = 0; ; row++) {
    if (offset + 2 > data.length) throw bad("cut short");
    const fields = data.readInt16BE(offset);
    offset += 2;
    if (fields === -1) return row;
    for (let field = 0; field < fields; field++) {
      if (offset + 4 > data.length) throw bad("cut short");
      const length = data.readInt32BE(offset);
      offset += 4;
      if (length < -1 || offset + Math.max(length, 0) > data.length) throw bad("cut short");
      visit(row, field, offset, length);
      if (length > 0) offset += length;
    }
  }
}

/** The rows of a binary COPY stream, each a list of its fields' bytes (views of `data`; null for NULL). */
export function parseBinaryCopy(data: Buffer): (Buffer | null)[][] {
  const rows: (Buffer | null)[][] = [];
  visitBinaryCopy(data, (row, _field, offset, length) => {
    while (rows.length <= row) rows.push([]);
    (rows[row] as (Buffer | null)[]).push(length === -1 ? null : data.subarray(offset, offset + length));
  });
  return rows;
}

export async function closeSqlPool(): Promise<void> {
  const current = pool;
  pool = undefined;
  await current?.end();
}
