// What the connector tests against Dovecot share: connector settings for a
// remote user of the Dovecot the file started, a fresh shared mailbox with a
// connector for that user, remote mail to put in, and the runners a test
// starts (stopped after each test, so none takes up the next test's
// connectors). Handed the Dovecot instance and the data directory (where the
// connector passwords' key lives).
import { type ConnectorRunner, startConnectorRunner } from "../../mail-daemons/connector/connector-runner.ts";
import { addConnector, type ConnectorSettings } from "../../server/connectors/connector-admin.ts";
import { sql } from "../../server/db/raw-sql.ts";
import type { Dovecot } from "./dovecot.ts";
import { customerMail, makeSharedMailbox } from "./factories.ts";

export interface ConnectorFixture {
  settings(user: string, extra?: Partial<ConnectorSettings>): ConnectorSettings;
  /** A new shared mailbox (agent@example.com a member) with a connector for the remote user. */
  connect(
    user: string,
    extra?: Partial<ConnectorSettings>,
  ): Promise<Awaited<ReturnType<typeof addConnector>> & { mailboxId: number; address: string }>;
  runner(extra?: Partial<Parameters<typeof startConnectorRunner>[0]>): ConnectorRunner;
  stopRunner(r: ConnectorRunner): Promise<void>;
  /** A runner the test ended otherwise (abandoned): not stopped again. */
  forget(r: ConnectorRunner): void;
  /** Stops every runner still going and pauses every connector: for afterEach. */
  stopAll(): Promise<void>;
}

export function connectorFixture(input: {
  dovecot: Dovecot;
  dataDir: string;
  password: string;
  /** The local part of each new mailbox's address, numbered. */
  addressPrefix: string;
}): ConnectorFixture {
  const { dovecot, dataDir, password } = input;
  let box = 0;
  const runners: ConnectorRunner[] = [];
  const fixture: ConnectorFixture = {
    settings: (user, extra = {}) => ({
      host: "localhost",
      port: dovecot.imapsPort,
      tls: "implicit",
      username: user,
      password,
      caPem: dovecot.certPem,
      ...extra,
    }),
    async connect(user, extra = {}) {
      const address = `${input.addressPrefix}${++box}@example.com`;
      const mailboxId = await makeSharedMailbox(address, ["agent@example.com"]);
      const c = await addConnector({ address, settings: fixture.settings(user, extra), dataDir, actorId: null });
      return { ...c, mailboxId, address };
    },
    runner(extra = {}) {
      const r = startConnectorRunner({
        dataDir,
        log: () => {},
        claimEveryMs: 100,
        backoffMinMs: 50,
        pollMs: 60_000,
        ...extra,
      });
      runners.push(r);
      return r;
    },
    async stopRunner(r) {
      await r.stop();
      fixture.forget(r);
    },
    forget(r) {
      if (runners.includes(r)) runners.splice(runners.indexOf(r), 1);
    },
    async stopAll() {
      for (const r of [...runners]) await fixture.stopRunner(r);
      await sql.$queryRaw`update "Connector" set paused = true`;
    },
  };
  return fixture;
}

/** n customer messages "PREFIX 0" … "PREFIX n-1", each with its own Message-ID. */
export const remoteMails = (n: number, prefix: string): Buffer[] =>
  Array.from({ length: n }, (_, i) => customerMail({ subject: `${prefix} ${i}`, text: `Body ${prefix} ${i}.` }).raw);
