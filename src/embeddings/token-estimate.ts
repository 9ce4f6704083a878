import { estimateTokens } from "../billing/estimate.ts";

/**
 * Token counts the gateway works out itself, for providers that report none
 * (text-embedding-004 and gemini-embedding-001 return no usage; reference C.12).
 */

/**
 * The most input tokens the texts can be, for the billing reservation: their
 * UTF-8 byte length. Byte-level (BPE / SentencePiece with byte fallback)
 * tokenizers never produce more tokens than bytes.
 */
export function worstCaseInputTokens(inputs: readonly string[]): number {
  let bytes = 0;
  for (const text of inputs) bytes += Buffer.byteLength(text, "utf8");
  return bytes;
}

/**
 * The documented estimate of prompt tokens when the provider gives none:
 * per input, its UTF-8 byte length divided by 4, rounded up, at least 1;
 * summed over the inputs. Four bytes per token is the usual average for
 * English text; it never exceeds the worst case above, so it always fits the
 * reservation. Usage billed from it is marked estimated.
 */
export function estimatePromptTokens(inputs: readonly string[]): number {
  let tokens = 0;
  for (const text of inputs) tokens += Math.max(1, estimateTokens(Buffer.byteLength(text, "utf8")));
  return tokens;
}
