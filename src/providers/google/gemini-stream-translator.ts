import { streamError } from "../../errors.ts";
import type { StreamTranslator } from "../adapter.ts";
import type { GeminiResponse } from "./gemini-api-types.ts";
import { GeminiEventReader, type GeminiReadOptions } from "./gemini-event-reader.ts";
import { parseStreamEvent } from "../parse-stream-event.ts";

/**
 * `:streamGenerateContent?alt=sse`: every `data:` payload is a whole
 * GenerateContentResponse holding only the new parts (reference C.8). There
 * is no terminal event, so a stream is complete only once every choice has
 * had its finishReason (or the prompt was blocked).
 */
export function createGeminiStreamTranslator(options: GeminiReadOptions = {}): StreamTranslator {
  const reader = new GeminiEventReader(options);
  let failed = false;
  return {
    push(_event, data) {
      try {
        return reader.read(parseChunk(data));
      } catch (error) {
        failed = true;
        throw error;
      }
    },
    end() {
      if (!failed && !reader.complete) throw streamError("upstream stream ended before completion");
      return [];
    },
  };
}

const parseChunk = (data: string) => parseStreamEvent<GeminiResponse>("google", data);
