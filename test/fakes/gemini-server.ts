/**
 * A fake Gemini API (v1beta generateContent / streamGenerateContent) on a
 * loopback port, replaying the recorded fixtures. See fake-server.ts for
 * the scripting API.
 */
import {
  startFakeServer,
  type ErrorReply,
  type FakeProtocol,
  type FakeResponse,
  type FakeServer,
  type RecordedRequest,
} from "./fake-server.ts";

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
/** batchEmbedContents: script its replies with `geminiEmbeddingReply()` (gemini-embeddings.ts). */
const EMBED_ROUTE = /^\/v1beta\/models\/[^/:]+:batchEmbedContents$/;

/** cachedContents.create has its own script queue: `gemini.enqueueFor(CACHED_CONTENTS, …)`. */
export const CACHED_CONTENTS = "cachedContents";
const CACHE_FIELDS = new Set(
  ["model", "ttl", "expireTime", "displayName", "contents", "systemInstruction", "tools", "toolConfig"],
);
let cacheSerial = 0;

/** The refusal of a prefix below the model's minimum (captured wording, LiteLLM issue 17696). */
export function geminiCacheTooSmall(total = 896, min = 1024): FakeResponse {
  return geminiErrorResponse(
    400,
    "INVALID_ARGUMENT",
    `Cached content is too small. total_token_count=${total}, min_total_token_count=${min}`,
  );
}

/** A created CachedContent (reference C.11) for a body the real API would accept, expiring after its ttl. */
function cachedContentReply({ body }: RecordedRequest): FakeResponse {
  const unknown = Object.keys(body).find((field) => !CACHE_FIELDS.has(field));
  if (unknown) return geminiErrorResponse(400, "INVALID_ARGUMENT", `Invalid JSON payload received. Unknown name "${unknown}"`);
  if (typeof body.model !== "string" || !body.model.startsWith("models/")) {
    return geminiErrorResponse(400, "INVALID_ARGUMENT", "model must be of the form models/{model}");
  }
  const now = Date.now();
  const ttlSeconds = Number(/^(\d+)s$/.exec(body.ttl ?? "")?.[1] ?? 3600);
  const time = new Date(now).toISOString();
  return {
    json: {
      name: `${CACHED_CONTENTS}/fake${++cacheSerial}`,
      model: body.model,
      createTime: time,
      updateTime: time,
      expireTime: new Date(now + ttlSeconds * 1000).toISOString(),
      usageMetadata: { totalTokenCount: Math.ceil(JSON.stringify(body).length / 4) },
    },
  };
}

const reply = (code: number, status: string, message: string, details?: unknown[]): ErrorReply => ({
  status: code,
  body: geminiError(code, status, message, details),
});

export const geminiProtocol: FakeProtocol = {
  provider: "google",
  defaultApiKey: GEMINI_TEST_KEY,
  defaultFixtures: { json: "google-text.json", chunks: "google-text.chunks.txt" },
  route(method, url) {
    if (method === "POST" && EMBED_ROUTE.test(url.pathname)) return { stream: false };
    if (method === "POST" && url.pathname === `/v1beta/${CACHED_CONTENTS}`) {
      return { stream: false, queue: CACHED_CONTENTS, defaultReply: { reply: cachedContentReply } };
    }
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
