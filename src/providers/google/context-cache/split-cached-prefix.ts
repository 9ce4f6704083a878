import type { GeminiContent, GeminiRequest } from "../gemini-api-types.ts";
import type { CacheBreakpoint } from "./cache-breakpoint.ts";

/** What a cachedContents resource holds; these fields have the same shape as in generateContent. */
export type CachedPrefix = Pick<GeminiRequest, "systemInstruction" | "tools" | "toolConfig"> & {
  contents?: GeminiContent[];
};

/**
 * Splits a generateContent body at the breakpoint into the prefix to cache
 * and the contents still sent with every request. systemInstruction, tools
 * and toolConfig always go into the cache: the API rejects them next to
 * cachedContent (reference C.11). Contents before the breakpoint are cached
 * too, so a long document marked in a user message is not re-sent.
 *
 * A user turn may be cut in two: the cache then ends with a user turn and
 * the request starts with one, which is the documented way of using a
 * cache. A model turn or a turn of tool results is never cut (thought
 * signatures and parallel functionResponses stay with their turn, C.9 and
 * C.2): the cut moves back to that turn's start. The last turn always stays
 * in the request, which must ask something. undefined: nothing to cache.
 */
export function splitCachedPrefix(
  body: GeminiRequest,
  breakpoint: CacheBreakpoint,
): { prefix: CachedPrefix; contents: GeminiContent[] } | undefined {
  const { turn, part } = placeCut(body.contents, breakpoint);
  const cached = body.contents.slice(0, turn);
  let contents = body.contents.slice(turn);
  if (part > 0) {
    const [current, ...after] = contents as [GeminiContent, ...GeminiContent[]];
    cached.push({ role: current.role, parts: current.parts.slice(0, part) });
    contents = [{ role: current.role, parts: current.parts.slice(part) }, ...after];
  }
  const prefix: CachedPrefix = {
    ...(body.systemInstruction && { systemInstruction: body.systemInstruction }),
    ...(cached.length > 0 && { contents: cached }),
    ...(body.tools && { tools: body.tools }),
    ...(body.toolConfig && { toolConfig: body.toolConfig }),
  };
  return Object.keys(prefix).length > 0 ? { prefix, contents } : undefined;
}

function placeCut(contents: readonly GeminiContent[], breakpoint: CacheBreakpoint): { turn: number; part: number } {
  let { turn, part } = breakpoint;
  // A cut after a turn's last part is a cut before the next turn.
  if (part > 0 && part >= (contents[turn]?.parts.length ?? 0)) {
    turn += 1;
    part = 0;
  }
  if (turn >= contents.length) return { turn: contents.length - 1, part: 0 };
  if (part > 0 && !canCut(contents[turn]!)) part = 0;
  return { turn, part };
}

const canCut = (content: GeminiContent) =>
  content.role === "user" && !content.parts.some((part) => part.functionResponse !== undefined);
