/**
 * The provider-neutral call: what a client asked for, read once from its
 * wire format (chat completions, the Responses API) and normalized, so that
 * adapters, billing and capability checks never read an OpenAI field.
 */
import type { CatalogModel } from "../catalog/model.ts";
import type { ReasoningDetail } from "../openai/chat-request.ts";

/** An OpenRouter/Anthropic-style prompt cache breakpoint on a content part. */
export interface CacheControl {
  type: "ephemeral";
  ttl?: string;
}

export interface TextPart {
  type: "text";
  text: string;
  cacheControl?: CacheControl;
}

export type ImageSource = { kind: "data"; mimeType: string; data: string } | { kind: "url"; url: string };

export interface ImagePart {
  type: "image";
  source: ImageSource;
  cacheControl?: CacheControl;
}

export interface ToolCallPart {
  id: string;
  name: string;
  /** Already parsed: a JSON object. */
  arguments: Record<string, unknown>;
}

export type CallMessage =
  /** system and developer messages, in order. */
  | { role: "system"; content: TextPart[] }
  | { role: "user"; content: (TextPart | ImagePart)[] }
  | {
      role: "assistant";
      content: TextPart[];
      toolCalls: ToolCallPart[];
      /** Reasoning round-trip entries as the gateway sent them (each tagged with its provider's format). */
      reasoning: ReasoningDetail[];
    }
  | {
      role: "tool";
      toolCallId: string;
      /** The function the call named, from the earlier assistant turn that made it. */
      toolName: string;
      content: (TextPart | ImagePart)[];
    };

export interface CallTool {
  name: string;
  description?: string;
  /** The client's JSON Schema for the arguments, as sent. */
  parameters?: Record<string, unknown>;
}

export type CallToolChoice = { type: "auto" } | { type: "none" } | { type: "required" } | { type: "tool"; name: string };

export type ReasoningEffort = "none" | "minimal" | "low" | "medium" | "high" | "xhigh" | "max";

/**
 * Reasoning as asked, aliases resolved (reasoning.effort over
 * reasoning_effort; enabled:false is effort "none", enabled:true without an
 * effort is "medium"). `requested` false: the client said nothing, the
 * model keeps its default.
 */
export interface ReasoningOptions {
  requested: boolean;
  effort: ReasoningEffort | undefined;
  /** An explicit thinking budget (reasoning.max_tokens), unless reasoning was disabled. */
  budgetTokens: number | undefined;
  /** Think, but do not return the reasoning text. */
  exclude: boolean;
}

export type ResponseFormat =
  | { type: "text" }
  | { type: "json_object" }
  | { type: "json_schema"; name: string; schema: Record<string, unknown> | undefined };

/** Features some adapters cannot serve; the client's field names, for the 400 that refuses them. */
export interface RequestedFeatures {
  /** Token log-probabilities (`logprobs` / `top_logprobs`). */
  logprobs: string | undefined;
  /** A non-empty `logit_bias`. */
  logitBias: string | undefined;
}

export interface CallOptions {
  model: CatalogModel;
  messages: CallMessage[];
  /** The request field the conversation came from (`messages` or `input`), for the 400s about it. */
  conversationField: "messages" | "input";
  tools: CallTool[];
  toolChoice: CallToolChoice | undefined;
  parallelToolCalls: boolean | undefined;
  /** The client's output limit per choice, unclamped; undefined = none given. */
  maxOutputTokens: number | undefined;
  /** Non-empty stop sequences. */
  stopSequences: string[];
  reasoning: ReasoningOptions;
  responseFormat: ResponseFormat;
  /** How many choices (OpenAI `n`). */
  choices: number;
  temperature: number | undefined;
  topP: number | undefined;
  seed: number | undefined;
  presencePenalty: number | undefined;
  frequencyPenalty: number | undefined;
  /** An end-user id for the provider's abuse monitoring. */
  user: string | undefined;
  stream: boolean;
  features: RequestedFeatures;
}
