import { invalidRequest } from "../errors.ts";
import type { FinishReason } from "../openai/chat-response.ts";
import { INCLUDE_ENCRYPTED_REASONING, type ResponseCreateRequest } from "../openai/responses-request.ts";
import type { OutputItem, ResponseObject, ResponseStatus, ResponseUsage } from "../openai/responses-response.ts";
import type { TokenUsage } from "../providers/types.ts";
import { responseIdFor } from "./item-ids.ts";
import { outputText, visibleItem } from "./output-items.ts";
import type { ResponseFields } from "./response-store.ts";

/** What a response is before its output: its id and the request's settings it echoes. */
export interface ResponseMeta {
  id: string;
  createdAt: Date;
  /** The catalog id the client asked for, not the upstream name. */
  model: string;
  fields: ResponseFields;
  /** `include` asked for reasoning's encrypted content. */
  includeEncrypted: boolean;
  store: boolean;
}

/** A finished turn, as stored and (visible parts) returned. */
export interface ResponseOutcome {
  status: ResponseStatus;
  incompleteReason: string | undefined;
  output: OutputItem[];
  usage: ResponseUsage | null;
  /** Why a failed response failed. */
  error?: NonNullable<ResponseObject["error"]>;
}

const MAX_METADATA_KEYS = 16;
const MAX_METADATA_KEY = 64;
const MAX_METADATA_VALUE = 512;

export function newResponseMeta(req: ResponseCreateRequest, model: string, requestId: string): ResponseMeta {
  const id = responseIdFor(requestId);
  const createdAt = new Date();
  const store = req.store ?? true;
  const fields: ResponseFields = {
    id,
    object: "response",
    created_at: Math.floor(createdAt.getTime() / 1000),
    error: null,
    incomplete_details: null,
    instructions: req.instructions ?? null,
    max_output_tokens: req.max_output_tokens ?? null,
    parallel_tool_calls: req.parallel_tool_calls ?? true,
    previous_response_id: req.previous_response_id ?? null,
    reasoning: { effort: req.reasoning?.effort ?? null, summary: req.reasoning?.summary ?? req.reasoning?.generate_summary ?? null },
    store,
    temperature: req.temperature ?? null,
    text: { format: req.text?.format ?? { type: "text" } },
    tool_choice: req.tool_choice ?? "auto",
    tools: req.tools ?? [],
    top_p: req.top_p ?? null,
    truncation: "disabled",
    background: false,
    metadata: checkedMetadata(req.metadata ?? {}),
    user: req.user ?? null,
  };
  return { id, createdAt, model, fields, includeEncrypted: req.include?.includes(INCLUDE_ENCRYPTED_REASONING) === true, store };
}

/** OpenAI's limits on metadata, which is stored and echoed back. */
function checkedMetadata(metadata: Record<string, string>): Record<string, string> {
  const entries = Object.entries(metadata);
  if (entries.length > MAX_METADATA_KEYS) throw invalidRequest(`metadata takes at most ${MAX_METADATA_KEYS} keys`, "metadata");
  for (const [key, value] of entries) {
    if (key.length > MAX_METADATA_KEY) throw invalidRequest(`metadata keys are at most ${MAX_METADATA_KEY} characters`, "metadata");
    if (value.length > MAX_METADATA_VALUE) throw invalidRequest(`metadata values are at most ${MAX_METADATA_VALUE} characters`, `metadata.${key}`);
  }
  return metadata;
}

/** completed, or incomplete with OpenAI's reason when the turn was cut (output limit, content filter). */
export function outcomeStatus(finish: FinishReason | undefined): Pick<ResponseOutcome, "status" | "incompleteReason"> {
  if (finish === "length") return { status: "incomplete", incompleteReason: "max_output_tokens" };
  if (finish === "content_filter") return { status: "incomplete", incompleteReason: "content_filter" };
  return { status: "completed", incompleteReason: undefined };
}

/** A turn's text message is incomplete when the turn was cut (output limit, content filter), streamed or not. */
export const textStatus = (finish: FinishReason | undefined): "completed" | "incomplete" =>
  outcomeStatus(finish).status === "incomplete" ? "incomplete" : "completed";

/**
 * The response object as the client gets it: its output items with the
 * reasoning's encrypted content only when `include` asked for it.
 */
export function responseObject(fields: ResponseFields, model: string, outcome: ResponseOutcome, includeEncrypted: boolean): ResponseObject {
  return {
    ...fields,
    status: outcome.status,
    error: outcome.error ?? null,
    incomplete_details: outcome.incompleteReason ? { reason: outcome.incompleteReason } : null,
    model,
    output: outcome.output.map((item) => visibleItem(item, includeEncrypted)),
    usage: outcome.usage,
  };
}

/** With the SDKs' `output_text` convenience, as a created or retrieved response carries it (stream events do not). */
export const withOutputText = (response: ResponseObject): ResponseObject => ({ ...response, output_text: outputText(response.output) });

/** The usage object of a response, with the request's cost in USD when it is known. */
export function toResponsesUsage(usage: TokenUsage, costUsd?: number): ResponseUsage {
  const result: ResponseUsage = {
    input_tokens: usage.promptTokens,
    input_tokens_details: { cached_tokens: usage.cachedTokens, cache_write_tokens: usage.cacheWriteTokens },
    output_tokens: usage.completionTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens },
    total_tokens: usage.promptTokens + usage.completionTokens,
  };
  if (costUsd !== undefined) result.cost = costUsd;
  return result;
}
