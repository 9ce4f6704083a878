/**
 * Process accounting from /proc (Linux only): CPU time and memory of the
 * gateway, the fake upstream and PostgreSQL, read from outside so measuring
 * costs the measured process nothing.
 */
import { readdirSync, readFileSync } from "node:fs";

/** Clock ticks per second for /proc/<pid>/stat times (USER_HZ; 100 on every mainstream Linux). */
export const CLK_TCK = (() => {
  const out = Bun.spawnSync(["getconf", "CLK_TCK"]).stdout.toString().trim();
  return Number(out) > 0 ? Number(out) : 100;
})();

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces). */
function statFields(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    return text.slice(text.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

/**
 * CPU milliseconds used so far (user + system). With `reaped`, adds the time
 * of children already waited for (cutime + cstime): PostgreSQL backends that
 * exited during a run still count.
 */
export function cpuMs(pid: number, reaped = false): number {
  const f = statFields(pid);
  if (!f) return 0;
  // After ")": state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14).
  let ticks = Number(f[11]) + Number(f[12]);
  if (reaped) ticks += Number(f[13]) + Number(f[14]);
  return (ticks * 1000) / CLK_TCK;
}

/** Direct children of `pid` (scans /proc: this kernel has no /proc/<pid>/task/<pid>/children). */
export function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const f = statFields(Number(name));
    if (f && Number(f[1]) === pid) children.push(Number(name));
  }
  return children;
}

/** CPU ms of a process tree one level deep (a postmaster and its backends, live or reaped). */
export function treeCpuMs(pid: number): number {
  return cpuMs(pid, true) + childrenOf(pid).reduce((sum, child) => sum + cpuMs(child), 0);
}

export interface Memory {
  /** Resident set now, MB. */
  rssMb: number;
  /** Peak resident set since start (VmHWM), MB. */
  peakMb: number;
}

export function memory(pid: number): Memory | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0);
    return { rssMb: kb("VmRSS") / 1024, peakMb: kb("VmHWM") / 1024 };
  } catch {
    return undefined;
  }
}

/** Samples RSS every `everyMs` until stopped; cheap enough to run during load. */
export function sampleRss(pid: number, everyMs: number) {
  const samples: { t: number; rssMb: number }[] = [];
  const started = performance.now();
  const take = () => {
    const m = memory(pid);
    if (m) samples.push({ t: (performance.now() - started) / 1000, rssMb: m.rssMb });
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    samples,
    stop() {
      clearInterval(timer);
      take();
      return samples;
    },
  };
}

/**
 * CPU milliseconds so far of each thread of `pid`, summed by thread name
 * with trailing numbers dropped ("Bun Pool 3" → "Bun Pool"); the thread
 * whose id is the pid is "main" (the JavaScript thread). Tells the event
 * loop's own work from Bun's HTTP client thread (fetch), the garbage
 * collector's helpers and the JIT compiler's. Threads that ended are not counted.
 */
export function threadCpuMs(pid: number): Record<string, number> {
  const byName: Record<string, number> = {};
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return byName;
  }
  for (const tid of tids) {
    try {
      const text = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      const name = Number(tid) === pid ? "main" : text.slice(text.indexOf("(") + 1, text.lastIndexOf(")")).replace(/[\s#-]*\d+$/, "");
      const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
      byName[name] = (byName[name] ?? 0) + ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK;
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return byName;
}

/** `after − before` per thread name, dropping names that spent nothing. */
export function threadCpuDelta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const delta: Record<string, number> = {};
  for (const [name, ms] of Object.entries(after)) {
    const spent = ms - (before[name] ?? 0);
    if (spent > 0) delta[name] = spent;
  }
  return delta;
}
