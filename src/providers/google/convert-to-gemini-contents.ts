import type { CacheControl, CallMessage, CallOptions, ImagePart, TextPart } from "../../calls/call-options.ts";
import { invalidRequest } from "../../errors.ts";
import { type CacheBreakpoint, type CacheMarks, locateBreakpoint } from "./context-cache/cache-breakpoint.ts";
import type { GeminiContent, GeminiPart } from "./gemini-api-types.ts";
import type { GeminiModelTraits } from "./gemini-model-traits.ts";
import { isGatewayToolCallId } from "./gemini-tool-call-id.ts";
import { SKIP_SIGNATURE_VALIDATION, signaturesFromDetails } from "./thought-signature.ts";

/**
 * Call messages → Gemini systemInstruction + contents (reference E.2).
 * Gemini has one system instruction, so every system message joins it in
 * order; tool results become functionResponse parts in a user turn;
 * consecutive same-role turns are merged because Gemini wants alternation.
 * Empty text is dropped everywhere: Gemini rejects empty text parts.
 * The last cache_control breakpoint is located on the converted parts, for
 * the context cache (context-cache/).
 */
export function convertToGeminiContents(
  messages: readonly CallMessage[],
  traits: GeminiModelTraits,
  conversationField: CallOptions["conversationField"],
): { systemInstruction?: { parts: GeminiPart[] }; contents: GeminiContent[]; cacheBreakpoint?: CacheBreakpoint } {
  const system: GeminiPart[] = [];
  const contents: GeminiContent[] = [];
  const marks: CacheMarks = new Map();

  for (const message of messages) {
    switch (message.role) {
      case "system":
        system.push(...textParts(message.content, marks));
        break;
      case "user":
        append(contents, "user", userParts(message.content, marks));
        break;
      case "assistant":
        append(contents, "model", modelParts(message, marks));
        break;
      case "tool":
        append(contents, "user", [functionResponsePart(message, marks)]);
        break;
    }
  }
  if (contents.length === 0) {
    throw invalidRequest(`${conversationField} must contain at least one user, assistant or tool message`, conversationField);
  }
  if (traits.requiresThoughtSignatures) contents.forEach(ensureFirstCallSigned);

  const cacheBreakpoint = locateBreakpoint(system, contents, marks);
  return {
    ...(system.length > 0 && { systemInstruction: { parts: system } }),
    contents,
    ...(cacheBreakpoint && { cacheBreakpoint }),
  };
}

/** Records that `part` came from a content part carrying a cache breakpoint. */
function marked(part: GeminiPart, cacheControl: CacheControl | undefined, marks: CacheMarks): GeminiPart {
  if (cacheControl) marks.set(part, cacheControl);
  return part;
}

function append(contents: GeminiContent[], role: GeminiContent["role"], parts: GeminiPart[]): void {
  if (parts.length === 0) return;
  const last = contents.at(-1);
  if (last?.role === role) last.parts.push(...parts);
  else contents.push({ role, parts });
}

/** Non-empty text parts, each a Gemini text part. */
function textParts(content: readonly TextPart[], marks: CacheMarks): GeminiPart[] {
  return content.filter((part) => part.text !== "").map((part) => marked({ text: part.text }, part.cacheControl, marks));
}

function userParts(content: readonly (TextPart | ImagePart)[], marks: CacheMarks): GeminiPart[] {
  return content
    .filter((part) => part.type !== "text" || part.text !== "")
    .map((part) => marked(part.type === "text" ? { text: part.text } : { inlineData: inlineData(part) }, part.cacheControl, marks));
}

/** Image URLs were refused before (the adapter's `imageUrls` feature). */
function inlineData(part: ImagePart): { mimeType: string; data: string } {
  if (part.source.kind === "url") throw new Error("unreachable: an image URL passed the google adapter's feature check");
  return { mimeType: part.source.mimeType, data: part.source.data };
}

/**
 * Thought signatures come back in `reasoning_details` (see parse side) and go
 * onto the exact part they came from: by tool call id for functionCall parts,
 * and onto the last text part for the id-less one.
 */
function modelParts(message: Extract<CallMessage, { role: "assistant" }>, marks: CacheMarks): GeminiPart[] {
  const signatures = signaturesFromDetails(message.reasoning);
  const parts = textParts(message.content, marks);
  const textSignature = signatures.get(null);
  if (textSignature !== undefined && parts.length > 0) parts[parts.length - 1]!.thoughtSignature = textSignature;

  for (const call of message.toolCalls) {
    const part: GeminiPart = {
      functionCall: { name: call.name, args: call.arguments, ...(!isGatewayToolCallId(call.id) && { id: call.id }) },
    };
    const signature = signatures.get(call.id);
    if (signature !== undefined) part.thoughtSignature = signature;
    parts.push(part);
  }
  return parts;
}

/** Images in tool results were refused before (the adapter's `toolResultImages` feature). */
function functionResponsePart(message: Extract<CallMessage, { role: "tool" }>, marks: CacheMarks): GeminiPart {
  const { toolCallId: id, toolName: name } = message;
  const texts = message.content.filter((part) => part.type === "text");
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
  return marked(part, texts.findLast((text) => text.cacheControl)?.cacheControl, marks);
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

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
