import type { CatalogModel } from "../catalog/model.ts";
import { invalidRequest } from "../errors.ts";
import type { ChatCompletionRequest, ChatMessage, ContentPart, ToolCall, ToolChoice } from "../openai/chat-request.ts";
import type {
  CallMessage,
  CallOptions,
  CallToolChoice,
  ImagePart,
  ReasoningOptions,
  ResponseFormat,
  TextPart,
  ToolCallPart,
} from "./call-options.ts";
import { checkedToolChoice, imageSource, parseToolArguments } from "./call-parts.ts";

const badMessage = (message: string) => invalidRequest(message, "messages");

/**
 * A Chat Completions request as provider-neutral call options: every alias
 * resolved, every default applied and every rule both providers share
 * checked here, once (null counts as absent throughout).
 */
export function callOptionsFromChat(req: ChatCompletionRequest, model: CatalogModel): CallOptions {
  const tools = (req.tools ?? []).map(({ function: fn }) => ({
    name: fn.name,
    ...(fn.description != null && { description: fn.description }),
    ...(fn.parameters != null && { parameters: fn.parameters }),
  }));
  return {
    model,
    messages: convertMessages(req.messages),
    conversationField: "messages",
    tools,
    toolChoice: toolChoice(req.tool_choice ?? undefined, tools),
    parallelToolCalls: req.parallel_tool_calls ?? undefined,
    maxOutputTokens: req.max_completion_tokens ?? req.max_tokens ?? undefined,
    stopSequences: [req.stop ?? []].flat().filter((sequence) => sequence !== ""),
    reasoning: reasoning(req),
    responseFormat: responseFormat(req.response_format),
    choices: req.n ?? 1,
    temperature: req.temperature ?? undefined,
    topP: req.top_p ?? undefined,
    seed: req.seed ?? undefined,
    presencePenalty: req.presence_penalty ?? undefined,
    frequencyPenalty: req.frequency_penalty ?? undefined,
    user: req.user ?? undefined,
    stream: req.stream === true,
    features: {
      logprobs: req.logprobs ? "logprobs" : req.top_logprobs ? "top_logprobs" : undefined,
      logitBias: req.logit_bias && Object.keys(req.logit_bias).length > 0 ? "logit_bias" : undefined,
    },
  };
}

function toolChoice(choice: ToolChoice | undefined, tools: { name: string }[]): CallToolChoice | undefined {
  if (choice === undefined) return undefined;
  return checkedToolChoice(typeof choice === "string" ? { type: choice } : { type: "tool", name: choice.function.name }, tools);
}

function reasoning(req: ChatCompletionRequest): ReasoningOptions {
  const reasoning = req.reasoning ?? undefined;
  const disabled = reasoning?.enabled === false;
  return {
    requested: reasoning !== undefined || req.reasoning_effort != null,
    effort: disabled ? "none" : (reasoning?.effort ?? req.reasoning_effort ?? (reasoning?.enabled ? "medium" : undefined)),
    budgetTokens: disabled ? undefined : (reasoning?.max_tokens ?? undefined),
    exclude: reasoning?.exclude === true,
  };
}

function responseFormat(format: ChatCompletionRequest["response_format"]): ResponseFormat {
  switch (format?.type) {
    case "json_object":
      return { type: "json_object" };
    case "json_schema":
      return { type: "json_schema", name: format.json_schema?.name ?? "response", schema: format.json_schema?.schema };
    default:
      return { type: "text" };
  }
}

function convertMessages(messages: readonly ChatMessage[]): CallMessage[] {
  // Tool results carry only the call id; some providers need the function's name.
  const toolNames = new Map<string, string>();
  return messages.map((message): CallMessage => {
    switch (message.role) {
      case "system":
      case "developer":
        return { role: "system", content: textParts(message) };
      case "user":
        return { role: "user", content: contentParts(message) };
      case "assistant": {
        const toolCalls = (message.tool_calls ?? []).map(toolCallPart);
        for (const call of toolCalls) toolNames.set(call.id, call.name);
        return { role: "assistant", content: textParts(message), toolCalls, reasoning: message.reasoning_details ?? [] };
      }
      case "tool": {
        const id = message.tool_call_id;
        if (id == null) throw badMessage("tool messages need a tool_call_id");
        // A result with no call before it would reach Anthropic as an orphan tool_result, and Gemini cannot name it.
        const toolName = toolNames.get(id);
        if (toolName === undefined) throw badMessage(`tool message refers to unknown tool_call_id "${id}"`);
        return { role: "tool", toolCallId: id, toolName, content: contentParts(message) };
      }
    }
  });
}

/** Content of roles that take only text: system, developer, assistant (whose refusal parts are text too). */
function textParts(message: ChatMessage): TextPart[] {
  return partsOf(message).map((part) => {
    if (part.type === "text") return textPart(part);
    const refusal = (part as { refusal?: unknown }).refusal;
    if (part.type === "refusal" && message.role === "assistant" && typeof refusal === "string") {
      return { type: "text", text: refusal };
    }
    throw unsupportedPart(part, message.role);
  });
}

/** Content of roles that take text and images: user, tool. */
function contentParts(message: ChatMessage): (TextPart | ImagePart)[] {
  return partsOf(message).map((part) => {
    if (part.type === "text") return textPart(part);
    if (part.type === "image_url") return imagePart(part);
    throw unsupportedPart(part, message.role);
  });
}

function partsOf(message: ChatMessage): ContentPart[] {
  const { content } = message;
  if (content == null) return [];
  return typeof content === "string" ? [{ type: "text", text: content }] : content;
}

const unsupportedPart = (part: ContentPart, role: ChatMessage["role"]) =>
  badMessage(`content part type "${part.type}" is not supported in ${role} messages`);

function textPart(part: ContentPart): TextPart {
  if (typeof part.text !== "string") throw badMessage('a "text" content part needs a string "text" field');
  return part.cache_control ? { type: "text", text: part.text, cacheControl: part.cache_control } : { type: "text", text: part.text };
}

function imagePart(part: ContentPart): ImagePart {
  const url = part.image_url?.url;
  if (url === undefined) throw badMessage('an "image_url" content part needs image_url.url');
  const image: ImagePart = { type: "image", source: imageSource(url, "image_url.url", badMessage) };
  if (part.cache_control) image.cacheControl = part.cache_control;
  return image;
}

function toolCallPart(call: ToolCall): ToolCallPart {
  return { id: call.id, name: call.function.name, arguments: parseToolArguments(call.function.arguments, call.id, badMessage) };
}
