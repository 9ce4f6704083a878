import { expect } from "bun:test";
import { spawnTracked } from "../support/processes.ts";

export interface Sample {
  labels: Record<string, string>;
  value: number;
  /** The value as written. */
  raw: string;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** The samples of a text exposition by metric name (comments skipped). */
export function parseExposition(text: string): Map<string, Sample[]> {
  const metrics = new Map<string, Sample[]>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const match = LINE.exec(line);
    if (!match) throw new Error(`not an exposition line: ${line}`);
    const [, name, labelText = "", raw] = match;
    const labels = Object.fromEntries([...labelText.matchAll(LABEL)].map(([, key, value]) => [key!, JSON.parse(`"${value}"`) as string]));
    const list = metrics.get(name!) ?? [];
    list.push({ labels, value: Number(raw), raw: raw! });
    metrics.set(name!, list);
  }
  return metrics;
}

/** The value of the one sample with exactly these labels. */
export function sample(metrics: Map<string, Sample[]>, name: string, labels: Record<string, string>): number {
  const wanted = JSON.stringify(Object.entries(labels).sort());
  const found = (metrics.get(name) ?? []).filter((s) => JSON.stringify(Object.entries(s.labels).sort()) === wanted);
  expect(found.length, `${name}${JSON.stringify(labels)}`).toBe(1);
  return found[0]!.value;
}

/** `promtool check metrics` (Debian package prometheus; .ci/run installs it) on the text. */
export async function promtoolCheck(text: string): Promise<{ ok: boolean; output: string }> {
  const promtool = Bun.which("promtool");
  if (!promtool) throw new Error("promtool not found: install it (apt-get install prometheus)");
  const child = spawnTracked([promtool, "check", "metrics"], { stdin: new TextEncoder().encode(text), stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout as ReadableStream).text(),
    new Response(child.stderr as ReadableStream).text(),
    child.exited,
  ]);
  return { ok: code === 0, output: (stdout + stderr).trim() };
}
