// CPU accounting from /proc for benchmarks: machine-wide busy time and the
// CPU seconds of given process trees, sampled before and after a run.
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export function machineInfo(): { cpus: number; model: string; memoryGiB: number; node: string; kernel: string } {
  return {
    cpus: os.cpus().length,
    model: os.cpus()[0]?.model.trim() ?? "unknown",
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    kernel: `${os.type()} ${os.release()}`,
  };
}

/** Jiffies of the whole machine: busy and total. */
export function machineTicks(): { busy: number; total: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0] as string;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.reduce((a, b) => a + b, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0); // idle + iowait
  return { busy: total - idle, total };
}

/** Busy share of all CPUs between two samples, 0..1 (of nproc CPUs). */
export function busyShare(a: { busy: number; total: number }, b: { busy: number; total: number }): number {
  return b.total === a.total ? 0 : (b.busy - a.busy) / (b.total - a.total);
}

function stat(pid: number): { ppid: number; ticks: number; children: number } | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
    // utime + stime, and cutime + cstime (children that exited and were waited for)
    return { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]), children: Number(f[13]) + Number(f[14]) };
  } catch {
    return null;
  }
}

/** The process and all its descendants that are alive now. */
export function descendants(roots: number[]): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const s = stat(Number(entry));
    if (!s) continue;
    const list = children.get(s.ppid) ?? [];
    list.push(Number(entry));
    children.set(s.ppid, list);
  }
  const out = [...roots];
  for (let i = 0; i < out.length; i++) out.push(...(children.get(out[i] as number) ?? []));
  return out;
}

/**
 * CPU ticks by pid for the given pids; with `reaped`, including the children
 * each has waited for (Postfix and Dovecot start and end worker processes).
 */
export function cpuSample(pids: number[], reaped = false): Map<number, number> {
  const m = new Map<number, number>();
  for (const pid of pids) {
    const s = stat(pid);
    if (s) m.set(pid, s.ticks + (reaped ? s.children : 0));
  }
  return m;
}

/** CPU seconds used between two samples (a process that started in between counts from 0). */
export function cpuSeconds(before: Map<number, number>, after: Map<number, number>): number {
  let ticks = 0;
  for (const [pid, t] of after) ticks += t - (before.get(pid) ?? 0);
  return ticks / TICKS_PER_SECOND;
}

/**
 * What a process of a Yubin instance is, for splitting its CPU: PostgreSQL
 * names its processes in their command line ("postgres: walwriter", "postgres:
 * autovacuum worker", a backend "postgres: user db 127.0.0.1(…) idle").
 */
export function processRole(pid: number): "node" | "pg backend" | "pg autovacuum" | "pg background" {
  let cmdline = "";
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, "latin1").replaceAll("\0", " ");
  } catch {
    return "node";
  }
  // The postmaster keeps its path; its children are renamed "postgres: …".
  if (/\/bin\/postgres /.test(cmdline)) return "pg background";
  if (!cmdline.startsWith("postgres")) return "node";
  if (/autovacuum/.test(cmdline)) return "pg autovacuum";
  if (/checkpointer|walwriter|background writer|logical replication|io worker|startup/.test(cmdline))
    return "pg background";
  return "pg backend";
}

/** CPU seconds between two samples, by the role of each process (processRole). */
export function cpuSecondsByRole(before: Map<number, number>, after: Map<number, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [pid, t] of after) {
    const role = processRole(pid);
    out[role] = (out[role] ?? 0) + (t - (before.get(pid) ?? 0)) / TICKS_PER_SECOND;
  }
  return out;
}
