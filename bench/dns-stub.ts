// A loopback DNS responder for benchmarks: answers every query at once with
// NXDOMAIN (RFC 1035 §4.1.1 RCODE 3), echoing the question. There is no
// internet on the benchmark machines, so without it each of mailauth's SPF,
// DKIM and DMARC lookups would wait for a resolver timeout and the timeout,
// not the server, would be measured. Point YUBIN_DNS_SERVERS at it.
import dgram from "node:dgram";

export interface DnsStub {
  /** "127.0.0.1:PORT", for YUBIN_DNS_SERVERS. */
  server: string;
  port: number;
  /** Queries answered so far, by type ("TXT", "MX", …). */
  queries: () => Record<string, number>;
  close(): Promise<void>;
}

const TYPE_NAMES: Record<number, string> = { 1: "A", 2: "NS", 5: "CNAME", 12: "PTR", 15: "MX", 16: "TXT", 28: "AAAA" };

/** Returns the answer for one query datagram, or null when it is not a query we can parse. */
export function nxdomainAnswer(query: Buffer): { answer: Buffer; type: string } | null {
  if (query.length < 12) return null;
  const flags = query.readUInt16BE(2);
  if (flags & 0x8000) return null; // a response, not a query
  if (query.readUInt16BE(4) !== 1) return null; // exactly one question in practice
  // Walk the QNAME labels to find the end of the question.
  let offset = 12;
  while (offset < query.length) {
    const length = query[offset] as number;
    if (length === 0) break;
    if (length & 0xc0) return null; // no compression in a question we sent ourselves
    offset += length + 1;
  }
  offset += 1; // the root label
  if (offset + 4 > query.length) return null;
  const qtype = query.readUInt16BE(offset);
  const questionEnd = offset + 4;
  const answer = Buffer.alloc(questionEnd);
  query.copy(answer, 0, 0, questionEnd);
  const opcode = flags & 0x7800;
  const rd = flags & 0x0100;
  // QR=1, same opcode, AA=1, RD copied, RA=1, RCODE=3 (NXDOMAIN).
  answer.writeUInt16BE(0x8000 | opcode | 0x0400 | rd | 0x0080 | 3, 2);
  answer.writeUInt16BE(1, 4); // QDCOUNT
  answer.writeUInt16BE(0, 6); // ANCOUNT
  answer.writeUInt16BE(0, 8); // NSCOUNT
  answer.writeUInt16BE(0, 10); // ARCOUNT (an EDNS OPT record in the query is not echoed)
  return { answer, type: TYPE_NAMES[qtype] ?? `TYPE${qtype}` };
}

export async function startDnsStub(host = "127.0.0.1"): Promise<DnsStub> {
  const socket = dgram.createSocket("udp4");
  const counts: Record<string, number> = {};
  socket.on("message", (message, remote) => {
    const result = nxdomainAnswer(message);
    if (!result) return;
    counts[result.type] = (counts[result.type] ?? 0) + 1;
    socket.send(result.answer, remote.port, remote.address);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(0, host, () => {
      socket.off("error", reject);
      resolve();
    });
  });
  const port = socket.address().port;
  return {
    server: `${host}:${port}`,
    port,
    queries: () => ({ ...counts }),
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
