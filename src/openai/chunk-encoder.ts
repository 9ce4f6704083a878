import type { ApiError } from "../errors.ts";
import type { StreamEvent, TokenUsage } from "../providers/types.ts";
import type { CompletionMeta } from "./build-completion.ts";
import type { ChatCompletionChunk } from "./chat-response.ts";
import { toOpenAIUsage, ZERO_USAGE } from "./usage.ts";

type Delta = ChatCompletionChunk["choices"][number]["delta"];

export const DONE_FRAME = "data: [DONE]\n\n";

/**
 * Encodes provider-neutral stream events as OpenAI `chat.completion.chunk`
 * SSE frames, one frame per event so nothing waits for a later event.
 */
export class ChunkEncoder {
  private readonly started = new Set<number>();
  /** The fixed head of every chunk, serialised once. */
  private readonly head: string;

  constructor(private readonly meta: CompletionMeta) {
    this.head = `data: {"id":${JSON.stringify(meta.id)},"object":"chat.completion.chunk","created":${meta.created},"model":${JSON.stringify(meta.model)},"choices":`;
  }

  /** The first chunk, sent as soon as the upstream accepted the request. */
  start(): string {
    this.started.add(0);
    return this.frame(0, { role: "assistant", content: "" }, null);
  }

  /** The frame for one event, or "" for events that only update state. */
  encode(event: StreamEvent): string {
    switch (event.type) {
      case "usage":
        return "";
      case "text":
        return this.frame(event.choice, { content: event.text }, null);
      case "reasoning":
        return this.frame(event.choice, { reasoning: event.text }, null);
      case "reasoning_detail":
        return this.frame(event.choice, { reasoning_details: [event.detail] }, null);
      case "tool_call_start":
        return this.frame(
          event.choice,
          { tool_calls: [{ index: event.call, id: event.id, type: "function", function: { name: event.name, arguments: "" } }] },
          null,
        );
      case "tool_call_delta":
        return this.frame(event.choice, { tool_calls: [{ index: event.call, function: { arguments: event.arguments } }] }, null);
      case "finish":
        return this.frame(event.choice, {}, event.reason);
    }
  }

  /** The usage chunk (`choices: []`) that `stream_options.include_usage` asks for. */
  usageFrame(usage: TokenUsage | undefined, costUsd?: number): string {
    const openaiUsage = toOpenAIUsage(usage ?? ZERO_USAGE, costUsd);
    return `${this.head}[],"usage":${JSON.stringify(openaiUsage)}}\n\n`;
  }

  /** A failure after the 200: one data frame holding the error envelope (errors.txt). */
  static errorFrame(error: ApiError): string {
    return `data: ${JSON.stringify(error.toEnvelope())}\n\n`;
  }

  private frame(choice: number, delta: Delta, finishReason: string | null): string {
    if (!this.started.has(choice)) {
      this.started.add(choice);
      delta = { role: "assistant", ...delta };
    }
    const choices = JSON.stringify([{ index: choice, delta, logprobs: null, finish_reason: finishReason }]);
    return `${this.head}${choices}}\n\n`;
  }
}
