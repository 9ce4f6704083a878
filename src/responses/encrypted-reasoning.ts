import { invalidRequest } from "../errors.ts";
import { exceedsDepth } from "../http/json-body.ts";
import type { ReasoningDetail } from "../openai/chat-request.ts";

/**
 * The gateway's `encrypted_content` of a reasoning item: base64url of the JSON
 * array of the reasoning details the adapters produced for the turn (Gemini
 * thought signatures keyed by tool call id, Claude thinking blocks with their
 * signatures), each tagged with its provider's format. The secrets inside are
 * the providers' own signatures, which they verify; the wrapper only carries
 * them back to the adapters (providers/google/thought-signature.ts,
 * providers/anthropic/anthropic-reasoning-details.ts).
 */
export const encodeReasoning = (details: readonly ReasoningDetail[]) => Buffer.from(JSON.stringify(details)).toString("base64url");

/** More than any turn produces (one per thinking block or signed part). */
const MAX_DETAILS = 1_000;
const BASE64URL = /^[A-Za-z0-9_-]*$/;
const utf8 = new TextDecoder("utf-8", { fatal: true });
const STRING_FIELDS = ["type", "text", "summary", "data", "format"] as const;

/**
 * Client input, so bounded and total: anything that is not what
 * encodeReasoning made is a 400 naming `param`, never an exception. Its size
 * is bounded by the body limit; its nesting is checked before parsing.
 */
export function decodeReasoning(encoded: string, param: string): ReasoningDetail[] {
  const invalid = () => invalidRequest("encrypted_content is not reasoning this gateway produced (send the item back unchanged)", param);
  if (!BASE64URL.test(encoded)) throw invalid();
  const bytes = Buffer.from(encoded, "base64url");
  if (exceedsDepth(bytes, 3)) throw invalid();
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(bytes));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(value) || value.length > MAX_DETAILS || !value.every(isDetail)) throw invalid();
  return value;
}

function isDetail(value: unknown): value is ReasoningDetail {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const detail = value as Record<string, unknown>;
  if (typeof detail.type !== "string") return false;
  if (STRING_FIELDS.some((field) => detail[field] !== undefined && typeof detail[field] !== "string")) return false;
  for (const field of ["id", "signature"]) {
    if (detail[field] !== undefined && detail[field] !== null && typeof detail[field] !== "string") return false;
  }
  return detail.index === undefined || typeof detail.index === "number";
}
