/**
 * The compiled gateway as a child process: build it when stale, run its CLI,
 * start `serve`, measure a cold start. The benchmark measures the binary
 * users deploy, not `bun src/main.ts`, because the bundle, minification and
 * bytecode change both start-up and steady-state speed.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { freePort } from "./ports.ts";

export const repoRoot = resolve(import.meta.dir, "../..");

/** Newest modification time under the inputs of `bun run build`. */
function newestSource(): number {
  let newest = 0;
  const visit = (path: string) => {
    const info = statSync(path);
    if (info.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
    else newest = Math.max(newest, info.mtimeMs);
  };
  for (const input of ["src", "drizzle", "package.json", "bun.lock"]) {
    if (existsSync(join(repoRoot, input))) visit(join(repoRoot, input));
  }
  return newest;
}

/** dist/opentoken, rebuilt first when missing or older than its sources. Returns the path and whether it was built. */
export function ensureBinary(binary = join(repoRoot, "dist/opentoken")): { path: string; built: boolean } {
  if (existsSync(binary) && statSync(binary).mtimeMs >= newestSource()) return { path: binary, built: false };
  const result = Bun.spawnSync(["bun", "run", "build"], { cwd: repoRoot, stdout: "pipe", stderr: "pipe" });
  if (result.exitCode !== 0) {
    throw new Error(`bun run build failed:\n${result.stderr.toString()}${result.stdout.toString()}`);
  }
  return { path: binary, built: true };
}

export function gatewayVersion(): string {
  return (JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string }).version;
}

/** Only what the gateway needs: nothing from the harness's environment leaks in (BUN_*, DATABASE_URL of a shell...). */
// The fetch limit is given up front (the value `serve` would set itself), so the process measured is the server
// and not the launcher that re-executes it (src/cli/fetch-limit.ts).
export function gatewayEnv(settings: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? "/usr/bin:/bin", HOST: "127.0.0.1", BUN_CONFIG_MAX_HTTP_REQUESTS: "16384", ...settings };
}

/**
 * How to run the gateway: `[binary]` for the compiled one, or
 * `["bun", ".../src/main.ts"]` (plus profiler flags) for the source.
 */
export type Command = string[];

/** Runs an admin command (`workspace create ...`) and returns its stdout. */
export function runCli(command: Command, args: string[], env: Record<string, string>): string {
  const cwd = mkdtempSync(join(tmpdir(), "opentoken-bench-cli-"));
  try {
    const result = Bun.spawnSync([...command, ...args], { cwd, env, stdout: "pipe", stderr: "pipe" });
    if (result.exitCode !== 0) {
      throw new Error(`opentoken ${args.join(" ")} failed (${result.exitCode}): ${result.stderr.toString()}${result.stdout.toString()}`);
    }
    return result.stdout.toString();
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

export interface GatewayProcess {
  url: string;
  pid: number;
  /** The gateway's stdout + stderr so far (for error reports). */
  log(): string;
  stop(): Promise<void>;
}

/**
 * Starts `serve` from an empty directory on a free port and waits until /health answers.
 * `args` replaces `serve` for other servers started the same way (bare-proxy.ts takes none).
 */
export async function startGateway(command: Command, env: Record<string, string>, args: string[] = ["serve"]): Promise<GatewayProcess> {
  const cwd = mkdtempSync(join(tmpdir(), "opentoken-bench-gw-"));
  const port = await freePort();
  const logPath = join(cwd, "gateway.log");
  // Output goes to a file: a pipe nobody drains could block the gateway under load.
  const child = Bun.spawn([...command, ...args], {
    cwd,
    env: { ...env, PORT: String(port) },
    stdout: Bun.file(logPath),
    stderr: Bun.file(logPath),
  });
  const url = `http://127.0.0.1:${port}`;
  const log = () => (existsSync(logPath) ? readFileSync(logPath, "utf8") : "");
  const stop = async () => {
    child.kill("SIGTERM");
    const exited = await Promise.race([child.exited.then(() => true), Bun.sleep(10_000).then(() => false)]);
    if (!exited) child.kill("SIGKILL");
    await child.exited;
    rmSync(cwd, { recursive: true, force: true });
  };
  const deadline = performance.now() + 30_000;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) break;
    if (await fetch(`${url}/health`).then((r) => r.ok, () => false)) return { url, pid: child.pid, log, stop };
    await Bun.sleep(20);
  }
  const output = log();
  await stop();
  throw new Error(`${command.join(" ")} did not become healthy:\n${output}`);
}

export interface ColdStart {
  /** Spawn to the first 200 from /health. */
  healthMs: number;
  /** Spawn to the first completed chat completion (auth, catalog, upstream, billing all on the path). */
  firstChatMs: number;
}

/**
 * One cold start against an already migrated database: spawn, poll /health
 * every 2 ms, then send one chat completion. Polling adds at most ~2 ms.
 */
export async function coldStart(
  command: Command,
  env: Record<string, string>,
  chat: { path: string; body: string; headers: Record<string, string> },
): Promise<ColdStart> {
  const cwd = mkdtempSync(join(tmpdir(), "opentoken-bench-cold-"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child = Bun.spawn([...command, "serve"], { cwd, env: { ...env, PORT: String(port) }, stdout: "ignore", stderr: "pipe" });
  try {
    let healthMs = -1;
    while (healthMs < 0) {
      if (child.exitCode !== null) throw new Error(`gateway exited during cold start: ${await new Response(child.stderr).text()}`);
      if (performance.now() - started > 30_000) throw new Error("cold start: /health never answered");
      if (await fetch(`${url}/health`).then((r) => r.ok, () => false)) healthMs = performance.now() - started;
      else await Bun.sleep(2);
    }
    const response = await fetch(url + chat.path, { method: "POST", headers: chat.headers, body: chat.body });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`cold start: first chat completion answered ${response.status}`);
    return { healthMs, firstChatMs: performance.now() - started };
  } finally {
    child.kill("SIGKILL");
    await child.exited;
    rmSync(cwd, { recursive: true, force: true });
  }
}
