import { type ApiError, invalidRequest } from "../errors.ts";
import type { CallToolChoice, ImagePart } from "./call-options.ts";

/**
 * Rules every wire format shares when it is read into call options (chat
 * completions, the Responses API); `fail` makes the 400 naming the client's
 * own field.
 */

/** "auto" and "none" without tools are harmless; demanding a call when no such tool exists cannot be served. */
export function checkedToolChoice(choice: CallToolChoice | undefined, tools: readonly { name: string }[]): CallToolChoice | undefined {
  if (choice === undefined) return undefined;
  if (tools.length === 0 && (choice.type === "required" || choice.type === "tool")) {
    throw invalidRequest("tool_choice asks for a tool call, but the request has no tools", "tool_choice");
  }
  if (choice.type === "tool" && !tools.some((tool) => tool.name === choice.name)) {
    throw invalidRequest(`tool_choice names function "${choice.name}", which is not in tools`, "tool_choice");
  }
  return choice;
}

/** A tool call's JSON arguments as an object; some clients send "" for a call without arguments. */
export function parseToolArguments(text: string, callId: string, fail: (message: string) => ApiError): Record<string, unknown> {
  if (text.trim() === "") return {};
  let args: unknown;
  try {
    args = JSON.parse(text);
  } catch {
    throw fail(`tool call "${callId}" has arguments that are not valid JSON`);
  }
  if (typeof args !== "object" || args === null || Array.isArray(args)) throw fail(`tool call "${callId}" arguments must be a JSON object`);
  return args as Record<string, unknown>;
}

/** `data:<mime>[;<param>...];base64,<data>` or an http(s) URL. */
export function imageSource(url: string, field: string, fail: (message: string) => ApiError): ImagePart["source"] {
  if (/^https?:\/\//i.test(url)) return { kind: "url", url };
  const comma = url.indexOf(",");
  if (url.startsWith("data:") && comma > 0) {
    const [mimeType, ...params] = url.slice(5, comma).split(";");
    if (mimeType && params.includes("base64")) return { kind: "data", mimeType, data: url.slice(comma + 1) };
  }
  throw fail(`${field} must be an http(s) URL or a base64 data URI (data:<mime>;base64,<data>)`);
}
