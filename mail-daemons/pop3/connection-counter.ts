// Counts open connections in total and per client address, for the caps in
// limits.ts. IPv4-mapped IPv6 addresses count as their IPv4 address, so one
// client cannot double its share by switching notation.
export class ConnectionCounter {
  private total = 0;
  private readonly byAddress = new Map<string, number>();

  constructor(
    private readonly maxTotal: number,
    private readonly maxPerAddress: number,
  ) {}

  get size(): number {
    return this.total;
  }

  /** false: over a cap, and nothing was counted. */
  tryAdd(address: string): boolean {
    const key = normalise(address);
    const current = this.byAddress.get(key) ?? 0;
    if (this.total >= this.maxTotal || current >= this.maxPerAddress) return false;
    this.total++;
    this.byAddress.set(key, current + 1);
    return true;
  }

  remove(address: string): void {
    const key = normalise(address);
    const current = this.byAddress.get(key) ?? 0;
    if (current <= 1) this.byAddress.delete(key);
    else this.byAddress.set(key, current - 1);
    this.total--;
  }
}

function normalise(address: string): string {
  return address.startsWith("::ffff:") ? address.slice(7) : address;
}
