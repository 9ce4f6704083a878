/**
 * Load generation with wrk (Debian package `wrk`): a C event loop that
 * costs far less CPU per request than any JavaScript load generator, which
 * matters on a 2-core machine where the load generator, gateway, fake
 * upstream and database all compete. One thread, N keep-alive connections
 * = concurrency N (closed loop). lua/post.lua supplies the POST bodies and
 * prints the figures as JSON.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const script = join(import.meta.dir, "lua/post.lua");

/** wrk on PATH; installs the Debian package when missing and we are root (a clean machine runs the bench in one command). */
export function ensureWrk(): string {
  const which = () => Bun.which("wrk");
  if (which()) return which()!;
  if (process.getuid?.() === 0) {
    const install = () => Bun.spawnSync(["apt-get", "install", "-y", "-q", "wrk"], { stdout: "ignore", stderr: "pipe" });
    if (install().exitCode !== 0) {
      Bun.spawnSync(["apt-get", "update", "-q"], { stdout: "ignore", stderr: "ignore" });
      install();
    }
    if (which()) return which()!;
  }
  throw new Error("wrk is not installed: apt-get install -y wrk");
}

export interface Target {
  url: string;
  headers: Record<string, string>;
  /** One body, or several sent in turn. */
  bodies: string[];
}

export interface WrkResult {
  connections: number;
  seconds: number;
  requests: number;
  rps: number;
  /** Connect/read/write errors, timeouts and non-2xx/3xx statuses, summed. */
  errors: number;
  errorDetail: Record<string, number>;
  latencyMs: { mean: number; p50: number; p90: number; p99: number; p999: number; max: number };
  /** Non-2xx statuses by code and the first such body (only with `countStatuses`). */
  statuses?: Record<string, number>;
  firstBadBody?: string;
}

const tempDir = mkdtempSync(join(tmpdir(), "opentoken-bench-wrk-"));
process.on("exit", () => rmSync(tempDir, { recursive: true, force: true }));
let files = 0;

export async function runWrk(target: Target, connections: number, seconds: number, countStatuses = false): Promise<WrkResult> {
  const paths: string[] = [];
  for (const body of target.bodies) {
    const path = join(tempDir, `body-${++files}.json`);
    await Bun.write(path, body);
    paths.push(path);
  }
  const proc = Bun.spawn(
    ["wrk", "-t1", `-c${connections}`, `-d${seconds}s`, "--timeout", "10s", "-s", script, target.url],
    {
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        BENCH_BODIES: paths.join(","),
        BENCH_HEADERS: Object.entries(target.headers).map(([k, v]) => `${k}: ${v}`).join("\n"),
        BENCH_COUNT_STATUS: countStatuses ? "1" : "0",
      },
      stdout: "pipe",
      stderr: "pipe",
    },
  );
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  const line = out.split("\n").find((l) => l.startsWith("BENCH_JSON "));
  if (code !== 0 || !line) throw new Error(`wrk failed (${code}): ${err}${out}`);
  const raw = JSON.parse(line.slice("BENCH_JSON ".length)) as {
    requests: number;
    duration_us: number;
    errors: Record<string, number>;
    latency_us: Record<string, number>;
    statuses: Record<string, number>;
    first_bad_body: string;
  };
  const ms = (us: number) => us / 1000;
  return {
    connections,
    seconds,
    requests: raw.requests,
    rps: raw.requests / (raw.duration_us / 1e6),
    errors: Object.values(raw.errors).reduce((a, b) => a + b, 0),
    errorDetail: raw.errors,
    latencyMs: {
      mean: ms(raw.latency_us.mean!),
      p50: ms(raw.latency_us.p50!),
      p90: ms(raw.latency_us.p90!),
      p99: ms(raw.latency_us.p99!),
      p999: ms(raw.latency_us.p999!),
      max: ms(raw.latency_us.max!),
    },
    ...(countStatuses ? { statuses: raw.statuses, firstBadBody: raw.first_bad_body } : {}),
  };
}
