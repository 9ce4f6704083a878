import { requestIdSuffix } from "../http/request-id.ts";
import type { ChatResult } from "../providers/types.ts";
import type { ChatCompletion } from "./chat-response.ts";
import { toOpenAIUsage } from "./usage.ts";

/** Identity shared by a completion and all chunks of its stream. */
export interface CompletionMeta {
  id: string;
  created: number;
  /** The catalog id the client asked for, not the upstream name. */
  model: string;
}

/** The completion id shares the request id's random part: one id to find both by, one fewer to make. */
export const newCompletionMeta = (model: string, requestId: string): CompletionMeta => ({
  id: `chatcmpl-${requestIdSuffix(requestId)}`,
  created: Math.floor(Date.now() / 1000),
  model,
});

/** A provider-neutral result as an OpenAI `chat.completion`. */
export function toChatCompletion(result: ChatResult, meta: CompletionMeta, costUsd?: number): ChatCompletion {
  return {
    id: meta.id,
    object: "chat.completion",
    created: meta.created,
    model: meta.model,
    choices: result.choices.map((choice) => {
      const message: ChatCompletion["choices"][number]["message"] = { role: "assistant", content: choice.content };
      if (choice.toolCalls?.length) {
        message.tool_calls = choice.toolCalls.map((call) => ({
          id: call.id,
          type: "function",
          function: { name: call.name, arguments: call.arguments },
        }));
      }
      if (choice.reasoning) message.reasoning = choice.reasoning;
      if (choice.reasoningDetails?.length) message.reasoning_details = choice.reasoningDetails;
      return { index: choice.index, message, logprobs: null, finish_reason: choice.finishReason };
    }),
    usage: toOpenAIUsage(result.usage, costUsd),
  };
}
