// Helpers for interop tests with Debian's mail fetchers (fetchmail,
// getmail6): where their binaries are, a delivery script that stores each
// message in its own file, and the messages they stored.
import { execFileSync } from "node:child_process";
import { chmod, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { scratchDir } from "../../../support/yubin-process.ts";

/** The binary's path, or null when it is not installed (the test then says how to install it). */
export function findBinary(name: string): string | null {
  try {
    return execFileSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).trim() || null;
  } catch {
    return null;
  }
}

export interface DeliveryDirectory {
  dir: string;
  /** A script that writes its stdin to a new file in `dir` (an MDA for fetchmail and getmail). */
  script: string;
  /** The messages delivered so far, sorted so that runs compare independently of arrival order. */
  messages(): Promise<Buffer[]>;
}

export async function deliveryDirectory(): Promise<DeliveryDirectory> {
  const base = scratchDir("yubin-pop3-mda-");
  const dir = path.join(base, "messages");
  const script = path.join(base, "deliver.sh");
  await writeFile(script, `#!/bin/sh\nmkdir -p '${dir}'\nexec cat > "$(mktemp '${dir}/msg.XXXXXX')"\n`);
  await chmod(script, 0o755);
  return {
    dir,
    script,
    async messages() {
      const names = await readdir(dir).catch(() => []);
      const contents = await Promise.all(names.map((name) => readFile(path.join(dir, name))));
      return contents.sort(Buffer.compare);
    },
  };
}

/** fetchmail and getmail hand messages to an MDA with LF line endings (Unix convention). */
export function withLf(raw: Buffer): Buffer {
  return Buffer.from(raw.toString("latin1").replaceAll("\r\n", "\n"), "latin1");
}
