// Plain TypeBox: Elysia's `t` variants coerce numeric strings, which the OpenAI wire format does not allow.
import { Type as t } from "@sinclair/typebox";

const Price = t.Union([t.Number(), t.Null()]);

/** One entry of the model list (spec: list-models.txt), also `GET /v1/models/{id}`. */
export const Model = t.Object(
  {
    id: t.String({ examples: ["google/gemini-3-flash"] }),
    object: t.Literal("model"),
    created: t.Literal(1704067200),
    owned_by: t.String({ examples: ["google"] }),
    pricing: t.Object(
      { input: Price, output: Price, cache_read: Price, cache_write: Price },
      { description: "USD per 1M tokens; cache prices are null when the model has no distinct cache rate." },
    ),
  },
  { title: "Model" },
);

/** `GET /v1/models` (spec: list-models.txt). */
export const ModelList = t.Object({ object: t.Literal("list"), data: t.Array(Model) }, { title: "ModelList" });
