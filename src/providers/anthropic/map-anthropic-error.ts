import { type ApiError, noSupplier, upstreamInvalidRequest } from "../../errors.ts";
import { supplierFailureOf } from "../supplier-failure.ts";
import type { AnthropicErrorBody } from "./anthropic-api-types.ts";

/**
 * A non-2xx Anthropic reply → the spec's error table (reference D.8).
 * Request problems are the client's to fix and keep Anthropic's message;
 * everything else is ours (credentials, billing, capacity) and becomes 503
 * no_supplier, never echoing keys.
 */
export function mapAnthropicError(status: number, bodyText: string): ApiError {
  const error = parseErrorBody(bodyText);
  switch (status) {
    case 400:
    case 404:
    case 413:
      return upstreamInvalidRequest(
        error ? sanitizeUpstreamMessage(error.message) : `anthropic rejected the request (HTTP ${status})`,
      );
    case 401:
    case 403:
      return noSupplier(`anthropic rejected the gateway's credentials (${status} ${error?.type ?? "error"})`, "credentials");
    case 402:
      return noSupplier(`anthropic refused the gateway's account (${status} ${error?.type ?? "billing_error"})`, "credentials");
    default: {
      const answer = error
        ? `${error.type}: ${sanitizeUpstreamMessage(error.message)}`
        : "with an unreadable error body";
      return noSupplier(`anthropic returned ${status} ${answer}`, supplierFailureOf(status));
    }
  }
}

function parseErrorBody(bodyText: string): AnthropicErrorBody["error"] | undefined {
  try {
    const error = (JSON.parse(bodyText) as Partial<AnthropicErrorBody>)?.error;
    if (typeof error?.type === "string" && typeof error.message === "string") return error;
  } catch {
    // Proxies in front of the API (e.g. a 413 from Cloudflare) answer with HTML.
  }
  return undefined;
}

const MAX_MESSAGE_LENGTH = 500;

/** Upstream text shown to clients: no URLs, nothing that looks like an Anthropic key, bounded length. */
export function sanitizeUpstreamMessage(message: string): string {
  return message
    .replace(/https?:\/\/\S+/g, "[url]")
    .replace(/sk-ant-[\w-]+/g, "[redacted]")
    .slice(0, MAX_MESSAGE_LENGTH);
}
