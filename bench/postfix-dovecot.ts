// A throw-away Postfix → Dovecot LMTP → Maildir pipeline on loopback high
// ports, as the reference for bench/smtp-load.ts. Debian's packages, our own
// config and queue under a temp dir, no chroot, nothing on port 25, and every
// process stopped again by stop().
//
//   client ─SMTP→ Postfix smtpd 127.0.0.1:P (250 once the queue file is fsynced)
//          → qmgr → lmtp client ─LMTP→ Dovecot 127.0.0.1:L → Maildir (as vmail)
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { readdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { freePort } from "../tests/support/yubin-process.ts";

export interface ReferenceAvailability {
  ok: boolean;
  postfixVersion?: string;
  dovecotVersion?: string;
  missing: string[];
}

function which(cmd: string): string | null {
  try {
    return execFileSync("sh", ["-c", `command -v ${cmd}`], { encoding: "utf8" }).trim() || null;
  } catch {
    return null;
  }
}

export function referenceAvailability(): ReferenceAvailability {
  const missing: string[] = [];
  if (!which("postfix") || !which("postconf")) missing.push("postfix");
  if (!which("dovecot")) missing.push("dovecot-core");
  if (!existsSync("/usr/lib/dovecot/lmtp")) missing.push("dovecot-lmtpd");
  if (process.getuid?.() !== 0) missing.push("(root, to run Postfix and Dovecot's master processes)");
  if (missing.length > 0) return { ok: false, missing };
  return {
    ok: true,
    missing,
    postfixVersion: execFileSync("postconf", ["-h", "mail_version"], { encoding: "utf8" }).trim(),
    dovecotVersion: execFileSync("dovecot", ["--version"], { encoding: "utf8" }).trim(),
  };
}

export const INSTALL_HINT =
  "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y postfix dovecot-core dovecot-lmtpd\n" +
  "  (then make sure the system Postfix is not left running on port 25: `postfix stop`; this benchmark runs its own instances)";

export type MailFsync = "optimized" | "always" | "never";

export interface Reference {
  smtpPort: number;
  lmtpPort: number;
  maildir: string;
  mailFsync: MailFsync;
  /** Messages delivered into the Maildir so far (files in new/ and cur/). */
  delivered(): Promise<number>;
  /** Pids of the Postfix and Dovecot processes running now. */
  pids(): number[];
  logs(): string;
  stop(): Promise<void>;
}

function ensureVmailUser(): { uid: number; gid: number } {
  const ids = () => ({
    uid: Number(execFileSync("id", ["-u", "vmail"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim()),
    gid: Number(execFileSync("id", ["-g", "vmail"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim()),
  });
  try {
    return ids();
  } catch {
    execFileSync("useradd", ["--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", "vmail"]);
    return ids();
  }
}

function childPids(parent: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === parent) out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

export function processTree(root: number): number[] {
  const all = [root];
  for (let i = 0; i < all.length; i++) all.push(...childPids(all[i] as number));
  return all.filter(isAlive);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function canConnect(port: number): Promise<boolean> {
  const net = await import("node:net");
  return new Promise((resolve) => {
    const s = net.connect({ host: "127.0.0.1", port }, () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

export async function startReference(options: { mailFsync?: MailFsync } = {}): Promise<Reference> {
  const mailFsync = options.mailFsync ?? "optimized";
  const vmail = ensureVmailUser();
  const root = mkdtempSync(path.join(os.tmpdir(), "yubin-bench-ref-"));
  chmodSync(root, 0o755); // postfix, dovecot and vmail must traverse it
  const smtpPort = await freePort();
  const lmtpPort = await freePort();

  // ---- Dovecot: LMTP only, Maildir, lmtp processes run as vmail.
  const dovecotDir = path.join(root, "dovecot");
  const maildirRoot = path.join(root, "maildir");
  mkdirSync(path.join(dovecotDir, "run"), { recursive: true, mode: 0o755 });
  mkdirSync(path.join(dovecotDir, "state"), { recursive: true, mode: 0o755 });
  mkdirSync(maildirRoot, { mode: 0o755 });
  chownSync(maildirRoot, vmail.uid, vmail.gid);
  const dovecotConf = path.join(dovecotDir, "dovecot.conf");
  writeFileSync(
    dovecotConf,
    `# generated by bench/postfix-dovecot.ts
instance_name = yubin-bench-dovecot
base_dir = ${dovecotDir}/run
state_dir = ${dovecotDir}/state
log_path = ${dovecotDir}/dovecot.log
protocols = lmtp
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
default_internal_user = dovecot
default_internal_group = dovecot
default_login_user = dovenull
first_valid_uid = ${vmail.uid}
first_valid_gid = ${vmail.gid}
mail_uid = ${vmail.uid}
mail_gid = ${vmail.gid}
mail_location = maildir:${maildirRoot}/%d/%n
mail_fsync = ${mailFsync}
passdb {
  driver = static
  args = nopassword=y
}
userdb {
  driver = static
  args = uid=${vmail.uid} gid=${vmail.gid} home=${maildirRoot}/%d/%n
}
service lmtp {
  user = vmail
  inet_listener lmtp {
    address = 127.0.0.1
    port = ${lmtpPort}
  }
}
protocol lmtp {
  postmaster_address = postmaster@example.com
}
`,
  );
  const dovecotChild = spawn("dovecot", ["-F", "-c", dovecotConf], { stdio: ["ignore", "pipe", "pipe"] });
  let dovecot: ChildProcess | null = dovecotChild;
  let dovecotOut = "";
  dovecotChild.stdout?.on("data", (d) => {
    dovecotOut += d;
  });
  dovecotChild.stderr?.on("data", (d) => {
    dovecotOut += d;
  });

  // ---- Postfix: own config dir, queue and data dir; virtual domain example.com → Dovecot LMTP.
  const postfixDir = path.join(root, "postfix");
  const confDir = path.join(postfixDir, "etc");
  mkdirSync(confDir, { recursive: true, mode: 0o755 });
  const queueDir = path.join(postfixDir, "spool");
  const dataDir = path.join(postfixDir, "data");
  const postfixLog = path.join(postfixDir, "postfix.log");
  mkdirSync(queueDir, { mode: 0o755 });
  writeFileSync(
    path.join(confDir, "main.cf"),
    `# generated by bench/postfix-dovecot.ts
compatibility_level = 3.6
queue_directory = ${queueDir}
data_directory = ${dataDir}
mail_owner = postfix
setgid_group = postdrop
myhostname = postfix-bench.localdomain
mydomain = localdomain
myorigin = $myhostname
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
relayhost =
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
virtual_mailbox_domains = example.com
virtual_mailbox_maps = static:example.com/support/
virtual_transport = lmtp:inet:127.0.0.1:${lmtpPort}
# Yubin does no PTR lookup either (smtp-server disableReverseLookup).
smtpd_peername_lookup = no
smtpd_banner = $myhostname ESMTP
biff = no
append_dot_mydomain = no
readme_directory = no
maillog_file = ${postfixLog}
maillog_file_prefixes = ${os.tmpdir()}
`,
  );
  const service = (name: string, type: string, priv: string, wakeup: string, limit: string, command: string) =>
    `${name.padEnd(16)} ${type.padEnd(10)} ${priv} - n ${wakeup} ${limit} ${command}`;
  writeFileSync(
    path.join(confDir, "master.cf"),
    [
      "# generated by bench/postfix-dovecot.ts: the Debian defaults without chroot, smtpd on a loopback high port",
      service(`127.0.0.1:${smtpPort}`, "inet", "n", "-", "-", "smtpd"),
      service("pickup", "unix", "n", "60", "1", "pickup"),
      service("cleanup", "unix", "n", "-", "0", "cleanup"),
      service("qmgr", "unix", "n", "300", "1", "qmgr"),
      service("rewrite", "unix", "-", "-", "-", "trivial-rewrite"),
      service("bounce", "unix", "-", "-", "0", "bounce"),
      service("defer", "unix", "-", "-", "0", "bounce"),
      service("trace", "unix", "-", "-", "0", "bounce"),
      service("verify", "unix", "-", "-", "1", "verify"),
      service("flush", "unix", "n", "1000?", "0", "flush"),
      service("proxymap", "unix", "-", "-", "-", "proxymap"),
      service("proxywrite", "unix", "-", "-", "1", "proxymap"),
      service("smtp", "unix", "-", "-", "-", "smtp"),
      service("relay", "unix", "-", "-", "-", "smtp"),
      service("showq", "unix", "n", "-", "-", "showq"),
      service("error", "unix", "-", "-", "-", "error"),
      service("retry", "unix", "-", "-", "-", "error"),
      service("discard", "unix", "-", "-", "-", "discard"),
      service("local", "unix", "-", "-", "-", "local"),
      service("virtual", "unix", "-", "-", "-", "virtual"),
      service("lmtp", "unix", "-", "-", "-", "lmtp"),
      service("anvil", "unix", "-", "-", "1", "anvil"),
      service("scache", "unix", "-", "-", "1", "scache"),
      service("postlog", "unix-dgram", "n", "-", "1", "postlogd"),
      "",
    ].join("\n"),
  );
  const postfix = (...args: string[]) =>
    execFileSync("postfix", ["-c", confDir, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

  const masterPid = (): number | null => {
    try {
      return Number(readFileSync(path.join(queueDir, "pid", "master.pid"), "utf8").trim()) || null;
    } catch {
      return null;
    }
  };
  let postfixStarted = false;
  let dovecotPids: number[] = [];

  const stop = async () => {
    const errors: string[] = [];
    if (postfixStarted) {
      const pid = masterPid();
      const tree = pid ? processTree(pid) : [];
      try {
        postfix("stop");
      } catch (e) {
        errors.push(`postfix stop: ${String(e)}`);
        if (pid) process.kill(pid, "SIGTERM");
      }
      await waitFor(() => tree.every((p) => !isAlive(p)), 20_000, "Postfix to stop").catch((e) => {
        for (const p of tree.filter(isAlive)) process.kill(p, "SIGKILL");
        errors.push(String(e));
      });
      postfixStarted = false;
    }
    if (dovecot) {
      const tree = dovecot.pid ? processTree(dovecot.pid) : dovecotPids;
      if (dovecot.exitCode === null) dovecot.kill("SIGTERM");
      await waitFor(() => tree.every((p) => !isAlive(p)), 20_000, "Dovecot to stop").catch((e) => {
        for (const p of tree.filter(isAlive)) process.kill(p, "SIGKILL");
        errors.push(String(e));
      });
      dovecot = null;
    }
    rmSync(root, { recursive: true, force: true });
    if (errors.length) throw new Error(errors.join("\n"));
  };

  const logs = () => {
    const read = (f: string) => (existsSync(f) ? readFileSync(f, "utf8") : "");
    return `--- dovecot\n${dovecotOut}${read(path.join(dovecotDir, "dovecot.log"))}\n--- postfix\n${read(postfixLog)}`;
  };

  try {
    for (let i = 0; i < 100 && !(await canConnect(lmtpPort)); i++) {
      if (dovecotChild.exitCode !== null) throw new Error(`dovecot exited with ${dovecotChild.exitCode}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    if (!(await canConnect(lmtpPort))) throw new Error("Dovecot LMTP did not start listening");
    dovecotPids = dovecotChild.pid ? processTree(dovecotChild.pid) : [];

    postfix("check");
    postfix("start");
    postfixStarted = true;
    for (let i = 0; i < 100 && !(await canConnect(smtpPort)); i++) await new Promise((r) => setTimeout(r, 100));
    if (!(await canConnect(smtpPort))) throw new Error("Postfix smtpd did not start listening");
  } catch (e) {
    const text = logs();
    await stop().catch(() => {});
    throw new Error(`could not start Postfix/Dovecot: ${String(e)}\n${text}`);
  }

  const maildir = path.join(maildirRoot, "example.com", "support");
  return {
    smtpPort,
    lmtpPort,
    maildir,
    mailFsync,
    delivered: async () => {
      let n = 0;
      for (const sub of ["new", "cur"]) {
        try {
          n += (await readdir(path.join(maildir, sub))).length;
        } catch {
          // not created before the first delivery
        }
      }
      return n;
    },
    pids: () => [
      ...(masterPid() ? processTree(masterPid() as number) : []),
      ...(dovecot?.pid ? processTree(dovecot.pid) : []),
    ],
    logs,
    stop,
  };
}
