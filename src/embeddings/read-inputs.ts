import { invalidRequest } from "../errors.ts";
import { type EmbeddingRequest, MAX_EMBEDDING_INPUTS } from "../openai/embeddings.ts";

const badInput = (message: string) => invalidRequest(message, "input");

/**
 * The request's texts, one per vector to return. Token-id input (OpenAI's
 * `[1, 2]` and `[[1, 2]]` forms) is refused: the ids belong to OpenAI's
 * tokenizers and mean nothing to the providers behind this gateway.
 */
export function readInputs(input: EmbeddingRequest["input"]): string[] {
  if (typeof input === "string") {
    if (input === "") throw badInput("'input' is an empty string: send at least one character");
    return [input];
  }
  if (input.some((item) => typeof item !== "string")) {
    throw badInput("token-id input is not supported: send 'input' as a string or an array of strings");
  }
  if (input.length === 0) throw badInput("'input' is an empty array: send at least one string");
  if (input.length > MAX_EMBEDDING_INPUTS) {
    throw badInput(`'input' has ${input.length} items: at most ${MAX_EMBEDDING_INPUTS} inputs are allowed per request`);
  }
  const empty = input.indexOf("");
  if (empty !== -1) throw badInput(`'input[${empty}]' is an empty string: every input must be non-empty`);
  return input as string[];
}
