import { expect, test } from "bun:test";
import { fixtureText } from "../../support/fixtures.ts";
import { mapGeminiError } from "../../../src/providers/google/map-gemini-error.ts";

const mapped = (status: number, bodyText: string) => {
  const error = mapGeminiError(status, bodyText);
  return { status: error.status, error: error.toEnvelope().error };
};

const upstreamInvalid = (message: string) => ({
  status: 400,
  error: { type: "invalid_request_error", code: "upstream_invalid_request", message },
});

const body = (code: number, status: string, message: string) => JSON.stringify({ error: { code, status, message } });

const noSupplier = (message: string) => ({ status: 503, error: { type: "upstream_error", code: "no_supplier", message } });

test("google-429-retry-info.json: quota → 503 no_supplier saying what google answered", () => {
  expect(mapped(429, fixtureText("google", "google-429-retry-info.json"))).toEqual(
    noSupplier("google returned 429 RESOURCE_EXHAUSTED: You exceeded your current quota, please check your plan."),
  );
});

test("issue-8943-gemini-2.5-flash-error.json: INVALID_ARGUMENT → 400 with the provider's message", () => {
  expect(mapped(400, fixtureText("google", "issue-8943-gemini-2.5-flash-error.json"))).toEqual(
    upstreamInvalid("Penalty is not enabled for models/gemini-2.5-flash"),
  );
});

test("google-thinking-level-minimal-unsupported.json → 400", () => {
  expect(mapped(400, fixtureText("google", "google-thinking-level-minimal-unsupported.json"))).toEqual(
    upstreamInvalid("Thinking level MINIMAL is not supported for this model. Please retry with other thinking level."),
  );
});

test("google-embedding-batch-limit-error.json → 400, message trimmed", () => {
  expect(mapped(400, fixtureText("google", "google-embedding-batch-limit-error.json"))).toEqual(
    upstreamInvalid("* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch"),
  );
});

test("FAILED_PRECONDITION and 404 NOT_FOUND are the caller's 400s", () => {
  expect(mapped(400, body(400, "FAILED_PRECONDITION", "User location is not supported for the API use."))).toEqual(
    upstreamInvalid("User location is not supported for the API use."),
  );
  expect(mapped(404, body(404, "NOT_FOUND", "models/gemini-9 is not found for API version v1beta."))).toEqual(
    upstreamInvalid("models/gemini-9 is not found for API version v1beta."),
  );
});

test("a rejected gateway key is no_supplier and never echoes the provider's text", () => {
  const badKey = JSON.stringify({
    error: {
      code: 400,
      message: "API key not valid. Please pass a valid API key. key=AIzaSyA-secret-secret-secret-secret12",
      status: "INVALID_ARGUMENT",
      details: [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "API_KEY_INVALID", domain: "googleapis.com" }],
    },
  });
  expect(mapped(400, badKey)).toEqual(noSupplier("google rejected the gateway's credentials (400 INVALID_ARGUMENT)"));
  expect(mapped(403, body(403, "PERMISSION_DENIED", "Key AIzaXYZ denied"))).toEqual(
    noSupplier("google rejected the gateway's credentials (403 PERMISSION_DENIED)"),
  );
  expect(mapped(401, "")).toEqual(noSupplier("google rejected the gateway's credentials (401)"));
});

test("5xx, 429 and other statuses → 503; URLs and key-shaped strings are scrubbed", () => {
  const overloaded = JSON.stringify({
    error: {
      code: 503,
      status: "UNAVAILABLE",
      message:
        "The model is overloaded. See https://ai.google.dev/gemini-api/docs/rate-limits. " +
        "Key AIzaSyA1234567890abcdefghijklmnopqrstu",
    },
  });
  expect(mapped(503, overloaded)).toEqual(
    noSupplier("google returned 503 UNAVAILABLE: The model is overloaded. See <url> Key <redacted>"),
  );
  expect(mapped(500, body(500, "INTERNAL", "An internal error has occurred."))).toEqual(
    noSupplier("google returned 500 INTERNAL: An internal error has occurred."),
  );
  expect(mapped(402, body(402, "RESOURCE_EXHAUSTED", "Credits used up."))).toEqual(
    noSupplier("google returned 402 RESOURCE_EXHAUSTED: Credits used up."),
  );
});

test("unparsable bodies", () => {
  expect(mapped(502, "<html>Bad Gateway</html>")).toEqual(noSupplier("google returned 502"));
  expect(mapped(400, "not json")).toEqual(upstreamInvalid("google rejected the request (400)"));
  expect(mapped(500, '{"error":"string"}')).toEqual(noSupplier("google returned 500"));
});

test("RetryInfo.retryDelay → Retry-After seconds, rounded up and capped at an hour like the header", () => {
  const retryIn = (retryDelay: string) =>
    mapGeminiError(
      429,
      JSON.stringify({
        error: {
          code: 429,
          status: "RESOURCE_EXHAUSTED",
          message: "Quota exceeded.",
          details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay }],
        },
      }),
    ).retryAfterSeconds;
  expect(mapGeminiError(429, fixtureText("google", "google-429-retry-info.json")).retryAfterSeconds).toBe(35);
  expect(retryIn("34.4s")).toBe(35);
  expect(retryIn("0s")).toBe(1);
  expect(retryIn("86400s")).toBe(3600);
  expect(retryIn("soon")).toBeUndefined();
});
