// Plain TypeBox: Elysia's `t` variants coerce numeric strings, which the OpenAI wire format does not allow.
import { Type as t, type Static } from "@sinclair/typebox";
import { OpenObject } from "./open-object.ts";

/** The most inputs one request may carry (OpenAI's own limit, reference A.7). */
export const MAX_EMBEDDING_INPUTS = 2048;

/**
 * `POST /v1/embeddings` (reference A.7). `input` also admits OpenAI's
 * token-id forms so that they reach the service, which rejects them with a
 * clear message instead of TypeBox's "Expected union value".
 */
export const EmbeddingRequest = OpenObject(
  {
    model: t.String({ minLength: 1, examples: ["google/text-embedding-004"] }),
    input: t.Union(
      [t.String(), t.Array(t.Union([t.String(), t.Integer(), t.Array(t.Integer())]))],
      {
        description: `A non-empty string or an array of 1 to ${MAX_EMBEDDING_INPUTS} non-empty strings. Token-id arrays are rejected with 400.`,
        examples: ["The food was delicious.", ["first text", "second text"]],
      },
    ),
    encoding_format: t.Optional(
      t.Union([t.Literal("float"), t.Literal("base64"), t.Null()], {
        description: "`float` (default) or `base64`: little-endian float32 values, base64-encoded.",
      }),
    ),
    dimensions: t.Optional(
      t.Union([t.Integer({ minimum: 1, maximum: 65_536 }), t.Null()], {
        description: "Shorten each vector to this many dimensions; the result is re-normalised to unit length.",
      }),
    ),
    user: t.Optional(t.Union([t.String(), t.Null()])),
  },
  { title: "EmbeddingRequest" },
);
export type EmbeddingRequest = Static<typeof EmbeddingRequest>;

export const EmbeddingUsage = t.Object({
  prompt_tokens: t.Integer(),
  total_tokens: t.Integer({ description: "Equal to prompt_tokens: embeddings have no output tokens." }),
  cost: t.Optional(t.Number({ description: "Cost of the request in USD" })),
});
export type EmbeddingUsage = Static<typeof EmbeddingUsage>;

export const EmbeddingList = t.Object(
  {
    object: t.Literal("list"),
    data: t.Array(
      t.Object({
        object: t.Literal("embedding"),
        index: t.Integer({ description: "Position of the input this vector belongs to." }),
        embedding: t.Union([t.Array(t.Number()), t.String({ description: "base64 of little-endian float32 values" })]),
      }),
    ),
    model: t.String({ examples: ["google/text-embedding-004"] }),
    usage: EmbeddingUsage,
  },
  { title: "EmbeddingList" },
);
export type EmbeddingList = Static<typeof EmbeddingList>;
