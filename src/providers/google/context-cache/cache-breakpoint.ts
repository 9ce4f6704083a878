import type { CacheControl } from "../../../calls/call-options.ts";
import type { GeminiContent, GeminiPart } from "../gemini-api-types.ts";

/**
 * Where the prompt prefix to cache ends, in Gemini terms: every turn before
 * `turn`, plus the first `part` parts of turn `turn`. `{turn: 0, part: 0}`
 * is a breakpoint in the system message: only systemInstruction and tools.
 * Only the last breakpoint counts (as on OpenRouter, reference B.5).
 */
export interface CacheBreakpoint {
  turn: number;
  part: number;
  ttlSeconds: number;
}

/** Converted parts whose OpenAI content part carried cache_control. */
export type CacheMarks = Map<GeminiPart, CacheControl>;

/** The last marked part that survived conversion (empty text parts are dropped). */
export function locateBreakpoint(
  system: readonly GeminiPart[],
  contents: readonly GeminiContent[],
  marks: CacheMarks,
): CacheBreakpoint | undefined {
  if (marks.size === 0) return undefined;
  for (let turn = contents.length - 1; turn >= 0; turn--) {
    const parts = contents[turn]!.parts;
    for (let part = parts.length - 1; part >= 0; part--) {
      const control = marks.get(parts[part]!);
      if (control) return { turn, part: part + 1, ttlSeconds: ttlSeconds(control.ttl) };
    }
  }
  // systemInstruction precedes every turn, so it only matters when no turn is marked.
  const control = system.findLast((part) => marks.has(part));
  return control && { turn: 0, part: 0, ttlSeconds: ttlSeconds(marks.get(control)!.ttl) };
}

/** Anthropic's and OpenRouter's default breakpoint lifetime, "5m". */
const DEFAULT_TTL_SECONDS = 300;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600 };

/** "5m", "1h" (the documented values) or any "<n>s|m|h"; anything else gets the default. */
export function ttlSeconds(ttl: string | undefined): number {
  const match = /^(\d+)([smh])$/.exec(ttl ?? "");
  const seconds = match ? Number(match[1]) * UNIT_SECONDS[match[2]!]! : 0;
  return seconds > 0 ? seconds : DEFAULT_TTL_SECONDS;
}
