import { expect } from "bun:test";
import { checkSupport } from "../../../src/calls/check-support.ts";
import { callOptionsFromChat } from "../../../src/calls/from-chat-request.ts";
import type { CatalogModel } from "../../../src/catalog/model.ts";
import type { ChatCompletionRequest } from "../../../src/openai/chat-request.ts";
import type { AnthropicMessagesRequest } from "../../../src/providers/anthropic/anthropic-api-types.ts";
import { anthropicChatAdapter } from "../../../src/providers/anthropic/index.ts";
import type { StreamEvent, TokenUsage } from "../../../src/providers/types.ts";
import { fixtureChunks } from "../../support/fixtures.ts";
import { createAnthropicStreamTranslator } from "../../../src/providers/anthropic/anthropic-stream-translator.ts";

/** A catalog entry as the seed has it: anthropic/<name> → upstream <name>, no tools. */
export function anthropicModel(name = "claude-sonnet-4-5", overrides: Partial<CatalogModel> = {}): CatalogModel {
  return {
    id: `anthropic/${name}`,
    provider: "anthropic",
    upstreamModel: name,
    kind: "chat",
    prices: { input: 3_000_000_000n, output: 15_000_000_000n, cacheRead: 300_000_000n, cacheWrite: 3_750_000_000n },
    supportsTools: false,
    supportsReasoning: true,
    supportsCaching: true,
    supportsStreaming: true,
    maxOutputTokens: 64000,
    enabled: true,
    ...overrides,
  };
}

/** The Anthropic body for a request on `model`, through the same checks the gateway runs before building it. */
export function anthropicBody(
  req: Omit<ChatCompletionRequest, "model"> & { model?: string },
  model = anthropicModel(),
  stream = false,
): AnthropicMessagesRequest {
  const options = callOptionsFromChat({ model: model.id, ...req, stream }, model);
  checkSupport(options, anthropicChatAdapter);
  const call = anthropicChatAdapter.buildCall(options);
  expect(call.path).toBe("/v1/messages");
  return call.body as AnthropicMessagesRequest;
}

/** Replays a .chunks.txt fixture the way the wire carries it: each line's `type` is its `event:` name. */
export function translateFixture(file: string): StreamEvent[] {
  const translator = createAnthropicStreamTranslator();
  const events = fixtureChunks("anthropic", file).flatMap((line) => translator.push(JSON.parse(line).type, line));
  return [...events, ...translator.end()];
}

export function usage(
  promptTokens: number,
  completionTokens: number,
  details: Partial<Pick<TokenUsage, "cachedTokens" | "cacheWriteTokens" | "reasoningTokens">> = {},
): TokenUsage {
  return { promptTokens, completionTokens, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, ...details };
}

/** Usage from message_delta: it counts the output streamed. */
export const usageEvent = (...args: Parameters<typeof usage>): StreamEvent => ({
  type: "usage",
  usage: usage(...args),
  outputCounted: true,
});

/** Usage from message_start: sent before any output, so it counts none of the stream's. */
export const startUsageEvent = (...args: Parameters<typeof usage>): StreamEvent => ({
  type: "usage",
  usage: usage(...args),
  outputCounted: false,
});
export const text = (t: string): StreamEvent => ({ type: "text", choice: 0, text: t });
export const reasoning = (t: string): StreamEvent => ({ type: "reasoning", choice: 0, text: t });
