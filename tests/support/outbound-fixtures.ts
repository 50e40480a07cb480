// Users, domains and mailboxes for the outbound tests, made through the
// domain functions: alice (personal mailbox, member of support@), bob
// (personal mailbox only).
import { addDomain } from "../../server/domains/add-domain.ts";
import { createMailbox } from "../../server/mailboxes/create-mailbox.ts";
import { createUser } from "../../server/users/create-user.ts";

export const PASSWORD = "correct horse battery";

export async function seedOutbound() {
  const domain = await addDomain({ name: "example.com", actorId: null });
  const alice = (await createUser({ email: "alice@example.com", password: PASSWORD, actorId: null })).user;
  const bob = (await createUser({ email: "bob@example.com", password: PASSWORD, actorId: null })).user;
  const support = await createMailbox({
    address: "support@example.com",
    kind: "shared",
    displayName: "Example Support",
    memberEmails: ["alice@example.com"],
    actorId: null,
  });
  return { domain, alice, bob, support };
}
