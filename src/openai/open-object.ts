import { type ObjectOptions, type TProperties, Type as t } from "@sinclair/typebox";

/**
 * A request object schema that accepts properties it does not list: OpenAI
 * adds fields all the time, SDKs echo whole response objects back (an
 * assistant message with `refusal` or `annotations`), and unknown fields are
 * ignored rather than refused. Explicit, because Elysia closes objects that
 * leave `additionalProperties` unset. Listed fields are checked strictly.
 */
export const OpenObject = <T extends TProperties>(properties: T, options: ObjectOptions = {}) =>
  t.Object(properties, { additionalProperties: true, ...options });
