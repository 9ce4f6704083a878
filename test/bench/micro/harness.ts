/**
 * A tiny loop timer for the micro-benchmarks in this folder: warms the
 * function up (so the JIT has compiled it), then times `rounds` loops of
 * `iterations` calls with Bun.nanoseconds() and reports the median ns per
 * call. The result of each call is kept in a sink so the loop cannot be
 * optimised away. Single-threaded CPU only: this machine is shared, so read
 * the figures as sizes (±20%), not as precise timings.
 */
export interface MicroResult {
  name: string;
  nsPerOp: number;
  /** What the gateway does per request with it, for the report. */
  note?: string;
}

let sink: unknown;
export const keep = (value: unknown) => {
  sink = value;
};
export const sunk = () => sink;

export function time(name: string, fn: () => unknown, options: { iterations?: number; rounds?: number; note?: string } = {}): MicroResult {
  const iterations = options.iterations ?? 20_000;
  const rounds = options.rounds ?? 7;
  for (let i = 0; i < Math.max(2_000, iterations / 4); i++) sink = fn();
  const perOp: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = Bun.nanoseconds();
    for (let i = 0; i < iterations; i++) sink = fn();
    perOp.push((Bun.nanoseconds() - start) / iterations);
  }
  perOp.sort((a, b) => a - b);
  return { name, nsPerOp: perOp[rounds >> 1]!, note: options.note };
}

/** The same for async work (awaits each call in turn). */
export async function timeAsync(
  name: string,
  fn: () => Promise<unknown>,
  options: { iterations?: number; rounds?: number; note?: string } = {},
): Promise<MicroResult> {
  const iterations = options.iterations ?? 5_000;
  const rounds = options.rounds ?? 5;
  for (let i = 0; i < Math.max(500, iterations / 4); i++) sink = await fn();
  const perOp: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = Bun.nanoseconds();
    for (let i = 0; i < iterations; i++) sink = await fn();
    perOp.push((Bun.nanoseconds() - start) / iterations);
  }
  perOp.sort((a, b) => a - b);
  return { name, nsPerOp: perOp[rounds >> 1]!, note: options.note };
}

export function printResults(title: string, results: MicroResult[]): void {
  console.log(`\n${title}\n`);
  console.log("| ns/op | µs/op | What | Per request in the gateway |");
  console.log("|---:|---:|---|---|");
  for (const r of results) {
    console.log(`| ${r.nsPerOp.toFixed(0)} | ${(r.nsPerOp / 1000).toFixed(2)} | ${r.name} | ${r.note ?? ""} |`);
  }
}

/** Imports a gateway module if it is where this file expects it (src/ is being refactored); undefined otherwise. */
export async function optionalImport<T>(path: string): Promise<T | undefined> {
  try {
    return (await import(path)) as T;
  } catch (error) {
    console.error(`skipped ${path}: ${error instanceof Error ? error.message.split("\n")[0] : error}`);
    return undefined;
  }
}
