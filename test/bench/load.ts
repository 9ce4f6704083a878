/**
 * Closed-loop load, direct vs through the gateway, at several concurrency
 * levels, with the CPU each process spent per request. Direct and gateway
 * runs alternate at each level so slow drift of this shared machine (other
 * tenants, thermal) hits both sides alike.
 */
import { cpuMs, sampleRss, treeCpuMs } from "./proc.ts";
import { median } from "./stats.ts";
import { runWrk, type Target, type WrkResult } from "./wrk.ts";

export interface Pids {
  gateway: number;
  upstream: number;
  /** Our throwaway PostgreSQL; undefined with an external DATABASE_URL. */
  postmaster: number | undefined;
}

export interface LoadRow {
  concurrency: number;
  direct: WrkResult;
  gateway: WrkResult;
  /** Gateway minus direct latency (ms). */
  addedMs: { p50: number; p99: number };
  /** CPU ms per request: the gateway's, the fake upstream's in each run, and PostgreSQL's during the gateway run. */
  cpuMsPerRequest: { gateway: number; upstreamDirect: number; upstreamViaGateway: number; database: number | null };
  /** Gateway RSS during its run (MB). */
  rssMb: { median: number; max: number };
}

/** CPU spent by each process while `fn` runs. */
async function withCpu<T>(pids: Pids, fn: () => Promise<T>) {
  const before = { gw: cpuMs(pids.gateway), up: cpuMs(pids.upstream), db: pids.postmaster ? treeCpuMs(pids.postmaster) : 0 };
  const result = await fn();
  return {
    result,
    gatewayMs: cpuMs(pids.gateway) - before.gw,
    upstreamMs: cpuMs(pids.upstream) - before.up,
    databaseMs: pids.postmaster ? treeCpuMs(pids.postmaster) - before.db : null,
  };
}

function failIfErrors(label: string, run: WrkResult) {
  if (run.errors > 0 && run.errors > run.requests * 0.001) {
    throw new Error(`${label}: ${run.errors} errors in ${run.requests} requests ${JSON.stringify(run.errorDetail)}`);
  }
}

export async function compareLoad(
  label: string,
  direct: Target,
  viaGateway: Target,
  levels: number[],
  seconds: number,
  pids: Pids,
  log: (line: string) => void,
): Promise<LoadRow[]> {
  // Warm both paths (JIT, connection pools, caches) before anything counts.
  await runWrk(direct, 16, Math.min(2, seconds));
  await runWrk(viaGateway, 16, Math.min(2, seconds));

  const rows: LoadRow[] = [];
  for (const concurrency of levels) {
    const d = await withCpu(pids, () => runWrk(direct, concurrency, seconds));
    failIfErrors(`${label} direct c=${concurrency}`, d.result);
    const sampler = sampleRss(pids.gateway, 250);
    const g = await withCpu(pids, () => runWrk(viaGateway, concurrency, seconds));
    const rss = sampler.stop().map((s) => s.rssMb);
    failIfErrors(`${label} gateway c=${concurrency}`, g.result);
    const perRequest = (ms: number, run: WrkResult) => ms / Math.max(1, run.requests);
    const row: LoadRow = {
      concurrency,
      direct: d.result,
      gateway: g.result,
      addedMs: {
        p50: g.result.latencyMs.p50 - d.result.latencyMs.p50,
        p99: g.result.latencyMs.p99 - d.result.latencyMs.p99,
      },
      cpuMsPerRequest: {
        gateway: perRequest(g.gatewayMs, g.result),
        upstreamDirect: perRequest(d.upstreamMs, d.result),
        upstreamViaGateway: perRequest(g.upstreamMs, g.result),
        database: g.databaseMs === null ? null : perRequest(g.databaseMs, g.result),
      },
      rssMb: { median: median(rss), max: Math.max(...rss) },
    };
    rows.push(row);
    log(
      `${label} c=${concurrency}: direct ${d.result.rps.toFixed(0)} req/s p50 ${d.result.latencyMs.p50.toFixed(2)} ms | ` +
        `gateway ${g.result.rps.toFixed(0)} req/s p50 ${g.result.latencyMs.p50.toFixed(2)} ms p99 ${g.result.latencyMs.p99.toFixed(2)} ms, ` +
        `${row.cpuMsPerRequest.gateway.toFixed(3)} CPU ms/req`,
    );
  }
  return rows;
}
