// One connector's life in the mail process that holds its lease: connect,
// bring every folder up to date (the initial import is just the first pass),
// then wait for news — IDLE on the first folder (RFC 2177), and a look at
// every folder each poll interval (all of them when the server has no IDLE)
// — and again. A failure is recorded with its step and plain reason, and the
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
import { MailboxFull } from "./store-remote-batch.ts";
import { syncFolder } from "./sync-folder.ts";
import { writeBackClosed } from "./write-back.ts";

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
        try {
          await client.connect();
          failures = 0;
          let first = true;
          while (!stop.signal.aborted) {
            await reportConnector({ id, owner: options.owner, status: first ? "importing" : "syncing" });
            const folderErrors: string[] = [];
            let firstUidNext: bigint | null = null;
            for (const [i, folder] of row.folders.entries()) {
              if (stop.signal.aborted) break;
              try {
                const r = await syncFolder(client, folder, {
                  connectorId: id,
                  mailboxId: row.mailboxId,
                  owner: options.owner,
                  since: row.since,
                  signal: stop.signal,
                  leaseMs,
                  batchSize: options.batchSize,
                  freshScan: i === 0,
                  writeBack: { markSeen: row.markSeen, moveTo: row.moveTo },
                });
                if (i === 0) firstUidNext = r.uidNext;
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
            await waitForNews(
              client,
              row.folders[0] as string,
              firstUidNext,
              options.pollMs ?? CONNECTOR_POLL_MS,
              stop.signal,
            );
          }
        } finally {
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
 * Resolves when the first folder reports new mail (an untagged EXISTS during
 * IDLE), the poll interval has passed, or the run stops. Rejects when the
 * connection closes, so the caller connects again.
 */
async function waitForNews(
  client: ImapFlow,
  folder: string,
  uidNextSynced: bigint | null,
  pollMs: number,
  signal: AbortSignal,
): Promise<void> {
  const opened = await client.mailboxOpen(folder, { readOnly: true });
  // Mail that arrived while the folders were synced shows in the new UIDNEXT, not as an EXISTS to come.
  if (uidNextSynced !== null && opened.uidNext && BigInt(opened.uidNext) !== uidNextSynced) return;
  await new Promise<void>((resolve, reject) => {
    const done = (error?: Error) => {
      clearTimeout(timer);
      client.off("exists", onExists);
      client.off("flags", onExists);
      client.off("expunge", onExists);
      client.off("close", onClose);
      signal.removeEventListener("abort", onAbort);
      if (error) reject(error);
      else resolve();
    };
    // New mail, and (RFC 7162 §3.2.10, RFC 9051 §7.5.2) flags changed or messages expunged remotely:
    // each wakes a pass, which follows the change (follow-changes.ts).
    const onExists = () => done();
    const onClose = () => done(Object.assign(new Error("the server closed the connection"), { code: "ECONNRESET" }));
    const onAbort = () => done();
    const timer = setTimeout(() => done(), pollMs);
    client.on("exists", onExists);
    client.on("flags", onExists);
    client.on("expunge", onExists);
    client.on("close", onClose);
    signal.addEventListener("abort", onAbort);
    // RFC 2177 IDLE; without it the server is asked again at the next poll.
    if (client.capabilities.has("IDLE")) client.idle().catch(() => {});
  });
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
