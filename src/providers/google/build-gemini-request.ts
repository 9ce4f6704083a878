import type { CatalogModel } from "../../catalog/model.ts";
import { unsupportedParameter } from "../../errors.ts";
import type { ChatCompletionRequest } from "../../openai/chat-request.ts";
import type { UpstreamCall } from "../adapter.ts";
import type { CacheBreakpoint } from "./context-cache/cache-breakpoint.ts";
import { convertToGeminiContents } from "./convert-to-gemini-contents.ts";
import type { GeminiGenerationConfig, GeminiRequest } from "./gemini-api-types.ts";
import { type GeminiModelTraits, geminiModelTraits } from "./gemini-model-traits.ts";
import { mapGeminiThinking } from "./map-gemini-thinking.ts";
import { prepareGeminiTools } from "./prepare-gemini-tools.ts";

/** A generateContent call; `cacheBreakpoint` is for the prepare step (context cache) and is never sent. */
export interface GeminiCall extends UpstreamCall {
  body: GeminiRequest;
  cacheBreakpoint?: CacheBreakpoint;
}

export function buildGeminiRequest(req: ChatCompletionRequest, model: CatalogModel, stream: boolean): GeminiCall {
  rejectUnsupported(req);
  const traits = geminiModelTraits(model);
  const generationConfig = buildGenerationConfig(req, model, traits);
  const { cacheBreakpoint, ...conversation } = convertToGeminiContents(req.messages, traits);
  const body: GeminiRequest = {
    ...conversation,
    ...prepareGeminiTools(req.tools, req.tool_choice),
    ...(Object.keys(generationConfig).length > 0 && { generationConfig }),
  };
  const method = stream ? "streamGenerateContent?alt=sse" : "generateContent";
  return { path: `/v1beta/models/${model.upstreamModel}:${method}`, body, ...(cacheBreakpoint && { cacheBreakpoint }) };
}

/**
 * Parameters Gemini cannot honour and whose silent loss would change the
 * reply. The ChatResult shape carries no logprobs, so they are refused too.
 */
function rejectUnsupported(req: ChatCompletionRequest): void {
  if (req.logprobs) throw unsupportedParameter("logprobs", "logprobs are not supported for google models");
  if (req.top_logprobs) throw unsupportedParameter("top_logprobs", "top_logprobs is not supported for google models");
  if (req.logit_bias && Object.keys(req.logit_bias).length > 0) {
    throw unsupportedParameter("logit_bias", "logit_bias is not supported for google models");
  }
}

function buildGenerationConfig(
  req: ChatCompletionRequest,
  model: CatalogModel,
  traits: GeminiModelTraits,
): GeminiGenerationConfig {
  const config: GeminiGenerationConfig = {};
  const maxTokens = req.max_completion_tokens ?? req.max_tokens;
  // Clamped rather than rejected: asking for more than the model can give is harmless.
  if (maxTokens != null) config.maxOutputTokens = Math.min(maxTokens, model.maxOutputTokens);
  if (req.temperature != null) config.temperature = req.temperature;
  if (req.top_p != null) config.topP = req.top_p;
  const stop = [req.stop ?? []].flat().filter((sequence) => sequence !== "");
  if (stop.length > 0) config.stopSequences = stop;
  if (req.n != null) config.candidateCount = req.n;
  if (req.seed != null) config.seed = req.seed;
  // A zero penalty is Gemini's default, and some models 400 on any penalty
  // field at all (fixture issue-8943), so only real penalties are sent.
  if (req.presence_penalty) config.presencePenalty = req.presence_penalty;
  if (req.frequency_penalty) config.frequencyPenalty = req.frequency_penalty;
  const format = req.response_format;
  if (format?.type === "json_object" || format?.type === "json_schema") config.responseMimeType = "application/json";
  if (format?.type === "json_schema" && format.json_schema?.schema) {
    config.responseJsonSchema = format.json_schema.schema;
  }
  const thinkingConfig = mapGeminiThinking(req, traits.thinking);
  if (thinkingConfig) config.thinkingConfig = thinkingConfig;
  return config;
}
