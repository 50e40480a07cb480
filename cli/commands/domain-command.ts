import { addDomain, listDomains } from "../../server/domains/add-domain.ts";
import { dnsRecords } from "../../server/domains/dns-records.ts";
import { loadEnv } from "../../server/env.ts";
import { parseCommand, subcommand } from "../parse.ts";
import { withDatabase } from "../with-database.ts";

export async function domainCommand(args: string[]): Promise<number> {
  const [verb, rest] = subcommand("domain", args, ["add", "list", "show"]);
  if (verb === "list") {
    parseCommand(rest, {}, []);
    return withDatabase(async () => {
      for (const d of await listDomains()) console.log(`${d.name}\t${d._count.mailboxes} mailboxes`);
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
    }
    return 0;
  });
}
