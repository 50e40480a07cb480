// A fixture and a client already logged in as alice, for the transcripts
// that start in the authenticated state.
import { expect } from "vitest";
import type { FixtureFactory, ImapFixture } from "./imap-fixture.ts";
import { USERS } from "./imap-fixture.ts";
import { TranscriptClient } from "./transcript-client.ts";

export async function loggedIn(
  fixture: ImapFixture,
  user: { email: string; password: string } = USERS.alice,
): Promise<TranscriptClient> {
  const client = await TranscriptClient.connect(fixture.port);
  await client.readLine();
  const reply = await client.command(`L1 LOGIN ${user.email} ${user.password}`);
  expect(reply.at(-1)).toMatch(/^L1 OK /);
  return client;
}

export async function withFixture(factory: FixtureFactory): Promise<ImapFixture> {
  return factory();
}
