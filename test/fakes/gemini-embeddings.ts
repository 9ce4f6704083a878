/**
 * batchEmbedContents replies computed from the request, for the fake Gemini
 * server: `gemini.setDefault(geminiEmbeddingReply())`. Behaves like the real
 * endpoint as the reference (C.12) describes it: at most 100 requests per
 * batch, `requests[].model` must name the URL's model, output in request
 * order, a unit-length full-size vector and a truncated, not re-normalised,
 * prefix for a smaller `outputDimensionality`.
 */
import type { FakeResponse, RecordedRequest } from "./fake-server.ts";
import { geminiError } from "./gemini-server.ts";

/** text-embedding-004's output size. */
export const FAKE_EMBEDDING_SIZE = 768;

/**
 * The fake's vector for a text: deterministic, unit length, every value a
 * float32 (so both encodings can reproduce it exactly). `dimensions` keeps a
 * prefix, as Gemini does.
 */
export function fakeEmbedding(text: string, dimensions = FAKE_EMBEDDING_SIZE): number[] {
  let seed = 2166136261;
  for (const byte of Buffer.from(text, "utf8")) seed = Math.imul(seed ^ byte, 16777619) >>> 0;
  const random = () => {
    // mulberry32
    seed = (seed + 0x6d2b79f5) >>> 0;
    let z = seed;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
  const raw = Array.from({ length: FAKE_EMBEDDING_SIZE }, random);
  const norm = Math.hypot(...raw);
  return raw.map((v) => Math.fround(v / norm)).slice(0, dimensions);
}

export interface EmbeddingReplyOptions {
  /** Add gemini-embedding-2's `usageMetadata.promptTokenCount`: this many tokens per request. */
  tokensPerInput?: number;
}

const invalid = (message: string): FakeResponse => ({ status: 400, json: geminiError(400, "INVALID_ARGUMENT", message) });

/** A FakeResponse whose body is computed from each batchEmbedContents request. */
export function geminiEmbeddingReply(options: EmbeddingReplyOptions = {}): FakeResponse {
  return { reply: (request) => embed(request, options) };
}

function embed(request: RecordedRequest, options: EmbeddingReplyOptions): FakeResponse {
  const model = /\/models\/([^/:]+):batchEmbedContents/.exec(request.path)?.[1];
  const requests = request.body?.requests;
  if (!model || !Array.isArray(requests)) return invalid("Invalid JSON payload received. Expected requests.");
  // Recorded wording: fixture google-embedding-batch-limit-error.json.
  if (requests.length > 100) return invalid("* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch\n");
  const embeddings = [];
  for (const [i, item] of requests.entries()) {
    if (item?.model !== `models/${model}`) {
      return invalid(`* BatchEmbedContentsRequest.requests[${i}].model: the model must match the model in the URL\n`);
    }
    // Stricter than Gemini, which fuses several parts into one vector: the gateway must never send more than one.
    const parts = item.content?.parts;
    if (!Array.isArray(parts) || parts.length !== 1 || typeof parts[0]?.text !== "string") {
      return invalid(`* BatchEmbedContentsRequest.requests[${i}].content: expected one text part\n`);
    }
    embeddings.push({ values: fakeEmbedding(parts[0].text, item.outputDimensionality) });
  }
  const json: Record<string, unknown> = { embeddings };
  if (options.tokensPerInput !== undefined) {
    const tokens = options.tokensPerInput * requests.length;
    json.usageMetadata = { promptTokenCount: tokens, promptTokenDetails: [{ modality: "TEXT", tokenCount: tokens }] };
  }
  return { json };
}
