/**
 * Soak: a long mixed load (non-streaming and streaming requests in turn, 16
 * connections) while the gateway's RSS is sampled every few seconds. A leak
 * shows as a positive slope; the first minute (or fifth of the run, if
 * shorter) is left out of the fit because heaps and pools grow to their
 * working size first.
 */
import { memory, sampleRss } from "./proc.ts";
import { slope } from "./stats.ts";
import { runWrk, type Target } from "./wrk.ts";

export interface SoakResult {
  seconds: number;
  requests: number;
  rps: number;
  errors: number;
  errorDetail: Record<string, number>;
  /** Non-2xx replies by status, and the first one's body: what the errors were. */
  statuses: Record<string, number>;
  firstBadBody: string;
  sampleEverySeconds: number;
  /** Fitted growth after warm-up, MB per minute. */
  slopeMbPerMin: number;
  rssMb: { start: number; end: number; peak: number };
  samples: { t: number; rssMb: number }[];
}

export async function soak(target: Target, seconds: number, gatewayPid: number, everySeconds = 5): Promise<SoakResult> {
  const sampler = sampleRss(gatewayPid, everySeconds * 1000);
  const run = await runWrk(target, 16, seconds, true);
  const samples = sampler.stop();
  const warmup = Math.min(60, seconds / 5);
  const fit = samples.filter((s) => s.t >= warmup).map((s) => ({ x: s.t / 60, y: s.rssMb }));
  return {
    seconds,
    requests: run.requests,
    rps: run.rps,
    errors: run.errors,
    errorDetail: run.errorDetail,
    statuses: run.statuses ?? {},
    firstBadBody: run.firstBadBody ?? "",
    sampleEverySeconds: everySeconds,
    slopeMbPerMin: slope(fit),
    rssMb: { start: samples[0]?.rssMb ?? Number.NaN, end: samples.at(-1)?.rssMb ?? Number.NaN, peak: memory(gatewayPid)?.peakMb ?? Number.NaN },
    samples,
  };
}
