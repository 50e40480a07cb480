// One sending session of a crash test (tests/protocol/inbound.test.ts, the
// SIGKILL case; bench/chaos-inbound.ts): it takes messages off a shared queue
// and sends them over one connection until the server acknowledges all of
// them. What was not acknowledged goes back on the queue and is sent again
// later, as a real MTA retries; it may have been stored before the crash, so
// the store must not duplicate it. Several run at once over one shared state.
import { SmtpClient } from "./smtp-client.ts";

export interface ResendState {
  port: number;
  ehlo: string;
  total: number;
  /** Indices still to send. */
  queue: number[];
  /** Indices the server answered 250 for. */
  acked: Set<number>;
  message: (index: number) => Buffer;
  /** A restart in progress, awaited before connecting again. */
  restarting: () => Promise<void> | null;
  /** Messages put back on the queue, counted. */
  resent: number;
  /** How long to wait for the reply to the end of data (SmtpClient's default when absent). */
  replyTimeoutMs?: number;
}

export async function sendUntilAcked(state: ResendState): Promise<void> {
  while (state.acked.size < state.total) {
    if (state.queue.length === 0) {
      await new Promise((r) => setTimeout(r, 20));
      continue;
    }
    const restarting = state.restarting();
    if (restarting) await restarting;
    let client: SmtpClient | undefined;
    let inHand: number | undefined;
    try {
      const connection = await SmtpClient.connect(state.port);
      client = connection.client;
      if (connection.greeting.code !== 220) throw new Error(connection.greeting.last);
      if ((await client.send(`EHLO ${state.ehlo}`)).code !== 250) throw new Error("EHLO");
      for (inHand = state.queue.shift(); inHand !== undefined; inHand = state.queue.shift()) {
        if ((await client.send("MAIL FROM:<sender@customer.example>")).code !== 250) throw new Error("MAIL");
        if ((await client.send("RCPT TO:<support@example.com>")).code !== 250) throw new Error("RCPT");
        if ((await client.send("DATA")).code !== 354) throw new Error("DATA");
        client.write(Buffer.concat([state.message(inHand), Buffer.from(".\r\n")]));
        const reply = await client.reply(state.replyTimeoutMs);
        if (reply.code !== 250) throw new Error(`end of data: ${reply.last}`);
        state.acked.add(inHand);
      }
    } catch {
      if (inHand !== undefined) {
        state.queue.push(inHand);
        state.resent++;
      }
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      client?.close();
    }
  }
}
