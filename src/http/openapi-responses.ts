import { ErrorEnvelope } from "../openai/error.ts";

const envelope = (description: string) => ({ ...ErrorEnvelope, description });

/** Error responses every authenticated route can give, for the OpenAPI spec. */
export const authErrorResponses = {
  401: envelope("authentication_error: missing_auth, invalid_key or expired_key"),
  500: envelope("api_error: unexpected failure inside the gateway"),
};
