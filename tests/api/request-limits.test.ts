// What one HTTP request may make the web process do, against a running
// Yubin: request bodies are read with a byte limit (413), tRPC batches are
// capped (400), and a huge text body is not sent whole to whoever opens it.
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "../../server/db.ts";
import { MAX_API_BODY_BYTES, MAX_DISPLAY_TEXT_CHARS, MAX_TRPC_BATCH_CALLS } from "../../server/limits.ts";
import { useTestDatabase } from "../support/database.ts";
import { deliver } from "../support/factories.ts";
import { signInOverHttp } from "../support/http-session.ts";
import { startYubinProcess, type YubinProcess } from "../support/yubin-process.ts";

const ADMIN = { email: "admin@example.com", password: "admin password 123" };
let yubin: YubinProcess;
let admin: string;

function post(path: string, body: BodyInit, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${yubin.baseUrl}${path}`, {
    method: "POST",
    headers: { cookie: admin, "content-type": "application/json", origin: yubin.baseUrl, ...headers },
    body,
    // A streamed body needs half duplex (fetch standard).
    ...({ duplex: "half" } as object),
  });
}

/**
 * The status of a POST that declares a body of `length` bytes but sends none
 * of it: the server must answer from the headers alone. (Writing a large body
 * the server refuses races its close — EPIPE on the client's write — so the
 * refusal of a declared length is checked without writing.)
 */
function postDeclaredLength(
  path: string,
  length: number,
  cookie: string,
  contentType = "application/json",
): Promise<number> {
  const url = new URL(`${yubin.baseUrl}${path}`);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    let received = "";
    socket.setEncoding("latin1");
    socket.on("data", (data: string) => {
      received += data;
      const status = /^HTTP\/1\.1 (\d{3}) /.exec(received);
      if (status) {
        socket.destroy();
        resolve(Number(status[1]));
      }
    });
    socket.on("error", reject);
    socket.on("close", () => reject(new Error(`closed without a status line: ${JSON.stringify(received)}`)));
    socket.write(
      `POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: ${contentType}\r\n` +
        `Origin: ${yubin.baseUrl}\r\n${cookie ? `Cookie: ${cookie}\r\n` : ""}Content-Length: ${length}\r\n\r\n`,
    );
  });
}

/** A body of `total` bytes streamed without Content-Length; counts what the server took before answering. */
function streamedBody(total: number, chunk = 64 * 1024): { body: ReadableStream<Uint8Array>; sent: () => number } {
  let sent = 0;
  const piece = new Uint8Array(chunk).fill(0x20);
  return {
    body: new ReadableStream({
      pull(controller) {
        if (sent >= total) return controller.close();
        sent += piece.byteLength;
        controller.enqueue(piece);
      },
    }),
    sent: () => sent,
  };
}

beforeAll(async () => {
  yubin = await startYubinProcess({
    roles: "web",
    env: {
      DATABASE_URL: await useTestDatabase(),
      YUBIN_HOSTNAME: "127.0.0.1",
      YUBIN_ADMIN_EMAIL: ADMIN.email,
      YUBIN_ADMIN_PASSWORD: ADMIN.password,
    },
  });
  admin = await signInOverHttp(yubin.baseUrl, ADMIN.email, ADMIN.password);
});

afterAll(async () => {
  await yubin?.stop();
  await disconnectDb();
});

describe("request bodies", () => {
  it("answers 413 to a 60 MB JSON body without reading it", async () => {
    const body = Buffer.alloc(60 * 1024 * 1024, 0x20);
    const response = await post("/api/trpc/admin.domains.add", body).catch((e: unknown) => e);
    if (response instanceof Response) {
      expect(response.status).toBe(413);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe("PAYLOAD_TOO_LARGE");
    } else {
      // The answer raced the client's write (EPIPE); ask again without writing the body.
      expect(await postDeclaredLength("/api/trpc/admin.domains.add", body.byteLength, admin)).toBe(413);
    }
  });

  it("stops reading a streamed body (no Content-Length) at the limit", async () => {
    const stream = streamedBody(40 * 1024 * 1024);
    const response = await post("/api/trpc/admin.domains.add", stream.body).catch((e: unknown) => e);
    // The server may answer and close before the client has finished writing.
    if (response instanceof Response) expect(response.status).toBe(413);
    expect(stream.sent()).toBeLessThan(20 * 1024 * 1024);
  });

  it("still takes an ordinary mutation", async () => {
    const response = await post("/api/trpc/admin.domains.add", JSON.stringify({ name: "example.net" }));
    expect(response.status).toBe(200);
  });

  it("allows the larger upload body only to a signed-in sender of conversations.send", async () => {
    const big = JSON.stringify({ mailboxId: 1, text: "x".repeat(MAX_API_BODY_BYTES + 1024) });
    expect(await postDeclaredLength("/api/trpc/conversations.send", Buffer.byteLength(big), "")).toBe(413);
    // Signed in, the body is read and the procedure answers (here: the input is incomplete).
    const signedIn = await post("/api/trpc/conversations.send", big);
    expect([400, 404]).toContain(signedIn.status);
  });

  it("caps the sign-in form too", async () => {
    // The length is declared and the body held back: the answer must come from the declared length alone,
    // as a client that sends the whole body can see the connection closed before it reads the 413.
    const length = Buffer.byteLength(`email=a%40b.c&password=${"p".repeat(MAX_API_BODY_BYTES + 1)}`);
    const status = await postDeclaredLength(
      "/api/auth/callback/credentials",
      length,
      "",
      "application/x-www-form-urlencoded",
    );
    expect(status).toBe(413);
  });
});

describe("tRPC batches", () => {
  const batch = (n: number) =>
    fetch(
      `${yubin.baseUrl}/api/trpc/${Array.from({ length: n }, () => "me.get").join(",")}?batch=1&input=${encodeURIComponent("{}")}`,
      { headers: { cookie: admin } },
    );

  it(`answers ${MAX_TRPC_BATCH_CALLS} calls and refuses more with 400`, async () => {
    const allowed = await batch(MAX_TRPC_BATCH_CALLS);
    expect(allowed.status).toBe(200);
    expect((await allowed.json()) as unknown[]).toHaveLength(MAX_TRPC_BATCH_CALLS);
    expect((await batch(MAX_TRPC_BATCH_CALLS + 1)).status).toBe(400);
    const huge = await batch(1500);
    expect(huge.status).toBe(400);
    expect(((await huge.json()) as { error: { message: string } }).error.message).toBe(
      `at most ${MAX_TRPC_BATCH_CALLS} calls per batch`,
    );
  });
});

describe("a huge text body", () => {
  it("shows the first part on the page and streams the rest on request", async () => {
    const support = await db().mailbox.findUniqueOrThrow({ where: { address: "support@example.com" } });
    // One line of 3 million characters (the review's was 20 MB; the limit is what matters).
    const tail = "QZXJ-END-OF-LINE";
    const text = `${"ab".repeat(1_500_000)}${tail}`;
    const raw = Buffer.from(
      [
        "From: Big Sender <big@customer.example>",
        "To: support@example.com",
        "Subject: A very long line",
        "Message-ID: <long-line@customer.example>",
        "Content-Type: text/plain; charset=utf-8",
        "",
        text,
        "",
      ].join("\r\n"),
    );
    const { conversationId, storedMessageId } = await deliver(support.id, raw);

    const page = await fetch(`${yubin.baseUrl}/conversations/${conversationId}`, { headers: { cookie: admin } });
    expect(page.status).toBe(200);
    const html = await page.text();
    // The page holds the first part (twice at most: HTML and the React payload), not 3 MB.
    expect(html.length).toBeLessThan(4 * MAX_DISPLAY_TEXT_CHARS + 200_000);
    expect(html).not.toContain(tail);
    expect(html).toContain("Show the rest");
    expect(html).toContain(`/api/messages/${storedMessageId}/text?inline=1`);

    const rest = await fetch(`${yubin.baseUrl}/api/messages/${storedMessageId}/text?inline=1`, {
      headers: { cookie: admin },
    });
    expect(rest.status).toBe(200);
    expect(rest.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(rest.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    // The stored text ends with the line's CRLF as a newline; compared as a boolean to keep 3 MB out of a failure.
    const whole = await rest.text();
    expect(whole.length).toBe(text.length + 1);
    expect(whole === `${text}\n`).toBe(true);

    // The same cut applies to the API.
    const api = await fetch(
      `${yubin.baseUrl}/api/trpc/conversations.get?input=${encodeURIComponent(JSON.stringify({ conversationId }))}`,
      { headers: { cookie: admin } },
    );
    const { result } = (await api.json()) as {
      result: { data: { messages: { textBody: string; textLength: number }[] } };
    };
    expect(result.data.messages[0]?.textBody).toHaveLength(MAX_DISPLAY_TEXT_CHARS);
    expect(result.data.messages[0]?.textLength).toBe(text.length + 1);

    // Someone signed out gets nothing.
    expect((await fetch(`${yubin.baseUrl}/api/messages/${storedMessageId}/text`)).status).toBe(404);
  }, 60_000);
});
