import { readFileSync } from "node:fs";
import { resolve } from "node:path";

/** The recorded provider payloads (provenance in test/fixtures/README.md). */
export const fixturesDir = resolve(import.meta.dir, "../fixtures");

export function fixtureText(provider: "google" | "anthropic", file: string): string {
  return readFileSync(resolve(fixturesDir, provider, file), "utf8");
}

export function fixtureJson(provider: "google" | "anthropic", file: string): any {
  return JSON.parse(fixtureText(provider, file));
}

/** A `.chunks.txt` file: one SSE data payload per non-empty line (a `data: ` prefix is stripped). */
export function fixtureChunks(provider: "google" | "anthropic", file: string): string[] {
  return fixtureText(provider, file)
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .map((line) => (line.startsWith("data: ") ? line.slice(6) : line));
}
