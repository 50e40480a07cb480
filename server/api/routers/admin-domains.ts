// Admin → Domains: the local domains, the DNS records to publish for each, the
// DNS check and DKIM key rotation. Admin-only; each procedure calls one domain
// function, which validates and audits.
import { z } from "zod";
import { addDomain } from "../../domains/add-domain.ts";
import { checkDomain } from "../../domains/check-domain.ts";
import { removeDkimSelector, startDkimRotation } from "../../domains/dkim-rotation.ts";
import { createLookup, parseDnsServers } from "../../domains/dns-lookup.ts";
import { listDomainsWithRecords } from "../../domains/list-domains-with-records.ts";
import { loadEnv } from "../../env.ts";
import { safeText } from "../../safe-text.ts";
import { adminProcedure, router } from "../trpc.ts";

const domainName = safeText.trim().min(1, "domain name is required").max(253);
const domainInput = z.object({ name: domainName });

export const domainsRouter = router({
  list: adminProcedure.query(() => listDomainsWithRecords(loadEnv().YUBIN_HOSTNAME)),
  add: adminProcedure.input(domainInput).mutation(async ({ ctx, input }) => {
    const domain = await addDomain({ name: input.name, actorId: ctx.user.id });
    return { id: domain.id, name: domain.name };
  }),
  /** Resolves the domain's records now; a waiting DKIM key found published starts signing. */
  check: adminProcedure.input(domainInput).mutation(({ ctx, input }) => {
    const env = loadEnv();
    return checkDomain({
      domain: input.name,
      mailHostname: env.YUBIN_HOSTNAME,
      lookup: createLookup(parseDnsServers(env.YUBIN_DNS_SERVERS)),
      actorId: ctx.user.id,
    });
  }),
  /** Makes a new DKIM key to publish beside the signing one. */
  rotateDkim: adminProcedure
    .input(domainInput)
    .mutation(({ ctx, input }) => startDkimRotation({ domain: input.name, actorId: ctx.user.id })),
  /** Removes a former DKIM key from the list, or cancels a rotation not yet published. */
  removeDkimKey: adminProcedure
    .input(domainInput.extend({ selector: safeText.trim().min(1, "selector is required").max(63) }))
    .mutation(({ ctx, input }) =>
      removeDkimSelector({ domain: input.name, selector: input.selector, actorId: ctx.user.id }),
    ),
});
