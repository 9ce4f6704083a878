/**
 * One table (Markdown, so it pastes into the README as is) and the same
 * figures as JSON in test/bench/results/latest.json.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { ColdStart } from "./gateway-process.ts";
import type { LoadRow } from "./load.ts";
import { formatProfile, type ProfileSummary } from "./profile-summary.ts";
import type { ServerTiming } from "./server-timing.ts";
import type { SoakResult } from "./soak.ts";
import { round } from "./stats.ts";
import type { HoldResult, ProbeResult } from "./streams.ts";
import { formatValue, type TargetCheck } from "./targets.ts";

export interface Results {
  meta: {
    timestamp: string;
    cores: number;
    cpuModel: string;
    bunVersion: string;
    gatewayVersion: string;
    /** "compiled binary" or "bun src/main.ts". */
    gateway: string;
    gatewayEnv?: Record<string, string>;
    gitRevision: string;
    /** sha256 of src/ (first 12 hex digits). */
    sourceDigest?: string;
    database: string;
    loadGenerator: string;
    wrkSecondsPerRun: number;
    /** Seconds of load on each target before a load phase's measured runs. */
    warmupSeconds?: number;
    requests: { model: string; maxTokens: number; prompt: string };
  };
  coldStart?: { trials: ColdStart[]; healthMsMedian: number; firstChatMsMedian: number };
  memory?: { idleMb: number; steadyUnderLoadMb?: number | null; peakMb?: number };
  /** The bare translating proxy (bare-proxy.ts): RSS idle and during its 64-connection run (MB). */
  bareProxy?: { idleMb: number; steadyUnderLoadMb?: number | null; upstreamBody?: { bytes: number; sameAsGateway: boolean } };
  /** The targets stated against the bare proxy, from this run's non-streaming rows (targets.ts). */
  targets?: TargetCheck[];
  serverTiming?: ServerTiming | null;
  nonStreaming?: LoadRow[];
  streamingLoad?: { events: number; rows: LoadRow[] };
  streamProbe?: ProbeResult[];
  heldStreams?: HoldResult;
  soak?: SoakResult;
  profile?: ProfileSummary;
  /** With --cpu-prof: the bare proxy's profile, for comparison. */
  profileBare?: ProfileSummary;
}

const num = (value: number | null | undefined, digits = 2) =>
  value === null || value === undefined || !Number.isFinite(value) ? "–" : value.toFixed(digits);
const int = (value: number) => (Number.isFinite(value) ? Math.round(value).toLocaleString("en-US") : "–");
const signed = (value: number, digits = 2) => (Number.isFinite(value) ? `${value >= 0 ? "+" : ""}${value.toFixed(digits)}` : "–");
const pair = (a: number, b: number, digits = 2) => `${num(a, digits)} / ${num(b, digits)}`;

/** Measure, direct (fake upstream), bare translating proxy, gateway, added by the gateway. */
type Row = [string, string, string, string, string];
/** A row without a bare-proxy figure. */
const row4 = (measure: string, direct: string, gateway: string, added: string): Row => [measure, direct, "–", gateway, added];
type Row4 = [string, string, string, string];

/** The three busiest threads by name, the rest summed. */
function byThread(threads: Record<string, number>): string {
  const entries = Object.entries(threads).sort((a, b) => b[1] - a[1]);
  const shown = entries.slice(0, 3).map(([name, ms]) => `${name} ${num(ms, 3)}`);
  const rest = entries.slice(3).reduce((sum, [, ms]) => sum + ms, 0);
  return [...shown, ...(rest > 0 ? [`other ${num(rest, 3)}`] : [])].join(", ");
}

function loadRows(label: string, rows: LoadRow[]): Row[] {
  const out: Row[] = [];
  const withBare = rows.some((r) => r.bare);
  for (const r of rows) {
    const ofBare = r.bare ? `, ${Math.round((100 * r.gateway.rps) / r.bare.result.rps)}% of bare proxy` : "";
    out.push([
      `${label}, ${r.concurrency} conn: req/s`,
      int(r.direct.rps),
      r.bare ? int(r.bare.result.rps) : "–",
      int(r.gateway.rps),
      `${Math.round((100 * r.gateway.rps) / r.direct.rps)}% of floor${ofBare}` +
        (r.gateway.errors ? `; ${r.gateway.errors} errors ${JSON.stringify(r.gateway.errorDetail)}` : ""),
    ]);
    out.push([
      `${label}, ${r.concurrency} conn: latency p50 / p99 (ms)`,
      pair(r.direct.latencyMs.p50, r.direct.latencyMs.p99),
      r.bare ? `${pair(r.bare.result.latencyMs.p50, r.bare.result.latencyMs.p99)} (${signed(r.bare.addedMs.p50)} / ${signed(r.bare.addedMs.p99)})` : "–",
      pair(r.gateway.latencyMs.p50, r.gateway.latencyMs.p99),
      `${signed(r.addedMs.p50)} / ${signed(r.addedMs.p99)}`,
    ]);
  }
  const cpu = rows.map((r) => r.cpuMsPerRequest.gateway);
  const best = Math.min(...cpu);
  const levels = rows.map((r) => r.concurrency).join(" / ");
  out.push([
    `${label}: CPU ms per request of the proxy itself (${levels} conn)`,
    rows.map((r) => num(r.cpuMsPerRequest.upstreamDirect, 3)).join(" / ") + " (fake upstream)",
    withBare ? rows.map((r) => num(r.cpuMsPerRequest.bare, 3)).join(" / ") : "–",
    cpu.map((c) => num(c, 3)).join(" / "),
    `≈ ${int(1000 / best)} req/s per core` +
      (withBare ? `; ${rows.map((r) => (r.cpuMsPerRequest.bare ? `${num(r.cpuMsPerRequest.gateway / r.cpuMsPerRequest.bare, 2)}×` : "–")).join(" / ")} the bare proxy's` : ""),
  ]);
  out.push([
    `${label}: fake upstream CPU ms per request, in each run`,
    rows.map((r) => num(r.cpuMsPerRequest.upstreamDirect, 3)).join(" / "),
    withBare ? rows.map((r) => num(r.cpuMsPerRequest.upstreamViaBare, 3)).join(" / ") : "–",
    rows.map((r) => num(r.cpuMsPerRequest.upstreamViaGateway, 3)).join(" / "),
    "",
  ]);
  for (const r of rows) {
    out.push([
      `${label}, ${r.concurrency} conn: proxy CPU ms per request by thread`,
      "–",
      r.threadCpuMsPerRequest?.bare ? byThread(r.threadCpuMsPerRequest.bare) : "–",
      r.threadCpuMsPerRequest ? byThread(r.threadCpuMsPerRequest.gateway) : "–",
      "main = the JavaScript thread; HTTP Client = fetch",
    ]);
  }
  if (rows.every((r) => r.cpuMsPerRequest.database !== null)) {
    out.push(row4(`${label}: PostgreSQL CPU ms per request`, "–", rows.map((r) => num(r.cpuMsPerRequest.database, 3)).join(" / "), ""));
  }
  if (withBare) {
    out.push([
      `${label}: RSS during each run, median (MB)`,
      "–",
      rows.map((r) => num(r.bare?.rssMb.median, 0)).join(" / "),
      rows.map((r) => num(r.rssMb.median, 0)).join(" / "),
      "",
    ]);
  }
  return out;
}

function probeRows(p: ProbeResult): Row4[] {
  const shape = `${p.model}, ${p.events} events ${p.paceMs} ms apart`;
  return [
    [
      `Stream ${shape}: time to first chunk p50 / p99 (ms)`,
      pair(p.direct.ttfcMs.p50, p.direct.ttfcMs.p99),
      pair(p.gateway.ttfcMs.p50, p.gateway.ttfcMs.p99),
      `${signed(p.addedMs.ttfcP50)} / ${signed(p.addedMs.ttfcP99)}`,
    ],
    [
      `Stream ${shape}: gap between chunks p50 / p99 (ms)`,
      pair(p.direct.gapMs.p50, p.direct.gapMs.p99),
      pair(p.gateway.gapMs.p50, p.gateway.gapMs.p99),
      `${signed(p.addedMs.gapP50)} / ${signed(p.addedMs.gapP99)}`,
    ],
    [
      `Stream ${shape}: streams intact (every event once, in order, own frame)`,
      `${p.direct.intact}/${p.direct.streams}`,
      `${p.gateway.intact}/${p.gateway.streams}`,
      p.gateway.firstError ? `first failure: ${p.gateway.firstError.slice(0, 80)}` : "",
    ],
    [
      `Stream ${shape}: events that shared a socket read with the previous one`,
      `${p.direct.sharedReads} of ${p.direct.events}`,
      `${p.gateway.sharedReads} of ${p.gateway.events}`,
      "a stall of ≥ the pace somewhere; compare with direct",
    ],
  ];
}

export function tableRows(results: Results): Row[] {
  const rows: Row[] = [];
  const push4 = (row: Row4) => rows.push(row4(...row));
  if (results.nonStreaming) rows.push(...loadRows("Non-streaming", results.nonStreaming));
  if (results.streamingLoad) rows.push(...loadRows(`Streaming (${results.streamingLoad.events} events)`, results.streamingLoad.rows));
  for (const p of results.streamProbe ?? []) probeRows(p).forEach(push4);
  const h = results.heldStreams;
  if (h) {
    const shape = `${h.attempted} opened at once, ${h.events} events ${h.paceMs} ms apart`;
    push4([
      `Slow streams (${shape}): open upstream at the same time`,
      "–",
      `${h.upstreamPeakStreams} of ${h.attempted}`,
      h.upstreamPeakStreams < h.attempted ? "the rest waited for an upstream connection (see time to first chunk)" : "all held at once",
    ]);
    push4([
      "Slow streams: completed intact",
      "–",
      `${h.intact}/${h.attempted}`,
      `${h.droppedEvents} dropped, ${h.mergedEvents} merged, ${h.outOfOrderEvents} out of order, ${h.sharedReads} shared a read` +
        (h.firstError ? `; first failure: ${h.firstError.slice(0, 80)}` : ""),
    ]);
    push4([
      `Slow streams: time to first chunk p50 / p99, gap p99 / max (ms)`,
      "–",
      `${pair(h.ttfcMs.p50, h.ttfcMs.p99, 1)}, ${pair(h.gapMs.p99, h.gapMs.max, 1)}`,
      `${num(h.gatewayCpuMs / h.attempted, 2)} CPU ms per stream`,
    ]);
    push4([`Slow streams: gateway RSS before / peak / after (MB)`, "–", `${num(h.rssMb.before, 0)} / ${num(h.rssMb.peak, 0)} / ${num(h.rssMb.after, 0)}`, ""]);
  }
  const m = results.memory;
  if (m) {
    push4([
      "Gateway RSS idle / steady under load / peak (MB)",
      "–",
      `${num(m.idleMb, 0)} / ${num(m.steadyUnderLoadMb, 0)} / ${num(m.peakMb, 0)}`,
      "steady = median during the 64-connection run",
    ]);
  }
  const bp = results.bareProxy;
  if (bp) {
    rows.push([
      "Bare proxy RSS idle / steady under load (MB)",
      "–",
      `${num(bp.idleMb, 0)} / ${num(bp.steadyUnderLoadMb, 0)}`,
      "–",
      bp.upstreamBody ? `its upstream body: ${bp.upstreamBody.bytes} bytes, ${bp.upstreamBody.sameAsGateway ? "same as" : "differs from"} the gateway's` : "",
    ]);
  }
  const c = results.coldStart;
  if (c) {
    push4([
      "Cold start of the binary to /health / to first chat completion (ms)",
      "–",
      pair(c.healthMsMedian, c.firstChatMsMedian, 0),
      `median of ${c.trials.length}, migrated database`,
    ]);
  }
  if (results.serverTiming !== undefined) {
    const st = results.serverTiming;
    push4([
      "Server-Timing p50 (ms)",
      "–",
      st ? Object.entries(st.metrics).map(([k, v]) => `${k} ${num(v.p50, 3)}`).join(", ") : "not sent",
      st ? `e.g. \`${st.example}\`` : "",
    ]);
  }
  const s = results.soak;
  if (s) {
    push4([
      `Soak ${s.seconds} s, mixed load, 16 conn: RSS slope (MB/min)`,
      "–",
      num(s.slopeMbPerMin, 3),
      `${int(s.requests)} requests (${int(s.rps)} req/s), ${s.errors} errors${s.errors ? ` ${JSON.stringify(s.errorDetail)}, statuses ${JSON.stringify(s.statuses)}` : ""}; RSS ${num(s.rssMb.start, 0)} → ${num(s.rssMb.end, 0)} MB`,
    ]);
  }
  return rows;
}

export function formatTable(results: Results): string {
  const m = results.meta;
  const header =
    `OpenToken ${m.gatewayVersion} (${m.gitRevision}${m.sourceDigest ? `, src ${m.sourceDigest}` : ""}) · Bun ${m.bunVersion} · ${m.cores} cores (${m.cpuModel}) · ` +
    `${m.gateway}${m.gatewayEnv ? ` with ${Object.entries(m.gatewayEnv).map(([k, v]) => `${k}=${v}`).join(" ")}` : ""} · ${m.database} · ${m.loadGenerator}, 1 thread, ${m.wrkSecondsPerRun} s per run${m.warmupSeconds !== undefined ? ` after ${m.warmupSeconds} s of warm-up` : ""} · ${m.requests.model}, max_tokens ${m.requests.maxTokens} · ${m.timestamp}`;
  const cell = (text: string) => text.replaceAll("|", "\\|");
  const lines = [
    "| Measure | Direct to fake upstream (floor) | Bare translating proxy (added) | Through the gateway | Added by the gateway |",
    "|---|---|---|---|---|",
  ];
  for (const row of tableRows(results)) lines.push(`| ${row.map(cell).join(" | ")} |`);
  const targets = results.targets ?? [];
  if (targets.length > 0) {
    lines.push(
      "",
      "Targets against the bare translating proxy (test/bench/bare-proxy.ts), same run:",
      "",
      "| Target | Measured | Goal | Met | From |",
      "|---|---|---|---|---|",
    );
    for (const t of targets) {
      const goal = `${t.comparison === "<=" ? "≤" : "≥"} ${formatValue(t.target, t.unit)}`;
      lines.push(`| ${cell(t.label)} | ${formatValue(t.measured, t.unit)} | ${goal} | ${t.met ? "met" : "not met"} | ${cell(t.from)} |`);
    }
  }
  return `${header}\n\n${lines.join("\n")}`;
}

export function printTable(results: Results): void {
  console.log(`\n${formatTable(results)}`);
  if (results.profile) console.log(`\nGateway: ${formatProfile(results.profile)}`);
  if (results.profileBare) console.log(`\nBare proxy: ${formatProfile(results.profileBare)}`);
}

/** Writes the figures (rounded: float noise is not precision) and returns the path. */
export async function writeResults(results: Results, name = "latest.json"): Promise<string> {
  const dir = join(import.meta.dir, "results");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  const json = JSON.stringify(results, (_key, value) => (typeof value === "number" ? round(value) : value), 2);
  await Bun.write(path, `${json}\n`);
  return path;
}
