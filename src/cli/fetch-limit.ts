/**
 * Bun's fetch keeps at most BUN_CONFIG_MAX_HTTP_REQUESTS (default 256)
 * requests in flight and queues the rest: a gateway would hold only 256
 * upstream calls, streams included, and make everyone else wait. Bun reads
 * the variable only at start-up, so `serve` runs itself again once with it set
 * (an operator's own value is kept).
 */
const MAX_UPSTREAM_REQUESTS = "16384";

/** Returns the exit code of the re-executed server, or undefined when this process already is it. */
export async function runWithFetchLimit(): Promise<number | undefined> {
  if (process.env.BUN_CONFIG_MAX_HTTP_REQUESTS) return undefined;
  // A compiled binary's script lives in Bun's embedded file system; from source, bun needs the script path.
  const compiled = process.argv[1]?.startsWith("/$bunfs/") ?? false;
  const command = [process.execPath, ...(compiled ? [] : process.argv.slice(1, 2)), ...process.argv.slice(2)];
  const child = Bun.spawn(command, {
    env: { ...process.env, BUN_CONFIG_MAX_HTTP_REQUESTS: MAX_UPSTREAM_REQUESTS },
    stdio: ["inherit", "inherit", "inherit"],
  });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => child.kill(signal));
  return child.exited;
}
