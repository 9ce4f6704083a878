import { expect, test } from "bun:test";
import { mapAnthropicError } from "../../../src/providers/anthropic/map-anthropic-error.ts";

const body = (type: string, message: string) =>
  JSON.stringify({ type: "error", error: { type, message }, request_id: "req_011CdKG2NtAD16XZmtMKXVQr" });

const envelope = (status: number, text: string) => {
  const error = mapAnthropicError(status, text);
  return { status: error.status, ...error.toEnvelope().error };
};

const noSupplier = (message: string) => ({ status: 503, type: "upstream_error", code: "no_supplier", message });
// The same code as a Gemini 400, so clients can tell a provider's refusal from the gateway's own 400s.
const badRequest = (message: string) => ({ status: 400, type: "invalid_request_error", code: "upstream_invalid_request", message });

test("request errors are the client's: 400 with Anthropic's message", () => {
  expect(envelope(400, body("invalid_request_error", "max_tokens: Field required"))).toEqual(
    badRequest("max_tokens: Field required"),
  );
  expect(envelope(404, body("not_found_error", "model: claude-nope"))).toEqual(badRequest("model: claude-nope"));
  expect(envelope(413, "<html><body>413 Request Entity Too Large</body></html>")).toEqual(
    badRequest("anthropic rejected the request (HTTP 413)"),
  );
});

test("credential and billing failures are the gateway's: 503 without echoing anything key-like", () => {
  expect(envelope(401, body("authentication_error", "invalid x-api-key sk-ant-api03-secret"))).toEqual(
    noSupplier("anthropic rejected the gateway's credentials (401 authentication_error)"),
  );
  expect(envelope(403, body("permission_error", "Your API key does not have permission"))).toEqual(
    noSupplier("anthropic rejected the gateway's credentials (403 permission_error)"),
  );
  expect(envelope(402, body("billing_error", "Your credit balance is too low"))).toEqual(
    noSupplier("anthropic refused the gateway's account (402 billing_error)"),
  );
});

test("capacity and server failures: 503 saying what Anthropic answered", () => {
  expect(envelope(529, body("overloaded_error", "Overloaded"))).toEqual(
    noSupplier("anthropic returned 529 overloaded_error: Overloaded"),
  );
  expect(envelope(500, body("api_error", "Internal server error"))).toEqual(
    noSupplier("anthropic returned 500 api_error: Internal server error"),
  );
  expect(envelope(504, body("timeout_error", "Request timed out"))).toEqual(
    noSupplier("anthropic returned 504 timeout_error: Request timed out"),
  );
  expect(
    envelope(
      429,
      body(
        "rate_limit_error",
        "This request would exceed the rate limit for your organization of 50 requests per minute. See https://docs.anthropic.com/en/api/rate-limits for details.",
      ),
    ),
  ).toEqual(
    noSupplier(
      "anthropic returned 429 rate_limit_error: This request would exceed the rate limit for your organization of 50 requests per minute. See [url] for details.",
    ),
  );
});

test("unreadable bodies", () => {
  expect(envelope(502, "<html>Bad Gateway at http://10.0.0.5:8080/v1/messages</html>")).toEqual(
    noSupplier("anthropic returned 502 with an unreadable error body"),
  );
  expect(envelope(400, "")).toEqual(badRequest("anthropic rejected the request (HTTP 400)"));
  expect(envelope(500, JSON.stringify({ error: "flat" }))).toEqual(
    noSupplier("anthropic returned 500 with an unreadable error body"),
  );
});

test("long upstream messages are bounded", () => {
  expect(mapAnthropicError(400, body("invalid_request_error", "x".repeat(2000))).message).toHaveLength(500);
});
