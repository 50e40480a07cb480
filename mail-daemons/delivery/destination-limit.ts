// At most N simultaneous connections per destination (domain or smarthost)
// from this process, like Postfix's default_destination_concurrency_limit:
// a remote site that limits connections per client would otherwise answer
// our burst with 421s.
export class DestinationLimit {
  private active = new Map<string, number>();
  private waiting = new Map<string, (() => void)[]>();

  constructor(private readonly max: number) {}

  async acquire(destination: string): Promise<() => void> {
    while ((this.active.get(destination) ?? 0) >= this.max) {
      await new Promise<void>((resolve) => {
        const queue = this.waiting.get(destination) ?? [];
        queue.push(resolve);
        this.waiting.set(destination, queue);
      });
    }
    this.active.set(destination, (this.active.get(destination) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.active.get(destination) ?? 1) - 1;
      if (left === 0) this.active.delete(destination);
      else this.active.set(destination, left);
      const queue = this.waiting.get(destination);
      const next = queue?.shift();
      if (queue && queue.length === 0) this.waiting.delete(destination);
      next?.();
    };
  }
}
