// A loopback DNS server for tests (the outside world's DNS): answers A, AAAA,
// MX and TXT from a table and NXDOMAIN for everything else, over UDP. Names
// in `silent` get no answer at all (a resolver's timeout).
import dgram from "node:dgram";

export type DnsRecord =
  | { type: "A"; address: string }
  | { type: "AAAA"; address: string }
  | { type: "MX"; preference: number; exchange: string }
  | { type: "TXT"; text: string };

const TYPES: Record<number, DnsRecord["type"]> = { 1: "A", 28: "AAAA", 15: "MX", 16: "TXT" };
const CODES = { A: 1, AAAA: 28, MX: 15, TXT: 16 } as const;

function encodeName(name: string): Buffer {
  const parts = name
    .replace(/\.$/, "")
    .split(".")
    .filter(Boolean)
    .map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label, "ascii")]));
  return Buffer.concat([...parts, Buffer.from([0])]);
}

function encodeRdata(record: DnsRecord): Buffer {
  switch (record.type) {
    case "A":
      return Buffer.from(record.address.split(".").map(Number));
    case "AAAA": {
      const [head = "", tail] = record.address.split("::");
      const left = head ? head.split(":") : [];
      const right = tail ? tail.split(":") : [];
      const groups =
        tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill("0"), ...right];
      const buf = Buffer.alloc(16);
      for (const [i, g] of groups.entries()) buf.writeUInt16BE(Number.parseInt(g, 16), i * 2);
      return buf;
    }
    case "MX": {
      const pref = Buffer.alloc(2);
      pref.writeUInt16BE(record.preference);
      return Buffer.concat([pref, encodeName(record.exchange)]);
    }
    case "TXT": {
      const chunks: Buffer[] = [];
      const bytes = Buffer.from(record.text);
      for (let i = 0; i < bytes.length || i === 0; i += 255) {
        const part = bytes.subarray(i, i + 255);
        chunks.push(Buffer.from([part.length]), part);
      }
      return Buffer.concat(chunks);
    }
  }
}

function readQuestion(msg: Buffer): { name: string; type: number; end: number } {
  const labels: string[] = [];
  let offset = 12;
  while (offset < msg.length && msg[offset] !== 0) {
    const len = msg[offset] as number;
    labels.push(msg.subarray(offset + 1, offset + 1 + len).toString("ascii"));
    offset += len + 1;
  }
  offset += 1;
  return { name: labels.join(".").toLowerCase(), type: msg.readUInt16BE(offset), end: offset + 4 };
}

export interface DnsServer {
  port: number;
  /** "127.0.0.1:PORT", the form YUBIN_DNS_SERVERS takes. */
  address: string;
  records: Map<string, DnsRecord[]>;
  queries: { name: string; type: string }[];
  /** Lower-case names never answered. */
  silent: Set<string>;
  close(): Promise<void>;
}

export async function startDnsServer(initial: Record<string, DnsRecord[]> = {}): Promise<DnsServer> {
  const records = new Map(Object.entries(initial).map(([k, v]) => [k.toLowerCase(), v]));
  const queries: { name: string; type: string }[] = [];
  const silent = new Set<string>();
  const socket = dgram.createSocket("udp4");
  socket.on("message", (msg, rinfo) => {
    if (msg.length < 12) return;
    const q = readQuestion(msg);
    const typeName = TYPES[q.type] ?? String(q.type);
    queries.push({ name: q.name, type: typeName });
    if (silent.has(q.name)) return;
    const known = records.get(q.name);
    const answers = (known ?? []).filter((r) => CODES[r.type] === q.type);
    const header = Buffer.alloc(12);
    msg.copy(header, 0, 0, 2); // id
    // QR=1, opcode from the query, AA=1, RD copied, RA=1; RCODE 3 (NXDOMAIN) when the name is unknown.
    header.writeUInt16BE(0x8400 | (msg.readUInt16BE(2) & 0x0100) | 0x0080 | (known ? 0 : 3), 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answers.length, 6);
    const question = msg.subarray(12, q.end);
    const body = answers.map((r) => {
      const rdata = encodeRdata(r);
      const fixed = Buffer.alloc(10);
      fixed.writeUInt16BE(CODES[r.type], 0);
      fixed.writeUInt16BE(1, 2);
      fixed.writeUInt32BE(60, 4);
      fixed.writeUInt16BE(rdata.length, 8);
      return Buffer.concat([Buffer.from([0xc0, 0x0c]), fixed, rdata]);
    });
    socket.send(Buffer.concat([header, question, ...body]), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", () => resolve()));
  const port = socket.address().port;
  return {
    port,
    address: `127.0.0.1:${port}`,
    records,
    queries,
    silent,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}
