import { resolve } from "node:path";
import { spawnTracked } from "./processes.ts";

const main = resolve(import.meta.dir, "../../src/main.ts");

export function freePort(): number {
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = server.port!;
  server.stop(true);
  return port;
}

/**
 * A gateway in its own OS process (`bun src/main.ts serve`, exactly as an
 * operator starts it) on the test database: for what one process cannot
 * show (several instances sharing a database, a process killed
 * mid-request). Tracked, so it never outlives the test file.
 */
export async function startGatewayProcess(env: Record<string, string>, port = freePort()) {
  const url = `http://127.0.0.1:${port}`;
  const child = spawnTracked(["bun", main, "serve"], {
    env: { ...process.env, ...env, PORT: String(port), HOST: "127.0.0.1" },
    stdout: "pipe",
    stderr: "pipe",
  });
  // By the clock: a process creating its embedded database takes seconds on a busy machine.
  const deadline = performance.now() + 30_000;
  while (performance.now() < deadline) {
    if (await fetch(`${url}/health`).then((r) => r.ok, () => false)) {
      return {
        url,
        child,
        async stop(signal: NodeJS.Signals = "SIGTERM") {
          child.kill(signal);
          await child.exited;
        },
      };
    }
    if (child.exitCode !== null) break;
    await Bun.sleep(20);
  }
  child.kill("SIGKILL");
  throw new Error(`gateway process did not start: ${await new Response(child.stderr as ReadableStream).text()}`);
}

export type GatewayProcess = Awaited<ReturnType<typeof startGatewayProcess>>;
