import type { ReasoningDetail } from "../openai/chat-request.ts";
import type { FunctionCallItem, OutputItem, OutputMessage, OutputText, ReasoningItem } from "../openai/responses-response.ts";
import type { ResultChoice, ResultToolCall } from "../providers/types.ts";
import { encodeReasoning } from "./encrypted-reasoning.ts";
import { itemId } from "./item-ids.ts";

type Status = OutputMessage["status"];

export const outputTextPart = (text: string): OutputText => ({ type: "output_text", text, annotations: [], logprobs: [] });

export const messageItem = (id: string, text: string | undefined, status: Status): OutputMessage => ({
  id,
  type: "message",
  status,
  role: "assistant",
  content: text === undefined ? [] : [outputTextPart(text)],
});

/** Gemini's call ids are the gateway's own (`call_…`), Claude's its `toolu_…`: either is the call_id. */
export const functionCallItem = (id: string, call: ResultToolCall, status: Status): FunctionCallItem => ({
  id,
  type: "function_call",
  status,
  call_id: call.id,
  name: call.name,
  arguments: call.arguments,
});

/** The reasoning text as one summary part; the details as the gateway's encrypted content. */
export function reasoningItem(id: string, text: string | undefined, details: readonly ReasoningDetail[]): ReasoningItem {
  const item: ReasoningItem = { id, type: "reasoning", summary: text ? [{ type: "summary_text", text }] : [] };
  if (details.length > 0) item.encrypted_content = encodeReasoning(details);
  return item;
}

/**
 * Items as the client sees them: the encrypted content only when `include`
 * asked for it. (Storage always keeps it, so references restore it.)
 */
export function visibleItem<T extends { type?: string; encrypted_content?: string | null }>(item: T, includeEncrypted: boolean): T {
  if (item.type !== "reasoning" || includeEncrypted || item.encrypted_content === undefined) return item;
  const { encrypted_content: _hidden, ...visible } = item;
  return visible as T;
}

/** The SDKs' `output_text`: the text of every output message, joined. */
export const outputText = (items: readonly OutputItem[]) =>
  items.flatMap((item) => (item.type === "message" ? item.content.map((part) => part.text) : [])).join("");

/** A whole turn's output: its reasoning, its text (incomplete when the turn was cut), its function calls, in OpenAI's order. */
export function outputFromChoice(responseId: string, choice: ResultChoice, textStatus: Status): OutputItem[] {
  const output: OutputItem[] = [];
  const next = (kind: "msg" | "fc" | "rs") => itemId(responseId, kind, "o", output.length);
  if (choice.reasoning || choice.reasoningDetails?.length) {
    output.push(reasoningItem(next("rs"), choice.reasoning, choice.reasoningDetails ?? []));
  }
  const calls = choice.toolCalls ?? [];
  // A turn of only tool calls has no message; a turn with nothing at all has an empty one.
  if (choice.content || calls.length === 0) output.push(messageItem(next("msg"), choice.content ?? "", textStatus));
  for (const call of calls) output.push(functionCallItem(next("fc"), call, "completed"));
  return output;
}
