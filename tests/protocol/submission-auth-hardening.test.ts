// Submission (RFC 6409) of a running Yubin against an attacker: AUTH guesses
// sent together over many connections meet the same limit as one after
// another, and a Sender: field may not name somebody else.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnectDb } from "../../server/db.ts";
import { makeSharedMailbox, makeUser, TEST_PASSWORD as PASSWORD } from "../support/factories.ts";
import { startMailApp } from "../support/mail-app.ts";
import { SmtpClient } from "../support/smtp-client.ts";
import { freePort, type YubinProcess } from "../support/yubin-process.ts";

let yubin: YubinProcess;
let submissionPort: number;
const plain = (user: string, pass: string) => Buffer.from(`\0${user}\0${pass}`).toString("base64");

beforeAll(async () => {
  submissionPort = await freePort();
  ({ yubin } = await startMailApp({
    admin: { email: "admin@example.com", password: "admin password 123" },
    roles: "mail",
    env: { YUBIN_SUBMISSION_PORT: String(submissionPort) },
  }));
  // First run made example.com, the admin and support@; alice works in sales@ too.
  await makeUser("alice@example.com");
  await makeUser("bob@example.com");
  await makeSharedMailbox("sales@example.com", ["alice@example.com"]);
});

afterAll(async () => {
  await yubin?.stop();
  await disconnectDb();
});

/** EHLO, STARTTLS, EHLO: ready for AUTH. */
async function secureSession(): Promise<SmtpClient> {
  const { client, greeting } = await SmtpClient.connect(submissionPort);
  expect(greeting.code).toBe(220);
  expect((await client.send("EHLO client.example.net")).code).toBe(250);
  expect((await client.startTls()).code).toBe(220);
  expect((await client.send("EHLO client.example.net")).code).toBe(250);
  return client;
}

describe("AUTH under parallel guessing", () => {
  it("checks at most five of 40 simultaneous guesses on 40 connections; the rest get 454 4.7.0", async () => {
    const clients = await Promise.all(Array.from({ length: 40 }, () => secureSession()));
    // Every connection is ready before the first guess, so the guesses really race.
    const replies = await Promise.all(
      clients.map((c, i) => c.send(`AUTH PLAIN ${plain("bob@example.com", `guess ${i}`)}`)),
    );
    await Promise.all(clients.map((c) => c.send("QUIT").catch(() => null)));
    const codes = replies.map((r) => r.code);
    expect(codes.filter((c) => c === 535)).toHaveLength(5);
    expect(codes.filter((c) => c === 454)).toHaveLength(35);
    expect(replies.find((r) => r.code === 454)?.last).toMatch(/^454 4\.7\.0 /);
    // The right password from this address waits too.
    const client = await secureSession();
    expect((await client.send(`AUTH PLAIN ${plain("bob@example.com", PASSWORD)}`)).code).toBe(454);
    await client.send("QUIT");
  }, 60_000);
});

describe("Sender: header", () => {
  async function submit(headers: string[]) {
    const client = await secureSession();
    expect((await client.send(`AUTH PLAIN ${plain("alice@example.com", PASSWORD)}`)).code).toBe(235);
    expect((await client.send("MAIL FROM:<alice@example.com>")).code).toBe(250);
    expect((await client.send("RCPT TO:<customer@example.net>")).code).toBe(250);
    expect((await client.send("DATA")).code).toBe(354);
    client.write(`${[...headers, "Subject: hello", "", "Hi.", "."].join("\r\n")}\r\n`);
    const reply = await client.reply();
    await client.send("QUIT");
    return reply;
  }

  it("refuses a Sender: naming another user with 553 5.7.1", async () => {
    const reply = await submit([
      "From: <alice@example.com>",
      "Sender: Bob <bob@example.com>",
      "To: <customer@example.net>",
    ]);
    expect(reply.last).toMatch(/^553 5\.7\.1 Sender header <bob@example\.com> is not an address you may send as/);
  });

  it("accepts a Sender: the user may send as (a shared mailbox's agent on its behalf)", async () => {
    const reply = await submit([
      "From: Example Sales <sales@example.com>",
      "Sender: <alice@example.com>",
      "To: <customer@example.net>",
    ]);
    expect(reply.code).toBe(250);
  });
});
