// Splits the client's byte stream into lines. RFC 1939 §3 ends every line
// with CRLF; a bare LF is accepted too (some clients and scripts send one),
// and the CR before it is dropped. A line longer than `maxOctets` is reported
// once, as soon as it is known to be too long, and its remaining bytes are
// discarded up to the next LF: memory stays bounded by `maxOctets`.

const LF = 0x0a;
const CR = 0x0d;

export type InputLine =
  /** `octets`: the length as sent, terminator included (RFC 2449 §4 counts it). */
  { kind: "line"; bytes: Buffer; octets: number } | { kind: "too-long" };

export class LineReader {
  private partial: Buffer | null = null;
  private discarding = false;

  constructor(private readonly maxOctets: number) {}

  push(chunk: Buffer): InputLine[] {
    const lines: InputLine[] = [];
    let start = 0;
    while (start < chunk.length) {
      const lf = chunk.indexOf(LF, start);
      const end = lf === -1 ? chunk.length : lf + 1;
      const piece = chunk.subarray(start, end);
      start = end;
      if (this.discarding) {
        if (lf !== -1) this.discarding = false;
        continue;
      }
      const line = this.partial ? Buffer.concat([this.partial, piece]) : piece;
      this.partial = null;
      if (line.length > this.maxOctets) {
        lines.push({ kind: "too-long" });
        this.discarding = lf === -1;
        continue;
      }
      if (lf === -1) {
        // Copied: the chunk it came from may be a large pooled buffer.
        this.partial = Buffer.from(line);
        continue;
      }
      const bodyEnd = line.length >= 2 && line[line.length - 2] === CR ? line.length - 2 : line.length - 1;
      lines.push({ kind: "line", bytes: line.subarray(0, bodyEnd), octets: line.length });
    }
    return lines;
  }

  /** STLS: whatever arrived in plaintext after the command is thrown away (STARTTLS command injection). */
  reset(): void {
    this.partial = null;
    this.discarding = false;
  }
}
