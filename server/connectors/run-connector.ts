// One connector's life in the mail process that holds its lease: connect,
// bring every folder up to date (the initial import is just the first pass),
// then wait for news — IDLE on the first folder (RFC 2177), and a look at
// every folder each poll interval (all of them when the server has no IDLE)
// — and again. New mail announced during IDLE takes the direct way: the new
// UIDs are fetched and stored at once (sync-folder.ts importNewMail) and the
// connector goes back to IDLE, without a full pass's SELECT, UID SEARCH,
// change following and status reports, so it reaches the browser's live
// stream (the NOTIFY at the batch's COMMIT) with as few round trips as the
// store needs. A failure is recorded with its step and plain reason, and the
// connection is made again after a back-off that doubles up to five minutes.
// One folder's failure is recorded on that folder and the others go on.
// It ends when the signal aborts (shutdown) or the lease is lost (paused,
// removed, taken over); the caller releases the lease.
import type { ImapFlow } from "imapflow";
import {
  CONNECTOR_BACKOFF_MAX_MS,
  CONNECTOR_BACKOFF_MIN_MS,
  CONNECTOR_LEASE_MS,
  CONNECTOR_POLL_MS,
} from "../limits.ts";
import { LeaseLost, loadHeldConnector, renewConnectorLease, reportConnector } from "./connector-lease.ts";
import { describeFailure, FolderFailure } from "./describe-failure.ts";
import { reportFolder } from "./folder-state.ts";
import { connectorClient } from "./imap-client.ts";
import { openPassword } from "./password-box.ts";
import { RemoteNews } from "./remote-news.ts";
import { MailboxFull } from "./store-remote-batch.ts";
import { importNewMail, type SyncContext, syncFolder } from "./sync-folder.ts";
import { atImport, writeBackClosed } from "./write-back.ts";

export interface RunConnectorOptions {
  owner: string;
  dataDir: string;
  signal: AbortSignal;
  pollMs?: number;
  leaseMs?: number;
  backoffMinMs?: number;
  backoffMaxMs?: number;
  batchSize?: number;
  log?: (line: string) => void;
}

export async function runConnector(id: number, options: RunConnectorOptions): Promise<void> {
  const leaseMs = options.leaseMs ?? CONNECTOR_LEASE_MS;
  const log = options.log ?? (() => {});
  // Aborted on shutdown and when the lease is lost: either way this run ends.
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  options.signal.addEventListener("abort", onAbort);
  let client: ImapFlow | null = null;
  const renewal = setInterval(
    () => {
      renewConnectorLease({ id, owner: options.owner, leaseMs })
        .then((held) => {
          if (!held) stop.abort();
        })
        .catch(() => {});
    },
    Math.max(50, Math.floor(leaseMs / 3)),
  );
  renewal.unref();
  let failures = 0;
  try {
    while (!stop.signal.aborted) {
      const row = await loadHeldConnector(id, options.owner);
      if (!row) return;
      const where = { host: row.host, port: row.port };
      try {
        await reportConnector({ id, owner: options.owner, status: "connecting" });
        client = connectorClient({ ...row, password: openPassword(options.dataDir, row.passwordBox) });
        const closing = () => client?.close();
        stop.signal.addEventListener("abort", closing, { once: true });
        const news = new RemoteNews(client);
        const writeBack = { markSeen: row.markSeen, moveTo: row.moveTo };
        const context = (freshScan: boolean): SyncContext => ({
          connectorId: id,
          mailboxId: row.mailboxId,
          owner: options.owner,
          since: row.since,
          signal: stop.signal,
          leaseMs,
          batchSize: options.batchSize,
          freshScan,
          writeBack,
        });
        try {
          await client.connect();
          failures = 0;
          let first = true;
          while (!stop.signal.aborted) {
            // What the server tells from here on is looked at by this pass or after it.
            news.reset();
            await reportConnector({ id, owner: options.owner, status: first ? "importing" : "syncing" });
            const folderErrors: string[] = [];
            let firstOpened: { uidNext: bigint | null; highestModseq: bigint | null } | null = null;
            for (const [i, folder] of row.folders.entries()) {
              if (stop.signal.aborted) break;
              try {
                const r = await syncFolder(client, folder, context(i === 0));
                if (i === 0) firstOpened = { uidNext: r.uidNext, highestModseq: r.highestModseq };
                if (r.flagged || r.expunged) {
                  log(
                    `connector ${id} ${folder}: remote changes followed: ${r.flagged} flag changes, ${r.expunged} expunged`,
                  );
                }
                if (r.stored || r.failed || r.rescanned) {
                  log(
                    `connector ${id} ${folder}: ${r.stored} stored, ${r.duplicates} duplicates, ${r.known} known, ${r.failed} failed${r.rescanned ? " (UIDVALIDITY changed: rescanned)" : ""}`,
                  );
                }
                await reportFolder({ connectorId: id, folder, error: null });
              } catch (e) {
                // A lost connection, a lost lease or a full mailbox stops every folder; anything else only this one.
                if (e instanceof LeaseLost || e instanceof MailboxFull || !client.usable) throw e;
                const failure = describeFailure(e instanceof FolderFailure ? e : e, where);
                folderErrors.push(`${folder}: ${failure.message}`);
                await reportFolder({ connectorId: id, folder, error: failure.message });
              }
            }
            if (row.markSeen === "closed" && !stop.signal.aborted) {
              try {
                const marked = await writeBackClosed(client, id);
                if (marked) log(`connector ${id}: ${marked} messages of closed conversations marked \\Seen remotely`);
              } catch (e) {
                if (!client.usable) throw e;
                const failure = describeFailure(e, where);
                folderErrors.push(failure.message);
                if (e instanceof FolderFailure)
                  await reportFolder({ connectorId: id, folder: e.folder, error: failure.message });
              }
            }
            if (stop.signal.aborted) break;
            await reportConnector({
              id,
              owner: options.owner,
              status: "idle",
              synced: folderErrors.length === 0,
              error: folderErrors.length ? folderErrors.join("; ") : null,
            });
            first = false;
            const folder = row.folders[0] as string;
            let reopen = true;
            // Counted from this pass, however much mail comes the direct way meanwhile: the other
            // folders, and servers without IDLE, are looked at each interval.
            const passDue = Date.now() + (options.pollMs ?? CONNECTOR_POLL_MS);
            for (;;) {
              const wake = await waitForNews(client, folder, {
                synced: reopen ? firstOpened : null,
                news,
                pollMs: Math.max(0, passDue - Date.now()),
                signal: stop.signal,
                reopen,
              });
              // Write-back at import needs the folder read-write (SELECT): a full pass does it.
              if (wake !== "mail" || stop.signal.aborted || atImport(writeBack)) break;
              const r = await importNewMailOrPass(client, folder, context(false), news);
              if (!r) break;
              if (r.stored || r.failed) {
                log(
                  `connector ${id} ${folder}: ${r.stored} stored, ${r.duplicates} duplicates, ${r.known} known, ${r.failed} failed (IDLE)`,
                );
              }
              reopen = false;
            }
          }
        } finally {
          news.detach();
          stop.signal.removeEventListener("abort", closing);
          await client.logout().catch(() => {});
          client.close();
          client = null;
        }
      } catch (e) {
        if (e instanceof LeaseLost || stop.signal.aborted) return;
        const failure = describeFailure(e, where);
        failures++;
        const wait = Math.min(
          (options.backoffMinMs ?? CONNECTOR_BACKOFF_MIN_MS) * 2 ** (failures - 1),
          options.backoffMaxMs ?? CONNECTOR_BACKOFF_MAX_MS,
        );
        log(`connector ${id}: ${failure.message}; trying again in ${Math.round(wait / 1000)} s`);
        await reportConnector({ id, owner: options.owner, status: "error", error: failure.message }).catch(() => {});
        await sleep(wait, stop.signal);
      }
    }
  } finally {
    clearInterval(renewal);
    options.signal.removeEventListener("abort", onAbort);
  }
}

/**
 * New mail by the direct way; null when a full pass must look instead (too
 * much at once for one batch, the folder no longer the one selected, or a
 * failure that is not the connection's, the lease's or a full mailbox's: the
 * pass records it on the folder).
 */
async function importNewMailOrPass(client: ImapFlow, folder: string, ctx: SyncContext, news: RemoteNews) {
  try {
    return await importNewMail(client, folder, ctx, news);
  } catch (e) {
    if (e instanceof LeaseLost || e instanceof MailboxFull || !client.usable) throw e;
    return null;
  }
}

/**
 * Waits in the first folder until the server reports something or the poll
 * interval has passed. "mail": new mail only (EXISTS); "pass": anything else
 * — flags changed or messages expunged remotely (RFC 7162 §3.2.10, RFC 9051
 * §7.5.2), the poll interval, mail that came or a change made during the
 * pass, a stop — for which a full pass looks at every folder. Rejects when
 * the connection closes, so the caller connects again. `reopen`: the folder
 * is opened (EXAMINE) first; after the direct way it is still open.
 */
async function waitForNews(
  client: ImapFlow,
  folder: string,
  input: {
    synced: { uidNext: bigint | null; highestModseq: bigint | null } | null;
    news: RemoteNews;
    pollMs: number;
    signal: AbortSignal;
    reopen: boolean;
  },
): Promise<"mail" | "pass"> {
  const { news, signal, synced } = input;
  if (input.reopen || !client.mailbox || client.mailbox.path !== news.path) {
    const opened = await client.mailboxOpen(folder, { readOnly: true });
    news.path = opened.path;
    // What changed in the folder after the pass opened it and was not told before this EXAMINE is
    // never told: the server drops what it had pending for the folder open before (Dovecot does;
    // the RFCs do not ask it to tell), and IDLE reports only what changes from here on. Mail that
    // arrived meanwhile shows in the new UIDNEXT; flags changed and messages expunged (the
    // connector's own write-back too) in the new HIGHESTMODSEQ (RFC 7162 §3.1.2.1). A pass looks.
    if (synced?.uidNext && opened.uidNext && BigInt(opened.uidNext) !== synced.uidNext) return "pass";
    if (synced?.highestModseq && opened.highestModseq && opened.highestModseq !== synced.highestModseq) return "pass";
  }
  if (signal.aborted) return "pass";
  const closedError = () => Object.assign(new Error("the server closed the connection"), { code: "ECONNRESET" });
  if (!client.usable) throw closedError();
  if (!news.pending) {
    let timedOut = false;
    let closed = false;
    const timer = setTimeout(() => {
      timedOut = true;
      news.poke();
    }, input.pollMs);
    const onClose = () => {
      closed = true;
      news.poke();
    };
    const onAbort = () => news.poke();
    client.on("close", onClose);
    signal.addEventListener("abort", onAbort);
    try {
      // RFC 2177 IDLE; without it the server is asked again at the next poll. A command
      // sent later ends it (imapflow writes DONE before the command, in the same flight).
      if (client.capabilities.has("IDLE")) client.idle().catch(() => {});
      await news.next();
    } finally {
      clearTimeout(timer);
      client.off("close", onClose);
      signal.removeEventListener("abort", onAbort);
    }
    if (closed) throw closedError();
    if (timedOut || signal.aborted) return "pass";
  }
  return news.changed || !news.pending ? "pass" : "mail";
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done);
  });
}
