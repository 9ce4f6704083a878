import type { ReasoningDetail } from "../../openai/chat-request.ts";

/**
 * Gemini thought signatures travel to the client and back as OpenRouter-style
 * `reasoning_details` entries (reference B.2, C.9): `id` is the tool call id
 * when the signature sat on a functionCall part, null when it sat on text.
 */
export const GEMINI_SIGNATURE_FORMAT = "google-gemini-v1";

/** Documented stand-in for history that never had a signature (reference C.9). */
export const SKIP_SIGNATURE_VALIDATION = "skip_thought_signature_validator";

export function signatureDetail(signature: string, toolCallId: string | null, index: number): ReasoningDetail {
  return { type: "reasoning.encrypted", data: signature, id: toolCallId, format: GEMINI_SIGNATURE_FORMAT, index };
}

/** Signatures from an echoed assistant message, keyed by tool call id (null = text part). */
export function signaturesFromDetails(details: readonly ReasoningDetail[] | undefined): Map<string | null, string> {
  const signatures = new Map<string | null, string>();
  for (const detail of details ?? []) {
    if (detail.type === "reasoning.encrypted" && detail.format === GEMINI_SIGNATURE_FORMAT && detail.data) {
      signatures.set(detail.id ?? null, detail.data);
    }
  }
  return signatures;
}
