import { malformedReply } from "../../errors.ts";
import type { ChatResult, ResultChoice, StreamEvent } from "../types.ts";
import type { GeminiResponse } from "./gemini-api-types.ts";
import { GeminiEventReader, type GeminiReadOptions } from "./gemini-event-reader.ts";
import { describeGeminiError } from "./map-gemini-error.ts";
import { mapGeminiUsage } from "./map-gemini-usage.ts";

/** A generateContent body, read as a one-chunk stream and folded into a ChatResult. */
export function parseGeminiResponse(body: unknown, options: GeminiReadOptions = {}): ChatResult {
  const response = (body ?? {}) as GeminiResponse;
  if (response.error) throw malformedReply(describeGeminiError(undefined, response.error));
  const reader = new GeminiEventReader(options);
  const events = reader.read(response);
  if (!reader.sawChoices) throw malformedReply("google returned a reply without candidates");
  return collect([...events, ...reader.close()]);
}

function collect(events: readonly StreamEvent[]): ChatResult {
  const choices = new Map<number, ResultChoice>();
  const choice = (index: number) => {
    let result = choices.get(index);
    if (!result) choices.set(index, (result = { index, content: null, finishReason: "stop" }));
    return result;
  };
  let usage = mapGeminiUsage(undefined);

  for (const event of events) {
    if (event.type === "usage") {
      usage = event.usage;
      continue;
    }
    const result = choice(event.choice);
    switch (event.type) {
      case "text":
        result.content = (result.content ?? "") + event.text;
        break;
      case "reasoning":
        result.reasoning = (result.reasoning ?? "") + event.text;
        break;
      case "reasoning_detail":
        (result.reasoningDetails ??= []).push(event.detail);
        break;
      case "tool_call_start":
        (result.toolCalls ??= [])[event.call] = { id: event.id, name: event.name, arguments: "" };
        break;
      case "tool_call_delta":
        result.toolCalls![event.call]!.arguments += event.arguments;
        break;
      case "finish":
        result.finishReason = event.reason;
        break;
    }
  }
  return { choices: [...choices.values()].sort((a, b) => a.index - b.index), usage };
}
