// npm run bench:delivery — outbound mail end to end: N messages submitted
// (STARTTLS + AUTH, C reused connections) to `yubin start --roles
// mail,delivery` on a fresh embedded PostgreSQL, delivered by MX lookup
// (loopback DNS) to a loopback sink; messages/s = N ÷ (first submission →
// the sink holding all N). Then the same load through a Postfix relay on a
// loopback high port to the same sink, and the ratio.
// Usage: tsx bench/delivery.ts [N=5000] [CONCURRENCY=10]
import nodemailer from "nodemailer";
import { startDnsServer } from "../tests/support/dns-server.ts";
import { type SmtpSink, startSmtpSink } from "../tests/support/smtp-sink.ts";
import { freePort, startYubinProcess } from "../tests/support/yubin-process.ts";
import { postfixAvailable, startPostfixRelay } from "./delivery-postfix.ts";

const N = Number(process.argv[2] ?? 5000);
const CONCURRENCY = Number(process.argv[3] ?? 10);
const PASSWORD = "bench-password-123";

function body(i: number): string {
  return `Message ${i} of the delivery benchmark.\n${"Lorem ipsum dolor sit amet, consectetur adipiscing elit. ".repeat(60)}\n`;
}

async function push(
  label: string,
  transport: nodemailer.Transporter,
  sink: SmtpSink,
  from: string,
): Promise<{ accepted: number; acceptSeconds: number; endToEndSeconds: number }> {
  const before = sink.messages.length;
  const start = performance.now();
  let acceptedAt = 0;
  await Promise.all(
    Array.from({ length: N }, (_, i) =>
      transport.sendMail({ from, to: `user${i % 100}@sink.test`, subject: `${label} ${i}`, text: body(i) }),
    ),
  );
  acceptedAt = performance.now();
  while (sink.messages.length - before < N) {
    if (performance.now() - start > 30 * 60_000)
      throw new Error(`${label}: only ${sink.messages.length - before} of ${N} arrived`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const end = performance.now();
  transport.close();
  return { accepted: N, acceptSeconds: (acceptedAt - start) / 1000, endToEndSeconds: (end - start) / 1000 };
}

const report = (label: string, r: { acceptSeconds: number; endToEndSeconds: number }) =>
  console.log(
    `${label.padEnd(8)} accepted ${(N / r.acceptSeconds).toFixed(0).padStart(5)} msg/s   ` +
      `end to end ${(N / r.endToEndSeconds).toFixed(0).padStart(5)} msg/s   (${r.endToEndSeconds.toFixed(1)} s)`,
  );

const sinkPort = await freePort();
const sink = await startSmtpSink({ host: "127.0.0.1", port: sinkPort });
const dns = await startDnsServer({
  "sink.test": [{ type: "MX", preference: 10, exchange: "mx.sink.test" }],
  "mx.sink.test": [{ type: "A", address: "127.0.0.1" }],
});
const submissionPort = await freePort();
console.log(`bench:delivery: ${N} messages of ~3.5 KB, ${CONCURRENCY} submission connections (reused)`);
const yubin = await startYubinProcess({
  roles: "mail,delivery",
  env: {
    YUBIN_HOSTNAME: "mail.example.com",
    YUBIN_ADMIN_EMAIL: "admin@example.com",
    YUBIN_ADMIN_PASSWORD: PASSWORD,
    YUBIN_SUBMISSION_PORT: String(submissionPort),
    YUBIN_DNS_SERVERS: dns.address,
    YUBIN_SMTP_OUTBOUND_PORT: String(sinkPort),
  },
  timeoutMs: 180_000,
});
let yubinResult: Awaited<ReturnType<typeof push>>;
try {
  yubinResult = await push(
    "yubin",
    nodemailer.createTransport({
      host: "127.0.0.1",
      port: submissionPort,
      pool: true,
      maxConnections: CONCURRENCY,
      maxMessages: Number.POSITIVE_INFINITY,
      auth: { user: "admin@example.com", pass: PASSWORD },
      tls: { rejectUnauthorized: false },
    }),
    sink,
    "admin@example.com",
  );
} catch (e) {
  console.error(
    yubin
      .output()
      .split("\n")
      .filter((l) => !/ delivered: /.test(l))
      .slice(-30)
      .join("\n"),
  );
  throw e;
} finally {
  await yubin.stop();
}
report("Yubin", yubinResult);

if (!postfixAvailable()) {
  console.log("Postfix is not installed (apt-get install -y postfix); no comparison.");
} else {
  const postfix = await startPostfixRelay({ host: "127.0.0.1", port: sinkPort });
  try {
    const postfixResult = await push(
      "postfix",
      nodemailer.createTransport({
        host: "127.0.0.1",
        port: postfix.port,
        pool: true,
        maxConnections: CONCURRENCY,
        maxMessages: Number.POSITIVE_INFINITY,
        ignoreTLS: true,
      }),
      sink,
      "admin@example.com",
    );
    report("Postfix", postfixResult);
    console.log(
      `ratio Yubin/Postfix end to end: ${(postfixResult.endToEndSeconds / yubinResult.endToEndSeconds).toFixed(2)}`,
    );
  } finally {
    postfix.stop();
  }
}
await sink.close();
await dns.close();
