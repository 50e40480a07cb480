import { addDomain, listDomains } from "../../server/domains/add-domain.ts";
import { checkDomain, type DomainCheck } from "../../server/domains/check-domain.ts";
import { describeRecordCheck, KIND_LABELS, ROLE_LABELS } from "../../server/domains/describe-check.ts";
import { removeDkimSelector, startDkimRotation } from "../../server/domains/dkim-rotation.ts";
import { createLookup, parseDnsServers } from "../../server/domains/dns-lookup.ts";
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

/** One line per record: what it is, where, and what the check found. */
function checkTable(check: DomainCheck): string {
  const rows = check.records.map((r) => [
    KIND_LABELS[r.kind],
    ROLE_LABELS[r.role],
    `${r.name} ${r.type}`,
    r.state.toUpperCase(),
    describeRecordCheck(r),
  ]);
  const header = ["RECORD", "ROLE", "NAME", "STATE", "DETAIL"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] as number)))
      .join("  ")
      .trimEnd();
  const out = [line(header), ...rows.map(line)];
  if (check.switched)
    out.push(`DKIM: now signing with selector ${check.switched.to} (was ${check.switched.from ?? "none"})`);
  out.push(check.ok ? "all required records are published and right" : "some required records are missing or wrong");
  return out.join("\n");
}

export async function domainCommand(args: string[]): Promise<number> {
  const [verb, rest] = subcommand("domain", args, [
    "add",
    "list",
    "show",
    "set",
    "check",
    "dkim-rotate",
    "dkim-remove",
  ]);
  if (verb === "check") {
    const { values, positionals } = parseCommand(rest, { json: { type: "boolean" } }, ["DOMAIN"]);
    const env = loadEnv();
    return withDatabase(async () => {
      const check = await checkDomain({
        domain: positionals[0] as string,
        mailHostname: env.YUBIN_HOSTNAME,
        lookup: createLookup(parseDnsServers(env.YUBIN_DNS_SERVERS)),
        actorId: null,
      });
      console.log(values.json ? JSON.stringify(check, null, 2) : checkTable(check));
      // Exit 1 when something required is missing or wrong, so scripts and monitoring can act on it.
      return check.ok ? 0 : 1;
    });
  }
  if (verb === "dkim-rotate") {
    const { positionals } = parseCommand(rest, {}, ["DOMAIN"]);
    const hostname = loadEnv().YUBIN_HOSTNAME;
    return withDatabase(async () => {
      const r = await startDkimRotation({ domain: positionals[0] as string, actorId: null });
      if (r.signing) console.log(`${r.domain} had no DKIM key; it now signs with selector ${r.selector}`);
      else {
        console.log(
          `new DKIM key for ${r.domain}, selector ${r.selector}: publish this record beside the current one,`,
        );
        console.log(
          `then run "yubin domain check ${r.domain}": the check switches signing to it once it is published.`,
        );
      }
      const zone = await dnsRecords(r.domain, hostname);
      console.log(zone.split("\n").find((l) => l.startsWith(`${r.selector}._domainkey.`)) ?? "");
      return 0;
    });
  }
  if (verb === "dkim-remove") {
    const { positionals } = parseCommand(rest, {}, ["DOMAIN", "SELECTOR"]);
    return withDatabase(async () => {
      const r = await removeDkimSelector({
        domain: positionals[0] as string,
        selector: positionals[1] as string,
        actorId: null,
      });
      console.log(
        r.removed === "next"
          ? `cancelled the rotation of ${r.domain}: key ${r.selector} removed before it signed anything`
          : `removed former DKIM key ${r.selector} of ${r.domain}; its DNS record can go now`,
      );
      return 0;
    });
  }
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
