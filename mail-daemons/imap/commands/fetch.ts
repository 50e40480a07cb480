// RFC 9051 §6.4.5 FETCH and §6.4.9 UID FETCH, with CHANGEDSINCE and MODSEQ
// (RFC 7162 §3.1.4) and VANISHED (§3.2.6). Storage is read in batches:
// metadata and header blocks for many messages at once, a whole message
// only when an item needs it, streamed when it is simply BODY[].

import type { MessageContent } from "../backend.ts";
import { type FetchArguments, type FetchItem, parseFetchArguments } from "../parser/fetch-attributes.ts";
import { formatSequenceSet, resolveRanges } from "../parser/sequence-set.ts";
import { writeFetchResponse } from "../response/fetch-response.ts";
import { planFetch } from "../session/fetch-plan.ts";
import type { Session } from "../session/session.ts";
import { bad, type Command, type CommandResult, defineCommand, no, ok, SELECTED } from "./command.ts";
import { messagesOf } from "./message-set.ts";

/** Messages whose metadata and headers are read in one backend call. */
const FETCH_BATCH = 128;
/** Messages whose whole bytes one round trip brings: each up to 1 MiB (larger ones stream in slices). */
const BODY_BATCH = 16;

function fetchCommand(byUid: boolean): Command {
  return defineCommand({
    name: byUid ? "UID FETCH" : "FETCH",
    states: SELECTED,
    // RFC 9051 §7.5.1: no EXPUNGE during FETCH; UID FETCH may carry them.
    expungeAllowed: byUid,
    catchUpFirst: byUid,
    parse(cursor) {
      cursor.sp();
      return parseFetchArguments(cursor);
    },
    run: ({ session }, args) => runFetch(session, args, byUid),
  });
}

export const fetchCommandSpec = fetchCommand(false);
export const uidFetchCommand = fetchCommand(true);

async function runFetch(session: Session, args: FetchArguments, byUid: boolean): Promise<CommandResult> {
  const selected = session.requireSelected;
  const principal = session.requirePrincipal;
  let uids = messagesOf(selected, args.set, byUid);
  const items = withImpliedItems(args, byUid);
  if (args.changedSince !== null || items.some((item) => item.kind === "simple" && item.name === "MODSEQ"))
    session.condstore = true;
  if (args.vanished) {
    // RFC 7162 §3.2.6: VANISHED only in UID FETCH, after ENABLE QRESYNC.
    if (!byUid || !session.qresync) return bad("VANISHED needs UID FETCH and QRESYNC");
    await reportVanished(session, args);
  }
  if (args.changedSince !== null) {
    const since = args.changedSince;
    uids = uids.filter((uid) => (selected.state(uid)?.modseq ?? 0) > since);
  }
  const plan = planFetch(items);
  const showFlags = new Set<number>();
  if (plan.marksSeen && !selected.readOnly) await markSeen(session, uids, showFlags);

  let missing = false;
  let unknownCte = false;
  const batchSize = plan.fullMessage || plan.streamWhole ? BODY_BATCH : FETCH_BATCH;
  for (let start = 0; start < uids.length; start += batchSize) {
    const batch = uids.slice(start, start + batchSize);
    const metadata = plan.metadata ? await session.backend.messageMetadata(principal, selected.folderId, batch) : [];
    const byUidMetadata = new Map(metadata.map((entry) => [entry.uid, entry]));
    const contents =
      plan.fullMessage || plan.streamWhole
        ? await session.backend.readMessages(principal, selected.folderId, batch)
        : null;
    // ENVELOPE with BODY[] (what most clients ask when they open a message): the header block is
    // taken from the body already read, for a message small enough to hold, instead of being asked
    // for in a query of its own.
    const ownHeaders = plan.headers && plan.streamWhole && contents ? await headerBlocks(contents) : null;
    const headers =
      plan.headers && !plan.fullMessage
        ? mergeHeaders(
            ownHeaders,
            await readHeadersOf(
              session,
              batch.filter((uid) => !ownHeaders?.has(uid)),
            ),
          )
        : null;
    for (const uid of batch) {
      const state = selected.state(uid);
      const msn = selected.msnOf(uid);
      if (!state || msn === null) continue;
      const entryMetadata = byUidMetadata.get(uid) ?? null;
      const header = headers?.get(uid) ?? null;
      const content = contents?.get(uid) ?? null;
      const gone =
        (plan.metadata && !entryMetadata) ||
        (headers && !header) ||
        ((plan.fullMessage || plan.streamWhole) && !content);
      if (gone) {
        missing = true;
        continue;
      }
      const raw = plan.fullMessage && content ? await collect(content.chunks(), content.size) : null;
      const itemsHere =
        showFlags.has(uid) && !items.some((i) => i.kind === "simple" && i.name === "FLAGS")
          ? [...items, { kind: "simple", name: "FLAGS" } as FetchItem]
          : items;
      const outcome = await writeFetchResponse(
        session.writer,
        itemsHere,
        { msn, state, metadata: entryMetadata, header, raw, stream: plan.streamWhole ? content : null },
        session,
      );
      if (outcome === "unknown-cte") unknownCte = true;
    }
  }
  if (unknownCte) return no("Cannot decode a part's content transfer encoding", "UNKNOWN-CTE");
  // RFC 5530 EXPUNGEISSUED: some messages were expunged by another session meanwhile.
  if (missing) return ok("FETCH completed; some messages were expunged", "EXPUNGEISSUED");
  return ok("FETCH completed");
}

/** UID FETCH always returns UID (RFC 9051 §6.4.9); CHANGEDSINCE implies MODSEQ (RFC 7162 §3.1.4.1). */
function withImpliedItems(args: FetchArguments, byUid: boolean): FetchItem[] {
  const items = [...args.items];
  const has = (name: string) => items.some((item) => item.kind === "simple" && item.name === name);
  if (byUid && !has("UID")) items.unshift({ kind: "simple", name: "UID" });
  if (args.changedSince !== null && !has("MODSEQ")) items.push({ kind: "simple", name: "MODSEQ" });
  return items;
}

/** RFC 9051 §6.4.5: fetching a body without PEEK sets \Seen, and the new FLAGS are returned. */
async function markSeen(session: Session, uids: number[], showFlags: Set<number>): Promise<void> {
  const selected = session.requireSelected;
  const unseen = uids.filter((uid) => !selected.state(uid)?.flags.includes("\\Seen"));
  if (unseen.length === 0) return;
  const outcome = await session.backend.storeFlags(session.requirePrincipal, selected.folderId, {
    uids: unseen,
    mode: "add",
    flags: ["\\Seen"],
    unchangedSince: null,
  });
  if (!outcome.ok) return;
  for (const state of outcome.changed) {
    selected.recordOwnChange(state);
    showFlags.add(state.uid);
  }
}

/** RFC 7162 §3.2.6: the UIDs in the requested set expunged since CHANGEDSINCE, as VANISHED (EARLIER). */
async function reportVanished(session: Session, args: FetchArguments): Promise<void> {
  const selected = session.requireSelected;
  if (args.set.kind !== "ranges" || args.changedSince === null) return;
  const changes = await session.backend.changesSince(session.requirePrincipal, selected.folderId, args.changedSince);
  if (!changes) return;
  const ranges = resolveRanges(args.set.ranges, selected.uidNext - 1);
  const vanished = changes.expunged
    .filter((uid) => ranges.some(([low, high]) => uid >= low && uid <= high) && selected.msnOf(uid) === null)
    .sort((a, b) => a - b);
  if (vanished.length > 0) await session.writer.untagged(`VANISHED (EARLIER) ${formatSequenceSet(vanished)}`);
}

async function collect(chunks: AsyncIterable<Uint8Array>, size: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let length = 0;
  for await (const chunk of chunks) {
    parts.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    length += chunk.byteLength;
    if (length >= size) break;
  }
  return Buffer.concat(parts, Math.min(length, size));
}

/** A message up to this size has its header block taken from its bytes when they are read anyway. */
const HEADER_FROM_BODY_OCTETS = 1024 * 1024;

async function headerBlocks(contents: Map<number, MessageContent>): Promise<Map<number, Buffer>> {
  const out = new Map<number, Buffer>();
  for (const [uid, content] of contents) {
    if (content.size > HEADER_FROM_BODY_OCTETS) continue;
    const raw = await collect(content.chunks(), content.size);
    // The header ends at the first empty line (RFC 5322 §2.1); with none, the message is all header.
    const startsEmpty = raw[0] === 0x0d && raw[1] === 0x0a;
    const at = startsEmpty ? -1 : raw.indexOf("\r\n\r\n");
    out.set(uid, raw.subarray(0, startsEmpty ? 2 : at < 0 ? raw.length : at + 4));
  }
  return out;
}

async function readHeadersOf(session: Session, uids: number[]): Promise<Map<number, Buffer>> {
  if (uids.length === 0) return new Map();
  return session.backend.readHeaders(session.requirePrincipal, session.requireSelected.folderId, uids);
}

function mergeHeaders(own: Map<number, Buffer> | null, read: Map<number, Buffer>): Map<number, Buffer> {
  if (!own) return read;
  for (const [uid, header] of read) own.set(uid, header);
  return own;
}
