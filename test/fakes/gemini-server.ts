/**
 * A fake Gemini API (v1beta generateContent / streamGenerateContent) on a
 * loopback port, replaying the recorded fixtures. See fake-server.ts for
 * the scripting API.
 */
import { startFakeServer, type ErrorReply, type FakeProtocol, type FakeResponse, type FakeServer } from "./fake-server.ts";

export type { FakeResponse, FakeServer, RecordedRequest } from "./fake-server.ts";

export const GEMINI_TEST_KEY = "test-gemini-key";

/** A Gemini error body (`google.rpc.Status` envelope). */
export function geminiError(code: number, status: string, message: string, details?: unknown[]) {
  const error: Record<string, unknown> = { code, message, status };
  if (details) error.details = details;
  return { error };
}

/** A scripted Gemini HTTP error, e.g. `geminiErrorResponse(503, "UNAVAILABLE", "The model is overloaded.")`. */
export function geminiErrorResponse(code: number, status: string, message: string): FakeResponse {
  return { status: code, json: geminiError(code, status, message) };
}

const ROUTE = /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;

const reply = (code: number, status: string, message: string, details?: unknown[]): ErrorReply => ({
  status: code,
  body: geminiError(code, status, message, details),
});

export const geminiProtocol: FakeProtocol = {
  provider: "google",
  defaultApiKey: GEMINI_TEST_KEY,
  defaultFixtures: { json: "google-text.json", chunks: "google-text.chunks.txt" },
  route(method, url) {
    const match = ROUTE.exec(url.pathname);
    if (method !== "POST" || !match) return undefined;
    if (match[2] === "generateContent") return { stream: false };
    return { stream: url.searchParams.get("alt") === "sse" ? "sse" : "json-array" };
  },
  notFound: (path) => reply(404, "NOT_FOUND", `Requested entity was not found: ${path}`),
  checkAuth(headers, url, apiKey) {
    const key = headers.get("x-goog-api-key") ?? url.searchParams.get("key");
    if (key === null || key === "") {
      return reply(
        403,
        "PERMISSION_DENIED",
        "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
      );
    }
    if (key !== apiKey) {
      return reply(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", [
        {
          "@type": "type.googleapis.com/google.rpc.ErrorInfo",
          reason: "API_KEY_INVALID",
          domain: "googleapis.com",
          metadata: { service: "generativelanguage.googleapis.com" },
        },
      ]);
    }
    return undefined;
  },
  badJson: () => reply(400, "INVALID_ARGUMENT", "Invalid JSON payload received."),
  frame: (data) => `data: ${data}\r\n\r\n`,
  errorFrame: (payload) => `data: ${JSON.stringify(payload)}\r\n\r\n`,
  defaultErrorPayload: geminiError(503, "UNAVAILABLE", "The model is overloaded. Please try again later."),
  statusOf(body) {
    const code = (body as { error?: { code?: unknown } } | null)?.error?.code;
    return typeof code === "number" ? code : undefined;
  },
  jsonContentType: "application/json; charset=UTF-8",
  sseContentType: "text/event-stream",
};

/** Starts a fake Gemini API. Point GOOGLE_BASE_URL at `server.url`, GOOGLE_API_KEY at `server.apiKey`. */
export function startGeminiServer(options: { apiKey?: string } = {}): FakeServer {
  return startFakeServer(geminiProtocol, options);
}
