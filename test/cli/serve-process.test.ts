import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, startGatewayProcess } from "../support/gateway-process.ts";
import { spawnTracked, stopStartedProcesses } from "../support/processes.ts";

// `serve` as a supervisor runs it: one process on one port.
const dirs: string[] = [];
/** A database of its own for each process: DATABASE_URL when set (CI), else a fresh embedded one. */
function databaseEnv(): Record<string, string> {
  if (process.env.DATABASE_URL) return {};
  const dir = mkdtempSync(join(tmpdir(), "opentoken-serve-"));
  dirs.push(dir);
  return { OPENTOKEN_DATA_DIR: dir };
}
afterAll(async () => {
  await stopStartedProcesses();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const healthy = (url: string) =>
  fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) }).then((r) => r.ok, () => false);

test("the pid a supervisor starts is the process that serves, with the raised fetch limit; kill -9 leaves nothing serving", async () => {
  const gateway = await startGatewayProcess(databaseEnv());
  const environ = readFileSync(`/proc/${gateway.child.pid}/environ`, "utf8").split("\0");
  expect(environ).toContain("BUN_CONFIG_MAX_HTTP_REQUESTS=16384");
  gateway.child.kill("SIGKILL");
  await gateway.child.exited;
  expect(await healthy(gateway.url)).toBe(false);
}, 60_000);

test("a second gateway on a port in use fails at start with a clear message; the first keeps serving every request", async () => {
  const port = freePort();
  const first = await startGatewayProcess(databaseEnv(), port);
  const second = spawnTracked(["bun", join(import.meta.dir, "../../src/main.ts"), "serve"], {
    env: { ...process.env, ...databaseEnv(), PORT: String(port), HOST: "127.0.0.1" },
    stdout: "pipe",
    stderr: "pipe",
  });
  expect(await second.exited).toBe(1);
  expect(await new Response(second.stderr as ReadableStream).text()).toContain(`port ${port} on 127.0.0.1 is already in use`);
  const answers = await Promise.all(Array.from({ length: 20 }, () => healthy(first.url)));
  expect(answers.every(Boolean)).toBe(true);
}, 60_000);
