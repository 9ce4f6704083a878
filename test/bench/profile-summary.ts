/**
 * Top self-time functions and files of a `bun --cpu-prof` profile (Chrome
 * .cpuprofile format), so a run answers "where does the gateway's time go"
 * without opening DevTools. Also a CLI:
 *   bun test/bench/profile-summary.ts [file-or-dir.cpuprofile]
 */
import { readdirSync, statSync } from "node:fs";
import { basename, join, relative } from "node:path";

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  file: string;
  /** Time the JavaScript thread was sampled busy, ms (samples × median interval). */
  busyMs: number;
  functions: { name: string; where: string; selfMs: number; percent: number }[];
  files: { file: string; selfMs: number; percent: number }[];
  /** The gateway's own functions (src/) with everything they call: which step of a request costs what. */
  inclusive: { name: string; where: string; totalMs: number; percent: number }[];
}

const IDLE = new Set(["(idle)", "(root)"]);

/** Where a frame lives, shortened: `src/...`, `elysia/...` (node_modules), or the native marker. */
function shortUrl(url: string): string {
  if (!url) return "(native)";
  const path = url.replace(/^file:\/\//, "");
  const nm = path.lastIndexOf("node_modules/");
  if (nm >= 0) return path.slice(nm + "node_modules/".length);
  const src = path.indexOf("/src/");
  return src >= 0 ? path.slice(src + 1) : relative(process.cwd(), path) || basename(path);
}

export function summarise(file: string, profile: CpuProfile, top = 20): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  // Bun (JavaScriptCore) takes samples only while JavaScript runs, so a
  // timeDelta that spans an idle wait would charge the wait to whatever ran
  // next. Count samples instead, each worth the typical (median) interval.
  const deltas = [...profile.timeDeltas].sort((a, b) => a - b);
  const interval = deltas[deltas.length >> 1] ?? 1000;
  const self = new Map<number, number>();
  for (const id of profile.samples) self.set(id, (self.get(id) ?? 0) + interval);

  const fns = new Map<string, { name: string; where: string; us: number }>();
  const files = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of self) {
    const frame = byId.get(id)!.callFrame;
    const name = frame.functionName || "(anonymous)";
    if (IDLE.has(name)) continue;
    busy += us;
    const where = frame.url ? `${shortUrl(frame.url)}:${frame.lineNumber + 1}` : "(native)";
    const key = `${name}@${where}`;
    const entry = fns.get(key) ?? { name, where, us: 0 };
    entry.us += us;
    fns.set(key, entry);
    const f = frame.url ? shortUrl(frame.url) : "(native)";
    files.set(f, (files.get(f) ?? 0) + us);
  }
  const pct = (us: number) => (100 * us) / Math.max(1, busy);

  // Inclusive time of src/ functions: each sample counts once per distinct function on its stack.
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inclusive = new Map<string, { name: string; where: string; us: number }>();
  for (const id of profile.samples) {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const frame = byId.get(cur)!.callFrame;
      const where = shortUrl(frame.url);
      if (!where.startsWith("src/")) continue;
      const name = frame.functionName || "(anonymous)";
      const key = `${name}@${where}:${frame.lineNumber + 1}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const entry = inclusive.get(key) ?? { name, where: `${where}:${frame.lineNumber + 1}`, us: 0 };
      entry.us += interval;
      inclusive.set(key, entry);
    }
  }
  return {
    file,
    busyMs: busy / 1000,
    functions: [...fns.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({ name: f.name, where: f.where, selfMs: f.us / 1000, percent: pct(f.us) })),
    files: [...files.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([f, us]) => ({ file: f, selfMs: us / 1000, percent: pct(us) })),
    inclusive: [...inclusive.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({ name: f.name, where: f.where, totalMs: f.us / 1000, percent: pct(f.us) })),
  };
}

/** The newest .cpuprofile in `pathOrDir` (or that file), summarised. */
export async function summariseProfile(pathOrDir: string): Promise<ProfileSummary> {
  let file = pathOrDir;
  if (statSync(pathOrDir).isDirectory()) {
    const profiles = readdirSync(pathOrDir)
      .filter((f) => f.endsWith(".cpuprofile"))
      .map((f) => join(pathOrDir, f))
      .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
    if (profiles.length === 0) throw new Error(`no .cpuprofile in ${pathOrDir} (did the gateway exit cleanly?)`);
    file = profiles[0]!;
  }
  return summarise(file, (await Bun.file(file).json()) as CpuProfile);
}

export function formatProfile(summary: ProfileSummary): string {
  const lines = [`CPU profile ${summary.file}: ${summary.busyMs.toFixed(0)} ms busy`, "", "| Self % | Self ms | Function | Where |", "|---:|---:|---|---|"];
  for (const f of summary.functions) lines.push(`| ${f.percent.toFixed(1)} | ${f.selfMs.toFixed(0)} | ${f.name} | ${f.where} |`);
  lines.push("", "| Self % | Self ms | File |", "|---:|---:|---|");
  for (const f of summary.files) lines.push(`| ${f.percent.toFixed(1)} | ${f.selfMs.toFixed(0)} | ${f.file} |`);
  lines.push("", "| Total % | Total ms | Gateway function (with callees) | Where |", "|---:|---:|---|---|");
  for (const f of summary.inclusive) lines.push(`| ${f.percent.toFixed(1)} | ${f.totalMs.toFixed(0)} | ${f.name} | ${f.where} |`);
  return lines.join("\n");
}

if (import.meta.main) {
  const target = process.argv[2] ?? join(import.meta.dir, "results/profiles");
  console.log(formatProfile(await summariseProfile(target)));
}
