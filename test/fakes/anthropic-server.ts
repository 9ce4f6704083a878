/**
 * A fake Anthropic Messages API (POST /v1/messages) on a loopback port,
 * replaying the recorded fixtures. See fake-server.ts for the scripting API.
 */
import { startFakeServer, type ErrorReply, type FakeProtocol, type FakeResponse, type FakeServer } from "./fake-server.ts";

export type { FakeResponse, FakeServer, RecordedRequest } from "./fake-server.ts";

export const ANTHROPIC_TEST_KEY = "test-anthropic-key";
export const ANTHROPIC_VERSION = "2023-06-01";

/** HTTP status per Anthropic `error.type` (reference D.8). */
const STATUS_BY_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

let requestCounter = 0;
const requestId = () => `req_fake${String(++requestCounter).padStart(8, "0")}`;

/** An Anthropic error body. */
export function anthropicError(type: string, message: string) {
  return { type: "error", error: { type, message }, request_id: requestId() };
}

/** A scripted Anthropic HTTP error; the status follows the error type unless given. */
export function anthropicErrorResponse(type: string, message: string, status?: number): FakeResponse {
  return { status: status ?? STATUS_BY_TYPE[type] ?? 500, json: anthropicError(type, message) };
}

/** The 529 Anthropic sends when it is overloaded. */
export const anthropicOverloaded = (): FakeResponse => anthropicErrorResponse("overloaded_error", "Overloaded");

const reply = (status: number, type: string, message: string): ErrorReply => ({
  status,
  body: anthropicError(type, message),
});

export const anthropicProtocol: FakeProtocol = {
  provider: "anthropic",
  defaultApiKey: ANTHROPIC_TEST_KEY,
  defaultFixtures: { json: "anthropic-text.json", chunks: "anthropic-text.chunks.txt" },
  route(method, url, body) {
    if (method !== "POST" || url.pathname !== "/v1/messages") return undefined;
    return { stream: (body as { stream?: unknown } | null)?.stream === true ? "sse" : false };
  },
  notFound: () => reply(404, "not_found_error", "Not Found"),
  checkAuth(headers, _url, apiKey) {
    const key = headers.get("x-api-key");
    if (key === null || key === "") return reply(401, "authentication_error", "x-api-key header is required");
    if (key !== apiKey) return reply(401, "authentication_error", "invalid x-api-key");
    const version = headers.get("anthropic-version");
    if (version === null) return reply(400, "invalid_request_error", "anthropic-version: header is required");
    if (version !== ANTHROPIC_VERSION) {
      return reply(400, "invalid_request_error", `anthropic-version: invalid version "${version}"`);
    }
    return undefined;
  },
  badJson: () => reply(400, "invalid_request_error", "There was an error parsing the body as JSON."),
  frame(data) {
    let type: unknown;
    try {
      type = (JSON.parse(data) as { type?: unknown } | null)?.type;
    } catch {
      // Not JSON (a test feeding garbage): still framed like a real event.
    }
    return `event: ${typeof type === "string" ? type : "message"}\ndata: ${data}\n\n`;
  },
  errorFrame: (payload) => `event: error\ndata: ${JSON.stringify(payload)}\n\n`,
  defaultErrorPayload: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } },
  statusOf(body) {
    const b = body as { type?: unknown; error?: { type?: unknown } } | null;
    if (b?.type !== "error" || typeof b.error?.type !== "string") return undefined;
    return STATUS_BY_TYPE[b.error.type] ?? 500;
  },
  jsonContentType: "application/json",
  sseContentType: "text/event-stream; charset=utf-8",
  extraHeaders: () => ({ "request-id": requestId() }),
};

/** Starts a fake Anthropic API. Point ANTHROPIC_BASE_URL at `server.url`, ANTHROPIC_API_KEY at `server.apiKey`. */
export function startAnthropicServer(options: { apiKey?: string } = {}): FakeServer {
  return startFakeServer(anthropicProtocol, options);
}
