import { checkSupport } from "../../../src/calls/check-support.ts";
import { callOptionsFromChat } from "../../../src/calls/from-chat-request.ts";
import type { CatalogModel } from "../../../src/catalog/model.ts";
import { buildGeminiRequest, type GeminiCall } from "../../../src/providers/google/build-gemini-request.ts";
import { googleFeatures } from "../../../src/providers/google/index.ts";
import { ApiError } from "../../../src/errors.ts";
import type { ChatCompletionRequest } from "../../../src/openai/chat-request.ts";

/** A chat model as the catalog would hold it; every capability on unless overridden. */
export function googleModel(upstreamModel: string, overrides: Partial<CatalogModel> = {}): CatalogModel {
  return {
    id: `google/${upstreamModel}`,
    provider: "google",
    upstreamModel,
    kind: "chat",
    prices: { input: 500_000_000n, output: 3_000_000_000n, cacheRead: 50_000_000n, cacheWrite: 500_000_000n },
    supportsTools: true,
    supportsReasoning: true,
    supportsCaching: true,
    supportsStreaming: true,
    maxOutputTokens: 65536,
    enabled: true,
    ...overrides,
  };
}

export const gemini3Flash = googleModel("gemini-3-flash");

export const chatRequest = (fields: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest => ({
  model: "google/gemini-3-flash",
  messages: [{ role: "user", content: "Hi" }],
  ...fields,
});

/** The Gemini call for a request on `model`, through the checks the gateway runs before building it. */
export function buildGemini(req: ChatCompletionRequest, model: CatalogModel = gemini3Flash, stream = false): GeminiCall {
  const options = callOptionsFromChat({ ...req, stream }, model);
  checkSupport(options, { provider: "google", features: googleFeatures });
  return buildGeminiRequest(options);
}

/** Deterministic tool call ids: call_test_1, call_test_2, ... */
export function sequentialIds(): () => string {
  let next = 0;
  return () => `call_test_${++next}`;
}

/** What a thrown ApiError looks like to the client. */
export function thrown(fn: () => unknown): { status: number; error: ReturnType<ApiError["toEnvelope"]>["error"] } {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { status: error.status, error: error.toEnvelope().error };
  }
  throw new Error("expected an ApiError");
}
