// The `delivery` role: N outbound queue workers (DESIGN.md "Processes").
// Any number of processes on any number of machines may run it against one
// PostgreSQL; they share the queue through row locks and leases.

import { startDeliveryWorkers } from "../../mail-daemons/delivery/delivery-worker.ts";
import { createMxResolver } from "../../mail-daemons/delivery/mx-lookup.ts";
import { parseSmarthost } from "../../mail-daemons/delivery/smarthost.ts";
import type { Log } from "../../server/cluster/error-log.ts";
import { relaysForSenders } from "../../server/connectors/relay-route.ts";
import type { Env } from "../../server/env.ts";
import { listenForQueuedMail } from "../../server/outbound/queue-wakeup.ts";
import { processTraceSink } from "../../server/trace/trace-writer.ts";
import type { RunningRole } from "./role.ts";

export async function startDeliveryRole(env: Env, log: Log): Promise<RunningRole> {
  const dnsServers = env.YUBIN_DNS_SERVERS?.split(/[\s,]+/).filter(Boolean);
  const smarthost = env.YUBIN_SMARTHOST ? parseSmarthost(env.YUBIN_SMARTHOST) : undefined;
  const workers = startDeliveryWorkers({
    hostname: env.YUBIN_HOSTNAME,
    port: env.YUBIN_SMTP_OUTBOUND_PORT,
    resolver: createMxResolver(dnsServers),
    smarthost,
    relays: (senders) => relaysForSenders(senders, env.dataDir),
    policy: {
      retryMinSeconds: env.YUBIN_QUEUE_RETRY_MIN_SECONDS,
      retryMaxSeconds: env.YUBIN_QUEUE_RETRY_MAX_SECONDS,
      lifetimeSeconds: env.YUBIN_QUEUE_LIFETIME_SECONDS,
      delayNoticeSeconds: env.YUBIN_QUEUE_DELAY_NOTICE_SECONDS,
      leaseSeconds: env.YUBIN_DELIVERY_LEASE_SECONDS,
    },
    workers: env.YUBIN_DELIVERY_WORKERS,
    maxPerDestination: env.YUBIN_DELIVERY_MAX_PER_DESTINATION,
    pollMs: env.YUBIN_DELIVERY_POLL_MS,
    trace: processTraceSink(log),
    log,
  });
  const stopListening = await listenForQueuedMail(() => workers.wake(), log);
  const route = smarthost
    ? `via smarthost ${smarthost.host}:${smarthost.port}`
    : `direct to MX port ${env.YUBIN_SMTP_OUTBOUND_PORT}`;
  return {
    name: "delivery",
    listeners: {},
    banner: [`delivery: ${env.YUBIN_DELIVERY_WORKERS} workers, ${route}`],
    healthy: async () => true,
    stop: async () => {
      await stopListening();
      await workers.stop();
    },
  };
}
