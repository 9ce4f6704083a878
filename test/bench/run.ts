/**
 * `bun run bench`: the gateway's own cost, measured against the floor of
 * the same request sent straight to a fake upstream, and (non-streaming
 * load) against a bare translating proxy (bare-proxy.ts: the least a
 * translating proxy can do on this stack), with the targets stated as
 * ratios to it (targets.ts). Starts everything on loopback (PostgreSQL, the
 * fake upstream, the compiled gateway with a funded key, the bare proxy),
 * runs each phase, prints one table and writes test/bench/results/latest.json.
 *
 *   bun run bench                      default suite, about 3 minutes
 *   bun run bench --quick              shorter runs, 200 held streams (a smoke check of the harness)
 *   bun run bench --soak 600           the suite, then a 10-minute soak reporting the RSS slope
 *   bun run bench --only load,probe    a subset: cold, load, stream-load, probe, hold, soak
 *   bun run bench --cpu-prof           profile the gateway run from source (`bun --cpu-prof src/main.ts serve`)
 *                                      and the bare proxy, and print their top self-time functions
 *   bun run bench --only load --cpu-prof --connections 16
 *                                      the same, profiling the 16-connection non-streaming runs only
 *   options: --help, --seconds N (per wrk run), --streams N (held at once), --binary PATH, --no-build,
 *            --connections 1,16,64 (load levels), --warmup N (s of load on each target before a load phase, default 2),
 *            --cpu-prof-interval US (sampling period, default 1000),
 *            --source (run `bun src/main.ts` instead of the binary), --gateway-env NAME=VALUE (repeatable),
 *            --out FILE (in test/bench/results/; default latest.json, profile.json with --cpu-prof)
 */
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { availableParallelism, cpus } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { BENCH_ANTHROPIC_KEY, BENCH_GOOGLE_KEY, eventText, streamMarker, type StreamShape } from "./fake-upstream.ts";
import {
  coldStart,
  ensureBinary,
  gatewayEnv,
  gatewayVersion,
  repoRoot,
  runCli,
  startGateway,
  type ColdStart,
  type Command,
  type GatewayProcess,
} from "./gateway-process.ts";
import { summariseProfile } from "./profile-summary.ts";
import { compareLoad } from "./load.ts";
import { startPostgres, type Postgres } from "./postgres.ts";
import { memory } from "./proc.ts";
import { printTable, writeResults, type Results } from "./report.ts";
import { sampleServerTiming } from "./server-timing.ts";
import { soak } from "./soak.ts";
import { checkTargets, formatCheck } from "./targets.ts";
import { holdStreams, probeSequential } from "./streams.ts";
import { median } from "./stats.ts";
import { ensureWrk, type Target } from "./wrk.ts";

const PHASES = ["cold", "load", "stream-load", "probe", "hold", "soak"] as const;
type Phase = (typeof PHASES)[number];

const { values: args } = parseArgs({
  args: Bun.argv.slice(2),
  options: {
    quick: { type: "boolean", default: false },
    soak: { type: "string" },
    only: { type: "string" },
    seconds: { type: "string" },
    streams: { type: "string" },
    binary: { type: "string" },
    "no-build": { type: "boolean", default: false },
    source: { type: "boolean", default: false },
    "cpu-prof": { type: "boolean", default: false },
    "cpu-prof-interval": { type: "string" },
    connections: { type: "string" },
    warmup: { type: "string" },
    "gateway-env": { type: "string", multiple: true },
    out: { type: "string" },
    help: { type: "boolean", default: false },
  },
});
if (args.help) {
  // The usage is this file's header comment.
  const source = await Bun.file(import.meta.path).text();
  console.log(/\/\*\*([\s\S]*?)\*\//.exec(source)![1]!.replace(/^ \* ?/gm, "").trim());
  process.exit(0);
}

const quick = args.quick!;
const soakSeconds = args.soak ? Number(args.soak) : 0;
const wrkSeconds = Number(args.seconds ?? (quick ? 2 : 6));
const warmupSeconds = args.warmup ? Number(args.warmup) : Math.min(2, wrkSeconds);
const heldStreams = Number(args.streams ?? (quick ? 200 : 1000));
const phases = new Set<Phase>(
  args.only ? (args.only.split(",") as Phase[]) : PHASES.filter((p) => p !== "soak" || soakSeconds > 0),
);
for (const p of phases) if (!PHASES.includes(p)) throw new Error(`unknown phase ${p}; phases: ${PHASES.join(", ")}`);
if (phases.has("soak") && !(soakSeconds > 0)) throw new Error("--only soak needs --soak <seconds>");

const GOOGLE_MODEL = "google/gemini-3-flash";
const ANTHROPIC_MODEL = "anthropic/claude-haiku-4-5";
const LEVELS = args.connections ? args.connections.split(",").map(Number) : [1, 16, 64];
if (!LEVELS.every((c) => Number.isInteger(c) && c > 0)) throw new Error(`--connections wants positive integers, got ${args.connections}`);
/** Non-streaming load and streaming load: a small prompt, a small max_tokens so each credit reservation stays small. */
const PROMPT = "How many r's are in strawberry?";
const MAX_TOKENS = 64;
/** Streaming load: 8 events, unpaced (throughput of the streaming path). */
const LOAD_STREAM: StreamShape = { events: 8, paceMs: 0, firstMs: 0 };
/** Latency probe: 10 events 10 ms apart, one stream at a time. */
const PROBE_STREAM: StreamShape = { events: 10, paceMs: 10, firstMs: 0 };
const PROBE_COUNT = quick ? 10 : 30;
/** Held streams: 20 events 250 ms apart (5 s each, like a slow model). */
const HOLD_STREAM: StreamShape = { events: 20, paceMs: 250, firstMs: 0 };

const log = (line: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);

const cleanups: (() => Promise<void> | void)[] = [];
async function cleanup() {
  while (cleanups.length > 0) {
    try {
      await cleanups.pop()!();
    } catch (error) {
      console.error("cleanup:", error);
    }
  }
}
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void cleanup().then(() => process.exit(130)));
}

/** The fake upstream as its own process; prints its URL once listening. */
async function startUpstream(): Promise<{ url: string; pid: number }> {
  const child = Bun.spawn(["bun", `${import.meta.dir}/fake-upstream.ts`], { stdout: "pipe", stderr: "inherit" });
  cleanups.push(async () => {
    child.kill();
    await child.exited;
  });
  const reader = child.stdout.getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("fake upstream exited before listening");
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  return { url: JSON.parse(text.split("\n")[0]!).url, pid: child.pid };
}

/** sha256 of src/ (paths and contents): tells apart two runs of one dirty revision. */
function sourceDigest(): string {
  const hasher = new Bun.CryptoHasher("sha256");
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else hasher.update(`${path.slice(repoRoot.length)}\0`).update(readFileSync(path)).update("\0");
    }
  };
  visit(join(repoRoot, "src"));
  return hasher.digest("hex").slice(0, 12);
}

const chatBody = (model: string, shape?: StreamShape) =>
  JSON.stringify({
    model,
    messages: [{ role: "user", content: shape ? `${PROMPT} ${streamMarker(shape)}` : PROMPT }],
    max_tokens: MAX_TOKENS,
    ...(shape ? { stream: true } : {}),
  });

async function main(): Promise<Results> {
  const wrkPath = ensureWrk();
  log(`wrk: ${wrkPath}`);
  // The compiled binary unless asked for the source (profiling needs the source: bun flags and readable names).
  const fromSource = args.source || args["cpu-prof"];
  let command: Command;
  if (fromSource) {
    command = ["bun", join(repoRoot, "src/main.ts")];
    log("gateway: bun src/main.ts (source)");
  } else {
    const binary = args.binary
      ? { path: args.binary, built: false }
      : args["no-build"]
        ? { path: join(repoRoot, "dist/opentoken"), built: false }
        : (log("checking dist/opentoken is newer than its sources (building if not)..."), ensureBinary());
    command = [binary.path];
    log(`gateway binary: ${binary.path}${binary.built ? " (just built)" : ""}`);
  }
  const profileDir = join(import.meta.dir, "results/profiles");
  const profileStamp = Date.now();
  const profileFile = (name: string) => join(profileDir, `${name}-${profileStamp}.cpuprofile`);
  const profiler = (name: string) => [
    "--cpu-prof",
    `--cpu-prof-dir=${profileDir}`,
    `--cpu-prof-name=${name}-${profileStamp}.cpuprofile`,
    ...(args["cpu-prof-interval"] ? [`--cpu-prof-interval=${args["cpu-prof-interval"]}`] : []),
  ];
  const serveCommand = args["cpu-prof"] ? ["bun", ...profiler("gateway"), join(repoRoot, "src/main.ts")] : command;
  if (args["cpu-prof"]) mkdirSync(profileDir, { recursive: true });

  const pg: Postgres = await startPostgres();
  cleanups.push(() => pg.stop());
  log(`database: ${pg.label}`);
  const upstream = await startUpstream();
  log(`fake upstream: ${upstream.url} (pid ${upstream.pid})`);

  const extraEnv = Object.fromEntries(
    (args["gateway-env"] ?? []).map((pair) => {
      const at = pair.indexOf("=");
      if (at <= 0) throw new Error(`--gateway-env wants NAME=VALUE, got ${pair}`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
  const env = gatewayEnv({
    DATABASE_URL: pg.url,
    GOOGLE_BASE_URL: upstream.url,
    GOOGLE_API_KEY: BENCH_GOOGLE_KEY,
    ANTHROPIC_BASE_URL: upstream.url,
    ANTHROPIC_API_KEY: BENCH_ANTHROPIC_KEY,
    ...extraEnv,
  });

  // A funded workspace and key through the binary's own CLI, as an operator would.
  runCli(command, ["migrate"], env);
  const workspace = `bench-${Date.now().toString(36)}`;
  runCli(command, ["workspace", "create", workspace, "--credit", "1000000"], env);
  const key = runCli(command, ["key", "create", workspace, "--name", "bench"], env).split("\n")[0]!.trim();
  if (!key.startsWith("sk-")) throw new Error(`key create printed no key: ${key}`);
  log(`workspace ${workspace} funded with $1,000,000; key ${key.slice(0, 12)}…`);

  const gwHeaders = { authorization: `Bearer ${key}`, "content-type": "application/json" };
  const results: Results = {
    meta: {
      timestamp: new Date().toISOString(),
      cores: availableParallelism(),
      cpuModel: cpus()[0]?.model ?? "unknown",
      bunVersion: Bun.version,
      gatewayVersion: gatewayVersion(),
      gateway: fromSource ? `bun src/main.ts${args["cpu-prof"] ? " --cpu-prof" : ""}` : "compiled binary",
      gatewayEnv: Object.keys(extraEnv).length > 0 ? extraEnv : undefined,
      gitRevision: Bun.spawnSync(["git", "describe", "--always", "--dirty"], { cwd: repoRoot }).stdout.toString().trim(),
      sourceDigest: sourceDigest(),
      database: pg.label,
      loadGenerator: Bun.spawnSync(["wrk", "-v"]).stdout.toString().split("\n")[0]!.split(" [")[0]!.trim(),
      wrkSecondsPerRun: wrkSeconds,
      warmupSeconds,
      requests: { model: GOOGLE_MODEL, maxTokens: MAX_TOKENS, prompt: PROMPT },
    },
  };

  if (phases.has("cold")) {
    const trials: ColdStart[] = [];
    for (let i = 0; i < 3; i++) {
      trials.push(await coldStart(command, env, { path: "/v1/chat/completions", headers: gwHeaders, body: chatBody(GOOGLE_MODEL) }));
    }
    results.coldStart = {
      trials,
      healthMsMedian: median(trials.map((t) => t.healthMs)),
      firstChatMsMedian: median(trials.map((t) => t.firstChatMs)),
    };
    log(`cold start: /health ${results.coldStart.healthMsMedian.toFixed(0)} ms, first chat ${results.coldStart.firstChatMsMedian.toFixed(0)} ms (median of 3)`);
  }

  const gateway: GatewayProcess = await startGateway(serveCommand, env);
  let gatewayStopped = false;
  const stopGateway = async () => {
    if (gatewayStopped) return;
    gatewayStopped = true;
    await gateway.stop();
  };
  cleanups.push(stopGateway);
  const chatUrl = `${gateway.url}/v1/chat/completions`;

  // The bare translating proxy, for the non-streaming load only: its own process, the gateway's environment.
  let bare: GatewayProcess | undefined;
  if (phases.has("load")) {
    bare = await startGateway(["bun", ...(args["cpu-prof"] ? profiler("bare") : []), join(import.meta.dir, "bare-proxy.ts")], env, []);
    cleanups.push(() => bare!.stop());
    log(`bare proxy: ${bare.url} (pid ${bare.pid})`);
  }
  const pids = { gateway: gateway.pid, upstream: upstream.pid, postmaster: pg.postmasterPid, bare: bare?.pid };

  /**
   * Sends one request through the gateway, checks it succeeded, and returns
   * the body the gateway sent upstream: the direct request is then exactly
   * the gateway's upstream request (same bytes, same size).
   */
  async function viaGatewayThenCaptured(body: string, route: string): Promise<string> {
    const response = await fetch(chatUrl, { method: "POST", headers: gwHeaders, body });
    const text = await response.text();
    if (!response.ok) throw new Error(`gateway answered ${response.status}: ${text}\n--- gateway log ---\n${gateway.log()}`);
    if (!text.includes("strawberry") && !text.includes(eventText(0)) && !text.includes("Hello")) {
      throw new Error(`unexpected gateway reply: ${text.slice(0, 500)}`);
    }
    return await (await fetch(`${upstream.url}/__last?route=${route}`)).text();
  }
  const googleHeaders = { "x-goog-api-key": BENCH_GOOGLE_KEY, "content-type": "application/json" };
  const anthropicHeaders = { "x-api-key": BENCH_ANTHROPIC_KEY, "anthropic-version": "2023-06-01", "content-type": "application/json" };
  const geminiPath = (method: string) => `${upstream.url}/v1beta/models/gemini-3-flash:${method}`;

  const plainBody = chatBody(GOOGLE_MODEL);
  const plain = {
    direct: { url: geminiPath("generateContent"), headers: googleHeaders, bodies: [await viaGatewayThenCaptured(plainBody, "google")] },
    gateway: { url: chatUrl, headers: gwHeaders, bodies: [plainBody] },
  } satisfies Record<string, Target>;
  const streamBody = chatBody(GOOGLE_MODEL, LOAD_STREAM);
  const streamed = {
    direct: { url: geminiPath("streamGenerateContent?alt=sse"), headers: googleHeaders, bodies: [await viaGatewayThenCaptured(streamBody, "google-stream")] },
    gateway: { url: chatUrl, headers: gwHeaders, bodies: [streamBody] },
  } satisfies Record<string, Target>;
  results.memory = { idleMb: memory(gateway.pid)?.rssMb ?? Number.NaN };
  let bareTarget: Target | undefined;
  if (bare) {
    bareTarget = { url: `${bare.url}/v1/chat/completions`, headers: { "content-type": "application/json" }, bodies: [plainBody] };
    const response = await fetch(bareTarget.url, { method: "POST", headers: bareTarget.headers, body: plainBody });
    const text = await response.text();
    if (!response.ok || !text.includes("strawberry")) throw new Error(`bare proxy answered ${response.status}: ${text.slice(0, 500)}\n${bare.log()}`);
    const sent = await (await fetch(`${upstream.url}/__last?route=google`)).text();
    const gatewaySent = plain.direct.bodies[0]!;
    results.bareProxy = {
      idleMb: memory(bare.pid)?.rssMb ?? Number.NaN,
      upstreamBody: { bytes: Buffer.byteLength(sent), sameAsGateway: sent === gatewaySent },
    };
    log(`bare proxy sends ${sent}${sent === gatewaySent ? " (the same bytes as the gateway)" : `; the gateway sends ${gatewaySent}`}`);
  }

  results.serverTiming = await sampleServerTiming(chatUrl, { headers: gwHeaders, body: plainBody }, 200);
  log(`Server-Timing: ${results.serverTiming ? results.serverTiming.example : "not sent by this gateway"}`);

  if (phases.has("load")) {
    results.nonStreaming = await compareLoad("non-streaming", plain.direct, plain.gateway, LEVELS, wrkSeconds, pids, log, bareTarget, warmupSeconds);
    if (results.bareProxy) results.bareProxy.steadyUnderLoadMb = results.nonStreaming.at(-1)?.bare?.rssMb.median ?? null;
    results.targets = checkTargets(results.nonStreaming);
    for (const check of results.targets) log(`target: ${formatCheck(check)}`);
  }
  if (phases.has("stream-load")) {
    results.streamingLoad = {
      events: LOAD_STREAM.events,
      rows: await compareLoad("streaming", streamed.direct, streamed.gateway, LEVELS, wrkSeconds, pids, log, undefined, warmupSeconds),
    };
  }

  if (phases.has("probe")) {
    results.streamProbe = [];
    const probes = [
      { model: GOOGLE_MODEL, route: "google-stream", url: geminiPath("streamGenerateContent?alt=sse"), headers: googleHeaders },
      { model: ANTHROPIC_MODEL, route: "anthropic-stream", url: `${upstream.url}/v1/messages`, headers: anthropicHeaders },
    ];
    for (const probe of probes) {
      const body = chatBody(probe.model, PROBE_STREAM);
      const direct = { url: probe.url, headers: probe.headers, body: await viaGatewayThenCaptured(body, probe.route) };
      const result = await probeSequential(probe.model, direct, { url: chatUrl, headers: gwHeaders, body }, PROBE_COUNT, PROBE_STREAM.events, PROBE_STREAM.paceMs);
      results.streamProbe.push(result);
      log(
        `stream probe ${probe.model}: TTFC direct ${result.direct.ttfcMs.p50.toFixed(2)} ms, gateway ${result.gateway.ttfcMs.p50.toFixed(2)} ms; ` +
          `intact ${result.gateway.intact}/${result.gateway.streams}${result.gateway.firstError ? ` (${result.gateway.firstError})` : ""}`,
      );
    }
  }

  if (phases.has("hold")) {
    log(`holding ${heldStreams} streams of ${HOLD_STREAM.events} events ${HOLD_STREAM.paceMs} ms apart...`);
    const body = chatBody(GOOGLE_MODEL, HOLD_STREAM);
    results.heldStreams = await holdStreams({ url: chatUrl, headers: gwHeaders, body }, heldStreams, HOLD_STREAM.events, HOLD_STREAM.paceMs, gateway.pid, upstream.url);
    const h = results.heldStreams;
    log(
      `held streams: ${h.upstreamPeakStreams} of ${h.attempted} open upstream at once; ${h.intact} intact, ` +
        `${h.droppedEvents} dropped, ${h.mergedEvents} merged, ${h.sharedReads} shared a read${h.firstError ? `; first failure: ${h.firstError}` : ""}`,
    );
  }

  const steady = results.nonStreaming?.at(-1)?.rssMb.median ?? results.streamingLoad?.rows.at(-1)?.rssMb.median;
  results.memory.steadyUnderLoadMb = steady ?? null;
  results.memory.peakMb = memory(gateway.pid)?.peakMb ?? Number.NaN;

  if (phases.has("soak")) {
    log(`soak: ${soakSeconds} s of mixed load at 16 connections...`);
    results.soak = await soak({ url: chatUrl, headers: gwHeaders, bodies: [plainBody, streamBody] }, soakSeconds, gateway.pid);
    results.memory.peakMb = memory(gateway.pid)?.peakMb ?? Number.NaN;
    log(`soak: ${results.soak.requests} requests, RSS slope ${results.soak.slopeMbPerMin.toFixed(3)} MB/min`);
  }
  if (args["cpu-prof"]) {
    // The profile is written when the gateway exits (SIGTERM → graceful shutdown).
    await stopGateway();
    results.profile = await summariseProfile(profileFile("gateway"));
    if (bare) {
      await bare.stop();
      results.profileBare = await summariseProfile(profileFile("bare"));
    }
  }
  return results;
}

let exitCode = 0;
try {
  const results = await main();
  printTable(results);
  const path = await writeResults(results, args.out ?? (args["cpu-prof"] ? "profile.json" : "latest.json"));
  console.log(`\nwrote ${path}`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  exitCode = 1;
} finally {
  await cleanup();
}
process.exit(exitCode);
