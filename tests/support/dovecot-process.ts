// Starting a throw-away Dovecot from a config of our own, shared by the
// connector tests (dovecot.ts) and the benchmarks' reference servers
// (bench/dovecot-imap.ts, bench/dovecot-pop3.ts): the `vmail` user that owns
// the Maildirs, and the master process in the foreground with its output
// kept, ready once every given port on 127.0.0.1 answers.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";

/** The uid and gid of `vmail`, made when missing. */
export function vmailIds(): { uid: number; gid: number } {
  const id = (flag: string) =>
    Number(execFileSync("id", [flag, "vmail"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim());
  try {
    return { uid: id("-u"), gid: id("-g") };
  } catch {
    execFileSync("useradd", ["--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", "vmail"]);
    return { uid: id("-u"), gid: id("-g") };
  }
}

function listening(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/**
 * Runs `dovecot -F -c conf` and waits (10 s at most) until every port
 * listens; `logs()` is its output and `root`/dovecot.log. Throws with the logs
 * when it exits or does not listen.
 */
export async function spawnDovecot(input: {
  conf: string;
  root: string;
  ports: readonly number[];
  /** Named in the error: "Dovecot IMAP", "Dovecot POP3". */
  what: string;
}): Promise<{ child: ChildProcess; logs: () => string }> {
  const child: ChildProcess = spawn("/usr/sbin/dovecot", ["-F", "-c", input.conf], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d) => {
    output += d;
  });
  child.stderr?.on("data", (d) => {
    output += d;
  });
  const logFile = path.join(input.root, "dovecot.log");
  const logs = () => `${output}${existsSync(logFile) ? readFileSync(logFile, "utf8") : ""}`;
  const allListening = async () => (await Promise.all(input.ports.map(listening))).every(Boolean);
  for (let i = 0; i < 100 && !(await allListening()); i++) {
    if (child.exitCode !== null) throw new Error(`dovecot exited with ${child.exitCode}:\n${logs()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!(await allListening())) throw new Error(`${input.what} did not start listening:\n${logs()}`);
  return { child, logs };
}
