// When to try a deferred delivery again, and when to give up: Postfix's
// schedule (minimal_backoff 300 s doubling up to maximal_backoff, bounce
// after maximal_queue_lifetime 5 d), every number configurable (server/env.ts).

export interface QueuePolicy {
  retryMinSeconds: number;
  retryMaxSeconds: number;
  /** Age at which undelivered recipients expire and the sender gets a DSN. */
  lifetimeSeconds: number;
  /** Age at which the sender is told once that delivery is delayed; 0 never. */
  delayNoticeSeconds: number;
  /** How long a worker holds jobs it claimed. */
  leaseSeconds: number;
}

/** Delay before attempt `attempts + 1`, after `attempts` failed ones (>= 1). */
export function retryDelaySeconds(attempts: number, policy: QueuePolicy): number {
  const doubled = policy.retryMinSeconds * 2 ** Math.min(Math.max(attempts - 1, 0), 30);
  return Math.min(doubled, Math.max(policy.retryMaxSeconds, policy.retryMinSeconds));
}
