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
    database: string;
    loadGenerator: string;
    wrkSecondsPerRun: number;
    requests: { model: string; maxTokens: number; prompt: string };
  };
  coldStart?: { trials: ColdStart[]; healthMsMedian: number; firstChatMsMedian: number };
  memory?: { idleMb: number; steadyUnderLoadMb?: number | null; peakMb?: number };
  serverTiming?: ServerTiming | null;
  nonStreaming?: LoadRow[];
  streamingLoad?: { events: number; rows: LoadRow[] };
  streamProbe?: ProbeResult[];
  heldStreams?: HoldResult;
  soak?: SoakResult;
  profile?: ProfileSummary;
}

const num = (value: number | null | undefined, digits = 2) =>
  value === null || value === undefined || !Number.isFinite(value) ? "–" : value.toFixed(digits);
const int = (value: number) => (Number.isFinite(value) ? Math.round(value).toLocaleString("en-US") : "–");
const signed = (value: number, digits = 2) => (Number.isFinite(value) ? `${value >= 0 ? "+" : ""}${value.toFixed(digits)}` : "–");
const pair = (a: number, b: number, digits = 2) => `${num(a, digits)} / ${num(b, digits)}`;

type Row = [string, string, string, string];

function loadRows(label: string, rows: LoadRow[]): Row[] {
  const out: Row[] = [];
  for (const r of rows) {
    out.push([
      `${label}, ${r.concurrency} conn: req/s`,
      int(r.direct.rps),
      int(r.gateway.rps),
      `${Math.round((100 * r.gateway.rps) / r.direct.rps)}% of floor` +
        (r.gateway.errors ? `; ${r.gateway.errors} errors ${JSON.stringify(r.gateway.errorDetail)}` : ""),
    ]);
    out.push([
      `${label}, ${r.concurrency} conn: latency p50 / p99 (ms)`,
      pair(r.direct.latencyMs.p50, r.direct.latencyMs.p99),
      pair(r.gateway.latencyMs.p50, r.gateway.latencyMs.p99),
      `${signed(r.addedMs.p50)} / ${signed(r.addedMs.p99)}`,
    ]);
  }
  const cpu = rows.map((r) => r.cpuMsPerRequest.gateway);
  const best = Math.min(...cpu);
  out.push([
    `${label}: gateway CPU ms per request (${rows.map((r) => r.concurrency).join(" / ")} conn)`,
    rows.map((r) => num(r.cpuMsPerRequest.upstreamDirect, 3)).join(" / ") + " (fake upstream)",
    cpu.map((c) => num(c, 3)).join(" / "),
    `≈ ${int(1000 / best)} req/s per core`,
  ]);
  if (rows.every((r) => r.cpuMsPerRequest.database !== null)) {
    out.push([
      `${label}: PostgreSQL CPU ms per request`,
      "–",
      rows.map((r) => num(r.cpuMsPerRequest.database, 3)).join(" / "),
      "",
    ]);
  }
  return out;
}

function probeRows(p: ProbeResult): Row[] {
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
  if (results.nonStreaming) rows.push(...loadRows("Non-streaming", results.nonStreaming));
  if (results.streamingLoad) rows.push(...loadRows(`Streaming (${results.streamingLoad.events} events)`, results.streamingLoad.rows));
  for (const p of results.streamProbe ?? []) rows.push(...probeRows(p));
  const h = results.heldStreams;
  if (h) {
    const shape = `${h.attempted} opened at once, ${h.events} events ${h.paceMs} ms apart`;
    rows.push([
      `Slow streams (${shape}): open upstream at the same time`,
      "–",
      `${h.upstreamPeakStreams} of ${h.attempted}`,
      h.upstreamPeakStreams < h.attempted ? "the rest waited for an upstream connection (see time to first chunk)" : "all held at once",
    ]);
    rows.push([
      "Slow streams: completed intact",
      "–",
      `${h.intact}/${h.attempted}`,
      `${h.droppedEvents} dropped, ${h.mergedEvents} merged, ${h.outOfOrderEvents} out of order, ${h.sharedReads} shared a read` +
        (h.firstError ? `; first failure: ${h.firstError.slice(0, 80)}` : ""),
    ]);
    rows.push([
      `Slow streams: time to first chunk p50 / p99, gap p99 / max (ms)`,
      "–",
      `${pair(h.ttfcMs.p50, h.ttfcMs.p99, 1)}, ${pair(h.gapMs.p99, h.gapMs.max, 1)}`,
      `${num(h.gatewayCpuMs / h.attempted, 2)} CPU ms per stream`,
    ]);
    rows.push([`Slow streams: gateway RSS before / peak / after (MB)`, "–", `${num(h.rssMb.before, 0)} / ${num(h.rssMb.peak, 0)} / ${num(h.rssMb.after, 0)}`, ""]);
  }
  const m = results.memory;
  if (m) {
    rows.push([
      "Gateway RSS idle / steady under load / peak (MB)",
      "–",
      `${num(m.idleMb, 0)} / ${num(m.steadyUnderLoadMb, 0)} / ${num(m.peakMb, 0)}`,
      "steady = median during the 64-connection run",
    ]);
  }
  const c = results.coldStart;
  if (c) {
    rows.push([
      "Cold start of the binary to /health / to first chat completion (ms)",
      "–",
      pair(c.healthMsMedian, c.firstChatMsMedian, 0),
      `median of ${c.trials.length}, migrated database`,
    ]);
  }
  if (results.serverTiming !== undefined) {
    const st = results.serverTiming;
    rows.push([
      "Server-Timing p50 (ms)",
      "–",
      st ? Object.entries(st.metrics).map(([k, v]) => `${k} ${num(v.p50, 3)}`).join(", ") : "not sent",
      st ? `e.g. \`${st.example}\`` : "",
    ]);
  }
  const s = results.soak;
  if (s) {
    rows.push([
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
    `OpenToken ${m.gatewayVersion} (${m.gitRevision}) · Bun ${m.bunVersion} · ${m.cores} cores (${m.cpuModel}) · ` +
    `${m.gateway}${m.gatewayEnv ? ` with ${Object.entries(m.gatewayEnv).map(([k, v]) => `${k}=${v}`).join(" ")}` : ""} · ${m.database} · ${m.loadGenerator}, 1 thread, ${m.wrkSecondsPerRun} s per run · ${m.requests.model}, max_tokens ${m.requests.maxTokens} · ${m.timestamp}`;
  const lines = ["| Measure | Direct to fake upstream (floor) | Through the gateway | Added by the gateway |", "|---|---|---|---|"];
  for (const row of tableRows(results)) lines.push(`| ${row.map((cell) => cell.replaceAll("|", "\\|")).join(" | ")} |`);
  return `${header}\n\n${lines.join("\n")}`;
}

export function printTable(results: Results): void {
  console.log(`\n${formatTable(results)}`);
  if (results.profile) console.log(`\n${formatProfile(results.profile)}`);
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
