// Plain TypeBox: Elysia's `t` variants coerce numeric strings, which the OpenAI wire format does not allow.
import { Type as t, type Static } from "@sinclair/typebox";

/** The OpenAI error envelope every failure uses (spec: errors.txt). */
export const ErrorEnvelope = t.Object(
  {
    error: t.Object({
      message: t.String(),
      type: t.String({ examples: ["invalid_request_error"] }),
      code: t.Union([t.String(), t.Null()], { examples: ["model_not_found"] }),
      param: t.Optional(t.Union([t.String(), t.Null()])),
    }),
  },
  { title: "ErrorEnvelope" },
);
export type ErrorEnvelope = Static<typeof ErrorEnvelope>;
