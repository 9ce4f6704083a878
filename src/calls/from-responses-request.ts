import type { CatalogModel } from "../catalog/model.ts";
import { ApiError, invalidRequest, unsupportedParameter } from "../errors.ts";
import {
  INCLUDE_ENCRYPTED_REASONING,
  type ResponseContentPart,
  type ResponseCreateRequest,
  type ResponseInputItem,
  type ResponseTextFormat,
  type ResponseTool,
  type ResponseToolChoice,
} from "../openai/responses-request.ts";
import { decodeReasoning } from "../responses/encrypted-reasoning.ts";
import type { CallMessage, CallOptions, CallTool, CallToolChoice, ImagePart, ResponseFormat, TextPart } from "./call-options.ts";
import { checkedToolChoice, imageSource, parseToolArguments } from "./call-parts.ts";

type AssistantMessage = Extract<CallMessage, { role: "assistant" }>;

/** A request's conversation once storage is resolved (responses/resolve-input.ts). */
export interface ResponsesInput {
  /** The items of the previous_response_id chain, oldest first. */
  previous: readonly ResponseInputItem[];
  /** The request's own items, item references replaced by what they name (same positions as `input`). */
  own: readonly ResponseInputItem[];
}

/**
 * Fields of the Responses API the gateway cannot honour, each refused by name
 * when set to anything but its neutral value: silently dropping one would
 * change what the client gets.
 */
const REFUSED: { field: keyof ResponseCreateRequest; set: (req: ResponseCreateRequest) => boolean; what: string }[] = [
  { field: "background", set: (req) => req.background === true, what: "background responses" },
  { field: "conversation", set: (req) => req.conversation != null, what: "conversations (use previous_response_id)" },
  { field: "prompt", set: (req) => req.prompt != null, what: "prompt templates" },
  { field: "truncation", set: (req) => req.truncation != null && req.truncation !== "disabled", what: 'truncation other than "disabled"' },
  { field: "max_tool_calls", set: (req) => req.max_tool_calls != null, what: "max_tool_calls (it limits built-in tools)" },
  {
    field: "service_tier",
    set: (req) => req.service_tier != null && req.service_tier !== "auto" && req.service_tier !== "default",
    what: "service tiers",
  },
  { field: "prompt_cache_key", set: (req) => req.prompt_cache_key != null, what: "prompt_cache_key" },
  { field: "prompt_cache_retention", set: (req) => req.prompt_cache_retention != null, what: "prompt_cache_retention" },
  { field: "prompt_cache_options", set: (req) => req.prompt_cache_options != null, what: "prompt_cache_options" },
  { field: "context_management", set: (req) => req.context_management != null, what: "context management" },
  { field: "stream_options", set: (req) => req.stream_options?.include_obfuscation === true, what: "stream obfuscation" },
  { field: "text", set: (req) => req.text?.verbosity != null && req.text.verbosity !== "medium", what: "text.verbosity" },
];

/**
 * A Responses API request (refuseUnsupportedFields passed) and its resolved
 * conversation as provider-neutral call options: the one place that reads
 * Responses fields for the call.
 * `instructions` come first as a system message; consecutive assistant-side
 * items (reasoning, assistant messages, function calls) form one assistant
 * turn, the reasoning details they carry included, whatever their order.
 */
export function callOptionsFromResponses(req: ResponseCreateRequest, model: CatalogModel, input: ResponsesInput): CallOptions {
  const tools = (req.tools ?? []).map(functionTool);
  const reasoning = req.reasoning ?? undefined;
  const effort = reasoning?.effort ?? undefined;
  // auto, concise and detailed all ask for the reasoning text; the providers offer one level of detail.
  const summary = reasoning?.summary ?? reasoning?.generate_summary ?? undefined;
  const instructions: CallMessage[] = req.instructions ? [{ role: "system", content: [{ type: "text", text: req.instructions }] }] : [];
  return {
    model,
    messages: [...instructions, ...convertItems(input)],
    conversationField: "input",
    tools,
    toolChoice: checkedToolChoice(toolChoice(req.tool_choice ?? undefined), tools),
    parallelToolCalls: req.parallel_tool_calls ?? undefined,
    maxOutputTokens: req.max_output_tokens ?? undefined,
    stopSequences: [],
    reasoning: { requested: effort !== undefined || summary !== undefined, effort, budgetTokens: undefined, exclude: summary === undefined },
    responseFormat: responseFormat(req.text?.format ?? undefined),
    choices: 1,
    temperature: req.temperature ?? undefined,
    topP: req.top_p ?? undefined,
    seed: undefined,
    presencePenalty: undefined,
    frequencyPenalty: undefined,
    user: req.safety_identifier ?? req.user ?? undefined,
    stream: req.stream === true,
    features: { logprobs: req.top_logprobs ? "top_logprobs" : undefined, logitBias: undefined },
  };
}

/** Refuses the fields the gateway cannot honour: run before anything is loaded from storage for the request. */
export function refuseUnsupportedFields(req: ResponseCreateRequest): void {
  for (const { field, set, what } of REFUSED) {
    if (set(req)) throw unsupportedParameter(field, `${what} is not supported by this gateway`);
  }
  const include = req.include?.find((value) => value !== INCLUDE_ENCRYPTED_REASONING);
  if (include !== undefined) {
    throw unsupportedParameter("include", `include "${include}" is not supported; only "${INCLUDE_ENCRYPTED_REASONING}" is`);
  }
}

function functionTool(tool: ResponseTool, index: number): CallTool {
  if (tool.type !== "function") {
    throw unsupportedParameter(`tools.${index}.type`, `tool type "${tool.type}" is not supported; only function tools are`);
  }
  if (!tool.name) throw invalidRequest("a function tool needs a name", `tools.${index}.name`);
  return {
    name: tool.name,
    ...(tool.description != null && { description: tool.description }),
    ...(tool.parameters != null && { parameters: tool.parameters }),
  };
}

function toolChoice(choice: ResponseToolChoice | undefined): CallToolChoice | undefined {
  if (choice === undefined) return undefined;
  if (choice === "auto" || choice === "none" || choice === "required") return { type: choice };
  if (typeof choice === "object" && choice.type === "function" && choice.name) return { type: "tool", name: choice.name };
  throw unsupportedParameter("tool_choice", 'tool_choice must be "auto", "none", "required" or {"type":"function","name":…}');
}

function responseFormat(format: ResponseTextFormat | undefined): ResponseFormat {
  if (format === undefined) return { type: "text" };
  switch (format.type) {
    case "text":
      return { type: "text" };
    case "json_object":
      return { type: "json_object" };
    case "json_schema":
      if (!format.schema) throw invalidRequest("a json_schema text format needs a schema", "text.format.schema");
      return { type: "json_schema", name: format.name ?? "response", schema: format.schema };
    default:
      throw unsupportedParameter("text.format.type", `text format "${format.type}" is not supported`);
  }
}

/** Items → call messages; an error names the item's field (`input.3.call_id`), or previous_response_id for stored ones. */
function convertItems(input: ResponsesInput): CallMessage[] {
  const messages: CallMessage[] = [];
  // Tool results carry only the call id; Gemini needs the function's name.
  const toolNames = new Map<string, string>();
  let turn: AssistantMessage | undefined;
  const assistant = () => (turn ??= { role: "assistant", content: [], toolCalls: [], reasoning: [] });
  const push = (message: CallMessage) => {
    if (turn) messages.push(turn);
    turn = undefined;
    messages.push(message);
  };

  const convert = (item: ResponseInputItem, param: string) => {
    const fail = (message: string, field?: string) => invalidRequest(message, field ? `${param}.${field}` : param);
    const type = item.type ?? (item.role !== undefined ? "message" : undefined);
    switch (type) {
      case "message": {
        const role = item.role;
        if (role === undefined) throw fail("a message item needs a role", "role");
        const parts = contentParts(item.content ?? [], `${param}.content`);
        if (role === "assistant") assistant().content.push(...textOnly(parts, role, `${param}.content`));
        else if (role === "user") push({ role, content: parts });
        else push({ role: "system", content: textOnly(parts, role, `${param}.content`) });
        break;
      }
      case "function_call": {
        const { call_id: id, name } = item;
        if (!id || !name) throw fail("a function_call item needs call_id and name");
        toolNames.set(id, name);
        assistant().toolCalls.push({ id, name, arguments: parseToolArguments(item.arguments ?? "", id, (message) => fail(message, "arguments")) });
        break;
      }
      case "function_call_output": {
        const id = item.call_id;
        if (!id) throw fail("a function_call_output item needs call_id", "call_id");
        const toolName = toolNames.get(id);
        if (toolName === undefined) throw fail(`no function_call item with call_id "${id}" precedes this output`, "call_id");
        push({ role: "tool", toolCallId: id, toolName, content: contentParts(toolOutput(item.output, `${param}.output`), `${param}.output`) });
        break;
      }
      case "reasoning":
        // Without encrypted content (a summary alone) there is nothing a provider can verify.
        if (item.encrypted_content) assistant().reasoning.push(...decodeReasoning(item.encrypted_content, `${param}.encrypted_content`));
        break;
      default:
        throw unsupportedParameter(`${param}.type`, `input item type "${type ?? "(none)"}" is not supported`);
    }
  };

  for (const item of input.previous) {
    try {
      convert(item, "previous_response_id");
    } catch (error) {
      // Stored items have no field the client could fix: the error names the field that brought them.
      throw error instanceof ApiError ? error.with({ param: "previous_response_id" }) : error;
    }
  }
  input.own.forEach((item, index) => convert(item, `input.${index}`));
  if (turn) messages.push(turn);
  return messages;
}

function contentParts(content: string | readonly ResponseContentPart[], param: string): (TextPart | ImagePart)[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  return content.map((part, index) => {
    const fail = (message: string): ApiError => invalidRequest(message, `${param}.${index}`);
    switch (part.type) {
      case "input_text":
      case "output_text":
        if (typeof part.text !== "string") throw fail(`a "${part.type}" part needs a string "text"`);
        return { type: "text", text: part.text };
      case "refusal":
        return { type: "text", text: part.refusal ?? "" };
      case "input_image":
        if (!part.image_url) {
          throw unsupportedParameter(`${param}.${index}.file_id`, "images by file_id are not supported: send image_url (an http(s) URL or a data: URI)");
        }
        return { type: "image", source: imageSource(part.image_url, "image_url", fail) };
      default:
        throw unsupportedParameter(`${param}.${index}.type`, `content part type "${part.type}" is not supported`);
    }
  });
}

/** A function_call_output's `output`: a string, or input_text / input_image parts. */
function toolOutput(output: unknown, param: string): string | ResponseContentPart[] {
  if (output === undefined) return "";
  const isPart = (part: unknown) => typeof part === "object" && part !== null && typeof (part as { type?: unknown }).type === "string";
  if (typeof output === "string" || (Array.isArray(output) && output.every(isPart))) return output as string | ResponseContentPart[];
  throw invalidRequest("a function_call_output's output must be a string or a list of input_text and input_image parts", param);
}

/** Roles that take text only: system, developer, assistant. */
function textOnly(parts: (TextPart | ImagePart)[], role: string, param: string): TextPart[] {
  return parts.map((part, index) => {
    if (part.type !== "text") throw invalidRequest(`${role} messages take text only`, `${param}.${index}`);
    return part;
  });
}
