import type { AnthropicCacheControl, AnthropicMessagesRequest } from "./anthropic-api-types.ts";

/** Anthropic accepts at most 4 explicit cache_control breakpoints per request. */
const MAX_BREAKPOINTS = 4;

/**
 * Keeps the last 4 breakpoints in cache-prefix order (system → messages) and
 * drops the earlier ones: a later breakpoint covers everything before it, so
 * the longest cached prefixes survive.
 */
export function limitCacheBreakpoints(body: AnthropicMessagesRequest): void {
  const marked = [...cacheableBlocks(body)].filter((block) => block.cache_control);
  for (const block of marked.slice(0, -MAX_BREAKPOINTS)) delete block.cache_control;
}

function* cacheableBlocks(body: AnthropicMessagesRequest): Generator<{ cache_control?: AnthropicCacheControl }> {
  yield* body.system ?? [];
  for (const message of body.messages) {
    for (const block of message.content) {
      if (block.type === "tool_result" && Array.isArray(block.content)) yield* block.content;
      else if ("cache_control" in block) yield block;
    }
  }
}
