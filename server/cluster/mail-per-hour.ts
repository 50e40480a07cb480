// Mail received and sent per hour over the last 24 hours, for the chart on
// the admin's server status page. Received: inbound messages stored (one per
// mailbox it reached), by the time they were stored. Sent: outbound messages
// a remote server accepted, by the time of that delivery. Both counts read
// only the last day, through partial indexes of their own (see the
// operations migration).
import { sql } from "../db/raw-sql.ts";

export interface HourCount {
  /** The start of the hour (UTC). */
  hour: Date;
  received: number;
  sent: number;
}

export const CHART_HOURS = 24;

/** 24 hours, oldest first, the last one being the hour `now` is in. */
export async function mailPerHour(now = new Date()): Promise<HourCount[]> {
  return sql.$queryRaw<HourCount[]>`
    with bounds as (
      select date_trunc('hour', ${now}::timestamptz, 'UTC') - make_interval(hours => ${CHART_HOURS - 1}::int) as first,
        date_trunc('hour', ${now}::timestamptz, 'UTC') + interval '1 hour' as stop
    ),
    hours as (
      select generate_series(b.first, b.stop - interval '1 hour', interval '1 hour') as hour from bounds b
    ),
    received as (
      select date_trunc('hour', m."internalDate", 'UTC') as hour, count(*)::int as n
      from "Message" m, bounds b
      where m.direction = 'inbound' and m."internalDate" >= b.first and m."internalDate" < b.stop
      group by 1
    ),
    sent as (
      select date_trunc('hour', j."lastAttemptAt", 'UTC') as hour, count(distinct j."outboundMessageId")::int as n
      from "DeliveryJob" j, bounds b
      where j.state = 'delivered' and j."lastAttemptAt" >= b.first and j."lastAttemptAt" < b.stop
      group by 1
    )
    select h.hour, coalesce(r.n, 0) as received, coalesce(s.n, 0) as sent
    from hours h left join received r on r.hour = h.hour left join sent s on s.hour = h.hour
    order by h.hour`;
}
