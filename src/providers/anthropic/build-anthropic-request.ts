import type { CallOptions } from "../../calls/call-options.ts";
import { invalidRequest } from "../../errors.ts";
import type { ChatCall } from "../adapter.ts";
import type { AnthropicMessagesRequest, AnthropicTextBlock } from "./anthropic-api-types.ts";
import { anthropicThinkingFamily, type ThinkingFamily } from "./anthropic-thinking-family.ts";
import { planThinking } from "./anthropic-thinking.ts";
import { convertToAnthropicMessages } from "./convert-to-anthropic-messages.ts";
import { convertToAnthropicTools } from "./convert-to-anthropic-tools.ts";
import { limitCacheBreakpoints } from "./limit-cache-breakpoints.ts";

/** max_tokens when the client sends none (Anthropic requires one), bounded by the model's maximum. */
const DEFAULT_MAX_TOKENS = 8192;

/** Lowest top_p Anthropic accepts while thinking (reference D.4). */
const MIN_TOP_P_WITH_THINKING = 0.95;

/**
 * Anthropic has no JSON-object mode, and json_object promises only "some JSON
 * object", so it is asked for in the system prompt (last, so it never
 * disturbs a cached prefix) instead of being rejected.
 */
const JSON_OBJECT_INSTRUCTION: AnthropicTextBlock = {
  type: "text",
  text: "Respond with a single valid JSON object only, with no Markdown code fences and no text before or after it.",
};

/** Call options → an Anthropic Messages request (reference E.2, E.3). seed and the penalties only nudge sampling: dropped. */
export function buildAnthropicRequest(options: CallOptions): ChatCall {
  const { model } = options;
  const { system, messages } = convertToAnthropicMessages(options.messages);
  const family = anthropicThinkingFamily(model);
  // Larger requests are clamped rather than rejected: clients often send a generic large max_tokens.
  const requestedMax = Math.min(options.maxOutputTokens ?? DEFAULT_MAX_TOKENS, model.maxOutputTokens);
  const plan = planThinking(options.reasoning, family, requestedMax, model.maxOutputTokens);

  const body: AnthropicMessagesRequest = {
    model: model.upstreamModel,
    max_tokens: plan.maxTokens,
    messages,
    ...convertToAnthropicTools(options, messages),
    ...sampling(options, family, plan.thinking !== undefined),
  };

  const format = options.responseFormat;
  if (format.type === "json_object") system.push(JSON_OBJECT_INSTRUCTION);
  if (system.length > 0) body.system = system;
  if (plan.thinking) body.thinking = plan.thinking;

  const outputConfig: AnthropicMessagesRequest["output_config"] = {};
  if (plan.effort) outputConfig.effort = plan.effort;
  if (format.type === "json_schema") {
    if (!format.schema) throw invalidRequest("response_format.json_schema.schema is required for anthropic models", "response_format");
    outputConfig.format = { type: "json_schema", schema: format.schema };
  }
  if (Object.keys(outputConfig).length > 0) body.output_config = outputConfig;

  // Anthropic refuses stop sequences without a non-whitespace character.
  const stops = options.stopSequences.filter((sequence) => sequence.trim() !== "");
  if (stops.length > 0) body.stop_sequences = stops;
  if (options.user) body.metadata = { user_id: options.user };
  if (options.stream) body.stream = true;

  limitCacheBreakpoints(body);
  return { path: "/v1/messages", body, maxOutputTokens: plan.maxTokens };
}

/**
 * temperature / top_p within what the model accepts (reference D.4): none at
 * all on fixed-sampling models (dropped silently, like OpenRouter); while
 * thinking, temperature must stay default and top_p ≥ 0.95; otherwise
 * temperature is clamped to Anthropic's 0–1. Current Claude models reject
 * temperature and top_p together, so temperature wins.
 */
function sampling(options: CallOptions, family: ThinkingFamily, thinking: boolean) {
  if (family.fixedSampling) return {};
  const temperature = thinking ? undefined : options.temperature;
  const topP = options.topP;
  if (temperature !== undefined) return { temperature: Math.min(temperature, 1) };
  if (topP !== undefined && (!thinking || topP >= MIN_TOP_P_WITH_THINKING)) return { top_p: topP };
  return {};
}
