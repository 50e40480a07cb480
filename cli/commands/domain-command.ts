import { addDomain, listDomains } from "../../server/domains/add-domain.ts";
import { dnsRecords } from "../../server/domains/dns-records.ts";
import {
  DMARC_ENFORCEMENTS,
  type DomainMailPolicy,
  domainMailPolicy,
  setDomainMailPolicy,
} from "../../server/domains/mail-policy.ts";
import { loadEnv } from "../../server/env.ts";
import type { DmarcEnforcement } from "../../server/mail-store/resolve-recipient.ts";
import { parseCommand, subcommand, UsageError } from "../parse.ts";
import { withDatabase } from "../with-database.ts";

const describePolicy = (p: DomainMailPolicy) =>
  [
    `postmaster@${p.domain}, abuse@${p.domain}: ${p.postmaster ?? "every admin's mailbox"}`,
    `DMARC: ${
      p.dmarc === "policy"
        ? "as the sender's domain asks (p=reject refused, p=quarantine to Spam)"
        : p.dmarc === "quarantine"
          ? "failing mail to Spam, never refused"
          : "not enforced (verdicts recorded only)"
    }`,
  ].join("\n");

export async function domainCommand(args: string[]): Promise<number> {
  const [verb, rest] = subcommand("domain", args, ["add", "list", "show", "set"]);
  if (verb === "list") {
    parseCommand(rest, {}, []);
    return withDatabase(async () => {
      for (const d of await listDomains()) console.log(`${d.name}\t${d._count.mailboxes} mailboxes`);
      return 0;
    });
  }
  if (verb === "set") {
    const { values, positionals } = parseCommand(rest, { postmaster: { type: "string" }, dmarc: { type: "string" } }, [
      "DOMAIN",
    ]);
    if (values.postmaster === undefined && values.dmarc === undefined) {
      throw new UsageError(
        "yubin domain set DOMAIN needs --postmaster ADDRESS|admins and/or --dmarc policy|quarantine|off",
      );
    }
    if (values.dmarc !== undefined && !DMARC_ENFORCEMENTS.includes(values.dmarc as DmarcEnforcement)) {
      throw new UsageError(`--dmarc is one of ${DMARC_ENFORCEMENTS.join(", ")}`);
    }
    return withDatabase(async () => {
      const policy = await setDomainMailPolicy({
        domain: positionals[0] as string,
        postmaster:
          values.postmaster === undefined ? undefined : values.postmaster === "admins" ? null : values.postmaster,
        dmarc: values.dmarc as DmarcEnforcement | undefined,
        actorId: null,
      });
      console.log(describePolicy(policy));
      return 0;
    });
  }
  const { positionals } = parseCommand(rest, {}, ["DOMAIN"]);
  const name = positionals[0] as string;
  const hostname = loadEnv().YUBIN_HOSTNAME;
  return withDatabase(async () => {
    if (verb === "add") {
      const domain = await addDomain({ name, actorId: null });
      console.log(`added domain ${domain.name}; publish these DNS records:`);
      console.log(await dnsRecords(domain.name, hostname));
    } else {
      console.log(await dnsRecords(name, hostname));
      console.log(describePolicy(await domainMailPolicy(name)));
    }
    return 0;
  });
}
