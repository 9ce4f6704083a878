/**
 * Streaming measurements with the raw-socket probe: time to first chunk and
 * inter-chunk gaps (direct vs gateway, one stream at a time so the figures
 * are the gateway's latency, not queueing), and how many slow streams the
 * gateway holds at once without dropping, reordering or merging events.
 */
import { cpuMs, memory, sampleRss } from "./proc.ts";
import { checkTrace, gaps, probeStream, type StreamRequest, type StreamTrace } from "./stream-probe.ts";
import { percentile } from "./stats.ts";

export interface SideFigures {
  streams: number;
  /** Streams complete with every event once, in order, each in its own SSE frame. */
  intact: number;
  /** Content events received, and how many of them came in the same socket read as the previous one. */
  events: number;
  sharedReads: number;
  ttfcMs: { p50: number; p99: number };
  gapMs: { p50: number; p99: number };
  firstError?: string;
}

export interface ProbeResult {
  model: string;
  events: number;
  paceMs: number;
  direct: SideFigures;
  gateway: SideFigures;
  addedMs: { ttfcP50: number; ttfcP99: number; gapP50: number; gapP99: number };
}

function figures(traces: StreamTrace[], events: number, expectDone: boolean): SideFigures {
  const checks = traces.map((t) => checkTrace(t, events, expectDone));
  const ttfc = traces.filter((t) => t.times.length > 0).map((t) => t.times[0]!);
  const allGaps = traces.flatMap(gaps);
  return {
    streams: traces.length,
    intact: checks.filter((c) => c.ok).length,
    events: traces.reduce((n, t) => n + t.markers.length, 0),
    sharedReads: checks.reduce((n, c) => n + c.sharedReads, 0),
    ttfcMs: { p50: percentile(ttfc, 50), p99: percentile(ttfc, 99) },
    gapMs: { p50: percentile(allGaps, 50), p99: percentile(allGaps, 99) },
    firstError: traces.find((t, i) => !checks[i]!.ok)?.error ?? (checks.some((c) => !c.ok) ? JSON.stringify(checks.find((c) => !c.ok)) : undefined),
  };
}

/** `count` streams each way, alternating direct and gateway, after a short warm-up. */
export async function probeSequential(
  model: string,
  direct: StreamRequest,
  viaGateway: StreamRequest,
  count: number,
  events: number,
  paceMs: number,
): Promise<ProbeResult> {
  for (let i = 0; i < 3; i++) {
    await probeStream(direct);
    await probeStream(viaGateway);
  }
  const d: StreamTrace[] = [];
  const g: StreamTrace[] = [];
  for (let i = 0; i < count; i++) {
    d.push(await probeStream(direct));
    g.push(await probeStream(viaGateway));
  }
  const direct$ = figures(d, events, false);
  const gateway$ = figures(g, events, true);
  return {
    model,
    events,
    paceMs,
    direct: direct$,
    gateway: gateway$,
    addedMs: {
      ttfcP50: gateway$.ttfcMs.p50 - direct$.ttfcMs.p50,
      ttfcP99: gateway$.ttfcMs.p99 - direct$.ttfcMs.p99,
      gapP50: gateway$.gapMs.p50 - direct$.gapMs.p50,
      gapP99: gateway$.gapMs.p99 - direct$.gapMs.p99,
    },
  };
}

export interface HoldResult {
  attempted: number;
  events: number;
  paceMs: number;
  /** Streams complete with every event once, in order, each in its own SSE frame, and `[DONE]`. */
  intact: number;
  failed: number;
  droppedEvents: number;
  /** Events concatenated into another event's frame. */
  mergedEvents: number;
  outOfOrderEvents: number;
  /** Events that arrived in the same socket read as the previous event of their stream, though sent `paceMs` apart. */
  sharedReads: number;
  firstError?: string;
  /** Most streams the fake upstream had open at once: shows whether the gateway really held them concurrently. */
  upstreamPeakStreams: number;
  ttfcMs: { p50: number; p99: number };
  gapMs: { p50: number; p99: number; max: number };
  /** Wall time from the first request to the last stream's end. */
  seconds: number;
  gatewayCpuMs: number;
  rssMb: { before: number; peak: number; after: number };
}

/**
 * Opens `count` streams through the gateway, ramped in batches (a burst of
 * 1,000 SYNs would measure the listen backlog, not the gateway), and waits
 * for all of them.
 */
export async function holdStreams(
  viaGateway: StreamRequest,
  count: number,
  events: number,
  paceMs: number,
  gatewayPid: number,
  upstreamUrl: string,
): Promise<HoldResult> {
  await fetch(`${upstreamUrl}/__reset`, { method: "POST" });
  const before = memory(gatewayPid)?.rssMb ?? Number.NaN;
  const cpuBefore = cpuMs(gatewayPid);
  const sampler = sampleRss(gatewayPid, 100);
  const started = performance.now();
  const timeoutMs = events * paceMs + 60_000;
  const pending: Promise<StreamTrace>[] = [];
  for (let i = 0; i < count; i++) {
    pending.push(probeStream(viaGateway, timeoutMs));
    if (i % 50 === 49) await Bun.sleep(20);
  }
  const traces = await Promise.all(pending);
  const seconds = (performance.now() - started) / 1000;
  const gatewayCpuMs = cpuMs(gatewayPid) - cpuBefore;
  const peak = Math.max(...sampler.stop().map((s) => s.rssMb));
  const upstream = (await (await fetch(`${upstreamUrl}/__stats`)).json()) as { peakStreams: number };
  await Bun.sleep(1000);
  const after = memory(gatewayPid)?.rssMb ?? Number.NaN;

  const checks = traces.map((t) => checkTrace(t, events, true));
  const allGaps = traces.flatMap(gaps);
  const ttfc = traces.filter((t) => t.times.length > 0).map((t) => t.times[0]!);
  const failedAt = checks.findIndex((c) => !c.ok);
  return {
    attempted: count,
    events,
    paceMs,
    intact: checks.filter((c) => c.ok).length,
    failed: checks.filter((c) => !c.ok).length,
    droppedEvents: checks.reduce((s, c) => s + c.dropped, 0),
    mergedEvents: checks.reduce((s, c) => s + c.mergedFrames, 0),
    outOfOrderEvents: checks.reduce((s, c) => s + c.outOfOrder, 0),
    sharedReads: checks.reduce((s, c) => s + c.sharedReads, 0),
    firstError: failedAt < 0 ? undefined : (traces[failedAt]!.error ?? JSON.stringify(checks[failedAt])),
    upstreamPeakStreams: upstream.peakStreams,
    ttfcMs: { p50: percentile(ttfc, 50), p99: percentile(ttfc, 99) },
    gapMs: { p50: percentile(allGaps, 50), p99: percentile(allGaps, 99), max: Math.max(...allGaps) },
    seconds,
    gatewayCpuMs,
    rssMb: { before, peak, after },
  };
}
