import type { Subprocess } from "bun";

/**
 * Every OS process a test starts, so none outlives its test file: files stop
 * theirs in afterAll (`stopStartedProcesses`), and whatever is still running
 * when the test runner exits or is interrupted is killed then.
 */
const running = new Set<Subprocess>();

export function spawnTracked(...args: Parameters<typeof Bun.spawn>): Subprocess {
  const child = Bun.spawn(...args);
  running.add(child);
  void child.exited.then(() => running.delete(child));
  return child;
}

/** Ends every tracked process (SIGTERM, then SIGKILL after `graceMs`) and waits for them. */
export async function stopStartedProcesses(graceMs = 3_000) {
  const children = [...running];
  for (const child of children) child.kill("SIGTERM");
  const forced = setTimeout(() => children.forEach((child) => child.kill("SIGKILL")), graceMs);
  await Promise.all(children.map((child) => child.exited));
  clearTimeout(forced);
}

function killAll() {
  for (const child of running) child.kill("SIGKILL");
}
process.on("exit", killAll);
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.once(signal, () => {
    killAll();
    process.exit(128 + (signal === "SIGINT" ? 2 : signal === "SIGTERM" ? 15 : 1));
  });
}
