// The delivery workers of the `delivery` role. Each worker claims a batch
// of due jobs for one domain (claim-jobs.ts), finds the route (MX lookup or
// the smarthost; for a sender whose mailbox has a connector relay, that
// relay: server/connectors/relay-route.ts), opens one connection per route
// and sends the jobs one transaction at a time, committing each job's result
// before the next transaction starts.
// So a crash re-sends at most the transaction in flight: every other job is
// either recorded or still unsent under a lease that will run out.

import os from "node:os";
import type { Log } from "../../server/cluster/error-log.ts";
import type { RelayLookup } from "../../server/connectors/relay-route.ts";
import { DELIVERY_BATCH_SIZE, DELIVERY_STEP_TIMEOUT_MS } from "../../server/limits.ts";
import { type ClaimedJob, claimJobs, releaseJobs, renewLeases } from "../../server/outbound/claim-jobs.ts";
import { deliverLocalJob } from "../../server/outbound/local-retry.ts";
import { type RecipientResult, recordAttempt } from "../../server/outbound/record-attempt.ts";
import type { QueuePolicy } from "../../server/outbound/retry-policy.ts";
import type { TraceSink } from "../../server/trace/trace-record.ts";
import { type AttemptRoute, attemptTrace } from "./attempt-trace.ts";
import { DestinationLimit } from "./destination-limit.ts";
import { lookupRoute, type MailHost, type MxResolver } from "./mx-lookup.ts";
import type { Smarthost } from "./smarthost.ts";
import { enhancedStatus, SmtpSession } from "./smtp-session.ts";

export interface DeliveryConfig {
  /** EHLO name and the DSN's Reporting-MTA. */
  hostname: string;
  /** Port of remote MX hosts (YUBIN_SMTP_OUTBOUND_PORT). */
  port: number;
  resolver: MxResolver;
  smarthost?: Smarthost;
  /** Per-mailbox relays by lower-cased envelope sender (connector relays); none: every job takes the route above. */
  relays?: (senders: string[]) => Promise<Map<string, RelayLookup>>;
  policy: QueuePolicy;
  workers: number;
  maxPerDestination: number;
  pollMs: number;
  /** Jobs claimed at once (they share one connection). */
  batchSize?: number;
  /** Connect, greeting and inactivity timeout. */
  timeoutMs?: number;
  /** The clock (tests pass a fake one to expire mail). */
  now?: () => Date;
  /** Only these recipient domains (tests sharing one database). */
  domains?: string[];
  /** Where each attempt's message trace goes (server/trace/); none: not traced. */
  trace?: TraceSink;
  log: Log;
}

export interface DeliveryWorkers {
  /** Claim now instead of at the next poll (NOTIFY of a new job). */
  wake(): void;
  /** Lets the transactions in flight finish, then stops. */
  stop(): Promise<void>;
}

export function startDeliveryWorkers(config: DeliveryConfig): DeliveryWorkers {
  const now = config.now ?? (() => new Date());
  const limit = new DestinationLimit(config.maxPerDestination);
  const batchSize = config.batchSize ?? DELIVERY_BATCH_SIZE;
  const timeoutMs = config.timeoutMs ?? DELIVERY_STEP_TIMEOUT_MS;
  const sleepers = new Set<() => void>();
  let stopping = false;

  const idle = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      sleepers.add(done);
    });
  const wake = () => {
    for (const sleeper of [...sleepers]) sleeper();
  };

  async function record(job: ClaimedJob, results: RecipientResult[], route: AttemptRoute, startedAt: Date) {
    const outcome = await recordAttempt({
      jobId: job.id,
      mailFrom: job.mailFrom,
      results,
      policy: config.policy,
      hostname: config.hostname,
      now: now(),
      expected: job.recipients,
    });
    const summary = results.map((r) => `${r.address} ${r.code}`).join(", ");
    config.log(`delivery: job ${job.id} (${job.domain}) ${outcome.state}: ${summary}`);
    if (!config.trace) return;
    const record = attemptTrace({
      job,
      results,
      outcome,
      route,
      heloName: config.hostname,
      startedAt,
      endedAt: now(),
    });
    if (record) config.trace(record);
  }

  const pendingOf = (job: ClaimedJob) => job.recipients.filter((r) => r.state === "pending").map((r) => r.address);

  /** Copies waiting for room in a local mailbox: tried through the one write path, no connection. */
  async function deliverLocally(jobs: ClaimedJob[], owner: string): Promise<void> {
    const remaining = [...jobs];
    try {
      while (remaining.length > 0 && !stopping) {
        const job = remaining.shift() as ClaimedJob;
        const startedAt = now();
        await record(job, await deliverLocalJob(job), { local: true }, startedAt);
      }
    } finally {
      await releaseJobs(
        remaining.map((j) => j.id),
        owner,
      ).catch((e: unknown) => config.log(`delivery: could not release jobs: ${String(e)}`, "error"));
    }
  }

  async function deliver(jobs: ClaimedJob[], owner: string): Promise<void> {
    if (jobs[0]?.local) return deliverLocally(jobs, owner);
    const senders = [...new Set(jobs.map((j) => j.mailFrom.toLowerCase()).filter(Boolean))];
    let relays: Map<string, RelayLookup>;
    try {
      relays = config.relays && senders.length ? await config.relays(senders) : new Map();
    } catch (error) {
      await releaseJobs(
        jobs.map((j) => j.id),
        owner,
      ).catch(() => {});
      throw error;
    }
    // One connection per route: the jobs of senders with their own relay apart from the rest.
    const groups = new Map<string, { relay?: RelayLookup; jobs: ClaimedJob[] }>();
    for (const job of jobs) {
      const relay = relays.get(job.mailFrom.toLowerCase());
      const key = relay ? `relay:${relay.connectorId}` : "";
      const group = groups.get(key) ?? { relay, jobs: [] };
      group.jobs.push(job);
      groups.set(key, group);
    }
    // Stop starting transactions well before the lease runs out, so no other worker can take a job we are sending.
    const deadline = Date.now() + config.policy.leaseSeconds * 800;
    const order = [...groups.values()];
    try {
      while (order.length > 0 && !stopping) {
        const group = order.shift() as { relay?: RelayLookup; jobs: ClaimedJob[] };
        await deliverVia(group.jobs, owner, group.relay, deadline);
      }
    } finally {
      await releaseJobs(
        order.flatMap((g) => g.jobs.map((j) => j.id)),
        owner,
      ).catch(() => {});
    }
  }

  async function deliverVia(
    jobs: ClaimedJob[],
    owner: string,
    relay: RelayLookup | undefined,
    deadline: number,
  ): Promise<void> {
    const domain = jobs[0]?.domain as string;
    const startedAt = now();
    const failAll = async (code: number, status: string, reply: string, route: AttemptRoute = {}) => {
      for (const job of jobs) {
        await record(
          job,
          pendingOf(job).map((address) => ({ address, code, status, reply, remoteMta: route.host })),
          route,
          startedAt,
        );
      }
    };
    if (relay && "failure" in relay) return failAll(451, "4.7.0", relay.failure);
    const smarthost: (Smarthost & { label?: string }) | undefined = relay
      ? {
          host: relay.host,
          port: relay.port,
          implicitTls: relay.implicitTls,
          verify: relay.verify,
          user: relay.user,
          pass: relay.pass,
          ca: relay.ca ?? undefined,
          label: relay.label,
        }
      : config.smarthost;
    let hosts: MailHost[];
    if (smarthost) {
      hosts = [{ name: smarthost.host, addresses: [smarthost.host] }];
    } else {
      const route = await lookupRoute(domain, config.resolver);
      if (route.kind === "fail") return failAll(route.code, route.status, route.reply);
      hosts = route.hosts;
    }
    const release = await limit.acquire(relay ? `relay:${relay.connectorId}` : smarthost ? "smarthost" : domain);
    let session: SmtpSession | null = null;
    const remaining = [...jobs];
    try {
      const connected = await connect(hosts, smarthost);
      if ("failure" in connected) {
        return await failAll(451, "4.4.1", connected.failure, { host: connected.host, address: connected.address });
      }
      session = connected.session;
      while (remaining.length > 0 && !stopping && Date.now() < deadline) {
        const job = remaining.shift() as ClaimedJob;
        const recipients = pendingOf(job);
        const remoteMta = session.hostName;
        const attemptStarted = now();
        const route = { host: session.hostName, address: session.address, tls: session.tls, connected: true };
        let results: RecipientResult[];
        try {
          const sent = await session.send(job.mailFrom, recipients, job.raw);
          results = sent.recipients.map((r) => ({ ...r, status: enhancedStatus(r.code, r.reply), remoteMta }));
        } catch (error) {
          // The connection broke inside the transaction (421, reset, timeout):
          // whether the message arrived is unknown, so it is tried again.
          const reply = `connection to ${remoteMta} lost: ${(error as Error).message}`;
          results = recipients.map((address) => ({ address, code: 451, status: "4.4.2", reply, remoteMta }));
        }
        await record(job, results, route, attemptStarted);
        if (!session.usable) break;
        if (remaining.length > 0) await session.reset().catch(() => {});
        if (!session.usable) break;
      }
    } finally {
      session?.close();
      release();
      await releaseJobs(
        remaining.map((j) => j.id),
        owner,
      ).catch((e: unknown) => config.log(`delivery: could not release jobs: ${String(e)}`, "error"));
    }
  }

  /** RFC 5321 §5.1: try each address of each MX in order until one answers. */
  async function connect(
    hosts: MailHost[],
    smarthost: (Smarthost & { label?: string }) | undefined,
  ): Promise<{ session: SmtpSession } | { failure: string; host?: string; address?: string }> {
    let failure = "no mail host";
    let last: { host?: string; address?: string } = {};
    for (const host of hosts) {
      for (const address of host.addresses) {
        const options = {
          address,
          port: smarthost?.port ?? config.port,
          hostName: host.name,
          heloName: config.hostname,
          smarthost,
          timeoutMs,
        };
        try {
          return { session: await SmtpSession.open(options) };
        } catch (error) {
          const e = error as Error & { code?: string; response?: string };
          failure = `${host.name}[${address}]: ${e.response ?? e.message}`;
          if (smarthost?.label) {
            failure =
              e.code === "EAUTH"
                ? `${smarthost.label} refused the user name or password: ${e.response ?? e.message}`
                : `${smarthost.label}: ${e.response ?? e.message}`;
          }
          last = { host: host.name, address };
          // A broken STARTTLS must not stop delivery to an MX (opportunistic TLS): try once in plain text.
          if (e.code === "ETLS" && !smarthost) {
            try {
              return { session: await SmtpSession.open({ ...options, noTls: true }) };
            } catch (retry) {
              failure = `${host.name}[${address}]: ${(retry as Error).message}`;
            }
          }
        }
      }
    }
    return { failure, ...last };
  }

  async function run(n: number): Promise<void> {
    const owner = `${os.hostname()}:${process.pid}:${n}`;
    while (!stopping) {
      let jobs: ClaimedJob[] = [];
      try {
        jobs = await claimJobs({
          owner,
          limit: batchSize,
          leaseSeconds: config.policy.leaseSeconds,
          now: now(),
          domains: config.domains,
        });
      } catch (error) {
        if (!stopping) config.log(`delivery: claim failed: ${(error as Error).message}`, "error");
      }
      if (jobs.length === 0) {
        await idle(config.pollMs);
        continue;
      }
      // The lease is renewed every third of its length while the batch is worked on,
      // so only a worker that died (or hangs past its step timeouts) loses its jobs.
      const ids = jobs.map((j) => j.id);
      const leaseSeconds = config.policy.leaseSeconds;
      const heartbeat = setInterval(
        () => {
          renewLeases(ids, owner, leaseSeconds, now()).catch((e: unknown) =>
            config.log(`delivery: could not renew leases: ${String(e)}`, "error"),
          );
        },
        Math.max(20, (leaseSeconds * 1000) / 3),
      );
      heartbeat.unref();
      await deliver(jobs, owner)
        .catch((error: unknown) =>
          config.log(`delivery: batch for ${jobs[0]?.domain} failed: ${String(error)}`, "error"),
        )
        .finally(() => clearInterval(heartbeat));
    }
  }

  const running = Array.from({ length: config.workers }, (_, n) => run(n));
  return {
    wake,
    stop: async () => {
      stopping = true;
      wake();
      await Promise.all(running);
    },
  };
}
