/**
 * Closed-loop load, direct vs through the gateway (and, when given, through
 * the bare translating proxy of bare-proxy.ts), at several concurrency
 * levels, with the CPU each process spent per request. The runs alternate
 * at each level (direct, bare, gateway) so slow drift of this shared
 * machine (other tenants, thermal) hits every side alike.
 */
import { cpuMs, sampleRss, threadCpuDelta, threadCpuMs, treeCpuMs } from "./proc.ts";
import { median } from "./stats.ts";
import { runWrk, type Target, type WrkResult } from "./wrk.ts";

export interface Pids {
  gateway: number;
  upstream: number;
  /** Our throwaway PostgreSQL; undefined with an external DATABASE_URL. */
  postmaster: number | undefined;
  /** The bare translating proxy (bare-proxy.ts), when it runs. */
  bare?: number;
}

export interface LoadRow {
  concurrency: number;
  direct: WrkResult;
  gateway: WrkResult;
  /** Gateway minus direct latency (ms). */
  addedMs: { p50: number; p99: number };
  /** CPU ms per request: the gateway's, the fake upstream's in each run, and PostgreSQL's during the gateway run. */
  cpuMsPerRequest: {
    gateway: number;
    upstreamDirect: number;
    upstreamViaGateway: number;
    database: number | null;
    /** The bare proxy's own CPU during its run, and the fake upstream's during that run. */
    bare?: number;
    upstreamViaBare?: number;
  };
  /**
   * The proxies' CPU ms per request by thread (proc.ts threadCpuMs): "main" is the JavaScript thread,
   * "HTTP Client" Bun's fetch, "Heap Helper" the garbage collector, "JIT Worklist" the compiler...
   */
  threadCpuMsPerRequest: { gateway: Record<string, number>; bare?: Record<string, number> };
  /** Gateway RSS during its run (MB). */
  rssMb: { median: number; max: number };
  /** The same request through the bare translating proxy (the floor for a translating proxy), when measured. */
  bare?: {
    result: WrkResult;
    /** Bare proxy minus direct latency (ms). */
    addedMs: { p50: number; p99: number };
    rssMb: { median: number; max: number };
  };
}

/** CPU spent by each process while `fn` runs; `threadsOf` is the proxy whose threads are itemised. */
async function withCpu<T>(pids: Pids, threadsOf: number, fn: () => Promise<T>) {
  const before = {
    gw: cpuMs(pids.gateway),
    up: cpuMs(pids.upstream),
    db: pids.postmaster ? treeCpuMs(pids.postmaster) : 0,
    bare: pids.bare ? cpuMs(pids.bare) : 0,
    threads: threadCpuMs(threadsOf),
  };
  const result = await fn();
  return {
    result,
    gatewayMs: cpuMs(pids.gateway) - before.gw,
    upstreamMs: cpuMs(pids.upstream) - before.up,
    databaseMs: pids.postmaster ? treeCpuMs(pids.postmaster) - before.db : null,
    bareMs: pids.bare ? cpuMs(pids.bare) - before.bare : 0,
    threadsMs: threadCpuDelta(before.threads, threadCpuMs(threadsOf)),
  };
}

/** Throws when more than 0.1% of a run failed; for failed statuses, says which ones (one more short run that counts them). */
async function failIfErrors(label: string, run: WrkResult, target: Target) {
  if (run.errors > 0 && run.errors > run.requests * 0.001) {
    let detail = "";
    if (run.errorDetail.status) {
      const recount = await runWrk(target, 1, 1, true).catch(() => undefined);
      if (recount) detail = `; a 1 s rerun answered ${JSON.stringify(recount.statuses)}, e.g. ${recount.firstBadBody?.slice(0, 300)}`;
    }
    throw new Error(`${label}: ${run.errors} errors in ${run.requests} requests ${JSON.stringify(run.errorDetail)}${detail}`);
  }
}

/** Runs wrk against `target` while sampling `pid`'s RSS. */
async function withRss<T>(pid: number, fn: () => Promise<T>) {
  const sampler = sampleRss(pid, 250);
  const result = await fn();
  const rss = sampler.stop().map((s) => s.rssMb);
  return { result, rssMb: { median: median(rss), max: Math.max(...rss) } };
}

export async function compareLoad(
  label: string,
  direct: Target,
  viaGateway: Target,
  levels: number[],
  seconds: number,
  pids: Pids,
  log: (line: string) => void,
  viaBare?: Target,
  warmupSeconds = Math.min(2, seconds),
): Promise<LoadRow[]> {
  if (viaBare && !pids.bare) throw new Error("compareLoad: a bare target needs pids.bare");
  // Warm every path (JIT, connection pools, caches) before anything counts. The gateway's JIT
  // keeps compiling for a while after 2 s (its JITWorker thread shows in the by-thread row).
  await runWrk(direct, 16, warmupSeconds);
  if (viaBare) await runWrk(viaBare, 16, warmupSeconds);
  await runWrk(viaGateway, 16, warmupSeconds);

  const perRequest = (ms: number, run: WrkResult) => ms / Math.max(1, run.requests);
  const perRequestEach = (threads: Record<string, number>, run: WrkResult) =>
    Object.fromEntries(Object.entries(threads).map(([name, ms]) => [name, perRequest(ms, run)]).sort((a, b) => (b[1] as number) - (a[1] as number)));
  const rows: LoadRow[] = [];
  for (const concurrency of levels) {
    const d = await withCpu(pids, pids.gateway, () => runWrk(direct, concurrency, seconds));
    await failIfErrors(`${label} direct c=${concurrency}`, d.result, direct);
    const b = viaBare ? await withRss(pids.bare!, () => withCpu(pids, pids.bare!, () => runWrk(viaBare, concurrency, seconds))) : undefined;
    if (b) await failIfErrors(`${label} bare proxy c=${concurrency}`, b.result.result, viaBare!);
    const g = await withRss(pids.gateway, () => withCpu(pids, pids.gateway, () => runWrk(viaGateway, concurrency, seconds)));
    await failIfErrors(`${label} gateway c=${concurrency}`, g.result.result, viaGateway);
    const gw = g.result.result;
    const row: LoadRow = {
      concurrency,
      direct: d.result,
      gateway: gw,
      addedMs: {
        p50: gw.latencyMs.p50 - d.result.latencyMs.p50,
        p99: gw.latencyMs.p99 - d.result.latencyMs.p99,
      },
      cpuMsPerRequest: {
        gateway: perRequest(g.result.gatewayMs, gw),
        upstreamDirect: perRequest(d.upstreamMs, d.result),
        upstreamViaGateway: perRequest(g.result.upstreamMs, gw),
        database: g.result.databaseMs === null ? null : perRequest(g.result.databaseMs, gw),
        ...(b && {
          bare: perRequest(b.result.bareMs, b.result.result),
          upstreamViaBare: perRequest(b.result.upstreamMs, b.result.result),
        }),
      },
      threadCpuMsPerRequest: {
        gateway: perRequestEach(g.result.threadsMs, gw),
        ...(b && { bare: perRequestEach(b.result.threadsMs, b.result.result) }),
      },
      rssMb: g.rssMb,
      ...(b && {
        bare: {
          result: b.result.result,
          addedMs: {
            p50: b.result.result.latencyMs.p50 - d.result.latencyMs.p50,
            p99: b.result.result.latencyMs.p99 - d.result.latencyMs.p99,
          },
          rssMb: b.rssMb,
        },
      }),
    };
    rows.push(row);
    const bareText = row.bare
      ? `bare ${row.bare.result.rps.toFixed(0)} req/s p50 ${row.bare.result.latencyMs.p50.toFixed(2)} ms p99 ${row.bare.result.latencyMs.p99.toFixed(2)} ms, ` +
        `${row.cpuMsPerRequest.bare!.toFixed(3)} CPU ms/req | `
      : "";
    log(
      `${label} c=${concurrency}: direct ${d.result.rps.toFixed(0)} req/s p50 ${d.result.latencyMs.p50.toFixed(2)} ms | ${bareText}` +
        `gateway ${gw.rps.toFixed(0)} req/s p50 ${gw.latencyMs.p50.toFixed(2)} ms p99 ${gw.latencyMs.p99.toFixed(2)} ms, ` +
        `${row.cpuMsPerRequest.gateway.toFixed(3)} CPU ms/req`,
    );
  }
  return rows;
}
