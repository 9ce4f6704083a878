/** The slice of Gemini's batchEmbedContents wire format (reference C.12) this adapter writes and reads. */

export interface GeminiEmbedRequest {
  /** `models/{model}`: must name the model in the URL. */
  model: string;
  /** Exactly one part: every part of a content is fused into one vector. */
  content: { parts: [{ text: string }] };
  outputDimensionality?: number;
}

export interface GeminiBatchEmbedRequest {
  requests: GeminiEmbedRequest[];
}

/** Fields are optional because only a validated reply is trusted. */
export interface GeminiBatchEmbedResponse {
  embeddings?: { values?: unknown }[];
  /** Sent by gemini-embedding-2 only; text-embedding-004 and gemini-embedding-001 report no usage. */
  usageMetadata?: { promptTokenCount?: unknown };
}
