import { invalidRequest } from "../../errors.ts";
import type { ChatMessage, ContentPart, ToolCall } from "../../openai/chat-request.ts";
import {
  type CacheBreakpoint,
  type CacheControl,
  type CacheMarks,
  locateBreakpoint,
} from "./context-cache/cache-breakpoint.ts";
import type { GeminiContent, GeminiPart } from "./gemini-api-types.ts";
import type { GeminiModelTraits } from "./gemini-model-traits.ts";
import { isGatewayToolCallId } from "./gemini-tool-call-id.ts";
import { SKIP_SIGNATURE_VALIDATION, signaturesFromDetails } from "./thought-signature.ts";

type MessageContent = ChatMessage["content"];
type TextPart = { text: string; cache_control?: CacheControl };

const badMessage = (message: string) => invalidRequest(message, "messages");

/**
 * OpenAI messages → Gemini systemInstruction + contents (reference E.2).
 * Gemini has one system instruction, so every system/developer message joins
 * it in order; tool results become functionResponse parts in a user turn;
 * consecutive same-role turns are merged because Gemini wants alternation.
 * Empty text is dropped everywhere: Gemini rejects empty text parts.
 * The last cache_control breakpoint is located on the converted parts, for
 * the context cache (context-cache/).
 */
export function convertToGeminiContents(
  messages: readonly ChatMessage[],
  traits: GeminiModelTraits,
): { systemInstruction?: { parts: GeminiPart[] }; contents: GeminiContent[]; cacheBreakpoint?: CacheBreakpoint } {
  const system: GeminiPart[] = [];
  const contents: GeminiContent[] = [];
  const marks: CacheMarks = new Map();
  // Tool messages carry only the call id; Gemini needs the function name.
  const toolNames = new Map<string, string>();

  for (const message of messages) {
    switch (message.role) {
      case "system":
      case "developer":
        system.push(...textParts(message.content, message.role, marks));
        break;
      case "user":
        append(contents, "user", userParts(message.content, marks));
        break;
      case "assistant":
        append(contents, "model", modelParts(message, toolNames, marks));
        break;
      case "tool":
        append(contents, "user", [functionResponsePart(message, toolNames, marks)]);
        break;
    }
  }
  if (contents.length === 0) throw badMessage("messages must contain at least one user, assistant or tool message");
  if (traits.requiresThoughtSignatures) contents.forEach(ensureFirstCallSigned);

  const cacheBreakpoint = locateBreakpoint(system, contents, marks);
  return {
    ...(system.length > 0 && { systemInstruction: { parts: system } }),
    contents,
    ...(cacheBreakpoint && { cacheBreakpoint }),
  };
}

/** Records that `part` came from a content part carrying a cache breakpoint. */
function marked(part: GeminiPart, source: { cache_control?: CacheControl }, marks: CacheMarks): GeminiPart {
  if (source.cache_control) marks.set(part, source.cache_control);
  return part;
}

function append(contents: GeminiContent[], role: GeminiContent["role"], parts: GeminiPart[]): void {
  if (parts.length === 0) return;
  const last = contents.at(-1);
  if (last?.role === role) last.parts.push(...parts);
  else contents.push({ role, parts });
}

function partText(part: ContentPart): string {
  if (typeof part.text !== "string") throw badMessage('a "text" content part needs a string "text" field');
  return part.text;
}

/** Content of roles that accept only text (system, developer, assistant, tool). */
function textPartsOf(content: MessageContent, role: ChatMessage["role"]): TextPart[] {
  if (content == null) return [];
  if (typeof content === "string") return [{ text: content }];
  return content.map((part) => {
    if (part.type !== "text") throw badMessage(`${role} messages accept only text content parts, got "${part.type}"`);
    return { text: partText(part), cache_control: part.cache_control };
  });
}

/** Non-empty text parts of a text-only role, each a Gemini text part. */
function textParts(content: MessageContent, role: ChatMessage["role"], marks: CacheMarks): GeminiPart[] {
  return textPartsOf(content, role)
    .filter((part) => part.text !== "")
    .map((part) => marked({ text: part.text }, part, marks));
}

function userParts(content: MessageContent, marks: CacheMarks): GeminiPart[] {
  if (content == null) return [];
  const parts: ContentPart[] = typeof content === "string" ? [{ type: "text", text: content }] : content;
  return parts
    .map((part) => marked(userPart(part), part, marks))
    .filter((part) => part.text !== "");
}

function userPart(part: ContentPart): GeminiPart {
  switch (part.type) {
    case "text":
      return { text: partText(part) };
    case "image_url":
      return { inlineData: parseImageUrl(part.image_url?.url) };
    default:
      throw badMessage(`content part type "${part.type}" is not supported`);
  }
}

function parseImageUrl(url: string | undefined): { mimeType: string; data: string } {
  if (url === undefined) throw badMessage('an "image_url" content part needs image_url.url');
  if (!url.startsWith("data:")) {
    throw badMessage(
      "image_url must be a base64 data: URI (data:<mime>;base64,<data>); the gateway does not fetch remote image URLs",
    );
  }
  const comma = url.indexOf(",");
  const [mimeType, ...params] = url.slice(5, comma).split(";");
  if (comma < 0 || !mimeType || !params.includes("base64")) {
    throw badMessage("image_url data: URIs must be base64-encoded (data:<mime>;base64,<data>)");
  }
  return { mimeType, data: url.slice(comma + 1) };
}

/**
 * Thought signatures come back in `reasoning_details` (see parse side) and go
 * onto the exact part they came from: by tool call id for functionCall parts,
 * and onto the last text part for the id-less one.
 */
function modelParts(message: ChatMessage, toolNames: Map<string, string>, marks: CacheMarks): GeminiPart[] {
  const signatures = signaturesFromDetails(message.reasoning_details);
  const parts = textParts(message.content, "assistant", marks);
  const textSignature = signatures.get(null);
  if (textSignature !== undefined && parts.length > 0) parts[parts.length - 1]!.thoughtSignature = textSignature;

  for (const call of message.tool_calls ?? []) {
    toolNames.set(call.id, call.function.name);
    const part: GeminiPart = {
      functionCall: {
        name: call.function.name,
        args: parseArguments(call),
        ...(!isGatewayToolCallId(call.id) && { id: call.id }),
      },
    };
    const signature = signatures.get(call.id);
    if (signature !== undefined) part.thoughtSignature = signature;
    parts.push(part);
  }
  return parts;
}

function parseArguments(call: ToolCall): Record<string, unknown> {
  // Some clients send "" for a call without arguments.
  if (call.function.arguments.trim() === "") return {};
  let args: unknown;
  try {
    args = JSON.parse(call.function.arguments);
  } catch {
    throw badMessage(`tool call "${call.id}" has arguments that are not valid JSON`);
  }
  if (!isJsonObject(args)) throw badMessage(`tool call "${call.id}" arguments must be a JSON object`);
  return args;
}

function functionResponsePart(message: ChatMessage, toolNames: Map<string, string>, marks: CacheMarks): GeminiPart {
  const id = message.tool_call_id;
  if (id == null) throw badMessage("tool messages need a tool_call_id");
  const name = toolNames.get(id);
  if (name === undefined) throw badMessage(`tool message refers to unknown tool_call_id "${id}"`);
  const texts = textPartsOf(message.content, "tool");
  const text = texts.map((part) => part.text).join("");
  const part: GeminiPart = {
    functionResponse: {
      name,
      // Gemini wants an object; a JSON object result stays structured, anything else is the raw string.
      response: { output: parseJsonObject(text) ?? text },
      ...(!isGatewayToolCallId(id) && { id }),
    },
  };
  // The tool's text parts become one part, which carries their last breakpoint.
  return marked(part, { cache_control: texts.findLast((text) => text.cache_control)?.cache_control }, marks);
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isJsonObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

const isJsonObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Gemini 3 validates the first functionCall of every model step; history the
 * gateway never saw a signature for (another provider, an older client) gets
 * the documented skip value instead of a 400.
 */
function ensureFirstCallSigned(content: GeminiContent): void {
  if (content.role !== "model") return;
  const firstCall = content.parts.find((part) => part.functionCall);
  if (firstCall && firstCall.thoughtSignature === undefined) firstCall.thoughtSignature = SKIP_SIGNATURE_VALIDATION;
}
