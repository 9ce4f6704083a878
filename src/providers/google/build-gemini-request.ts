import type { CallOptions } from "../../calls/call-options.ts";
import type { ChatCall } from "../adapter.ts";
import type { CacheBreakpoint } from "./context-cache/cache-breakpoint.ts";
import { convertToGeminiContents } from "./convert-to-gemini-contents.ts";
import type { GeminiGenerationConfig, GeminiRequest } from "./gemini-api-types.ts";
import { type GeminiModelTraits, geminiModelTraits } from "./gemini-model-traits.ts";
import { mapGeminiThinking } from "./map-gemini-thinking.ts";
import { prepareGeminiTools } from "./prepare-gemini-tools.ts";

/**
 * A generateContent call. `cacheBreakpoint` (on models with caching) is for
 * the prepare step and is never sent; `cacheWriteTokens` is set by that step
 * when this very call created the context cache it uses.
 */
export interface GeminiCall extends ChatCall {
  body: GeminiRequest;
  upstreamModel: string;
  cacheBreakpoint?: CacheBreakpoint;
  cacheWriteTokens?: number;
}

export function buildGeminiRequest(options: CallOptions): GeminiCall {
  const { model } = options;
  const traits = geminiModelTraits(model);
  const generationConfig = buildGenerationConfig(options, traits);
  const { cacheBreakpoint, ...conversation } = convertToGeminiContents(options.messages, traits, options.conversationField);
  const body: GeminiRequest = {
    ...conversation,
    ...prepareGeminiTools(options.tools, options.toolChoice),
    ...(Object.keys(generationConfig).length > 0 && { generationConfig }),
  };
  const method = options.stream ? "streamGenerateContent?alt=sse" : "generateContent";
  return {
    path: `/v1beta/models/${model.upstreamModel}:${method}`,
    body,
    upstreamModel: model.upstreamModel,
    maxOutputTokens: (generationConfig.maxOutputTokens ?? model.maxOutputTokens) * options.choices,
    ...(cacheBreakpoint && model.supportsCaching && { cacheBreakpoint }),
  };
}

function buildGenerationConfig(options: CallOptions, traits: GeminiModelTraits): GeminiGenerationConfig {
  const config: GeminiGenerationConfig = {};
  // Clamped rather than rejected: asking for more than the model can give is harmless.
  if (options.maxOutputTokens !== undefined) config.maxOutputTokens = Math.min(options.maxOutputTokens, options.model.maxOutputTokens);
  if (options.temperature !== undefined) config.temperature = options.temperature;
  if (options.topP !== undefined) config.topP = options.topP;
  if (options.stopSequences.length > 0) config.stopSequences = options.stopSequences;
  if (options.choices > 1) config.candidateCount = options.choices;
  if (options.seed !== undefined) config.seed = options.seed;
  // A zero penalty is Gemini's default, and some models 400 on any penalty
  // field at all (fixture issue-8943), so only real penalties are sent.
  if (options.presencePenalty) config.presencePenalty = options.presencePenalty;
  if (options.frequencyPenalty) config.frequencyPenalty = options.frequencyPenalty;
  const format = options.responseFormat;
  if (format.type !== "text") config.responseMimeType = "application/json";
  if (format.type === "json_schema" && format.schema) config.responseJsonSchema = format.schema;
  const thinkingConfig = mapGeminiThinking(options.reasoning, traits.thinking);
  if (thinkingConfig) config.thinkingConfig = thinkingConfig;
  return config;
}
