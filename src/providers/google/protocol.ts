import type { ProviderProtocol } from "../provider-client.ts";
import { mapGeminiError } from "./map-gemini-error.ts";

/** Generative Language API v1beta: a key header, google.rpc error bodies. */
export const googleProtocol: ProviderProtocol = {
  provider: "google",
  headers: (credential) => ({ "x-goog-api-key": credential }),
  mapError: mapGeminiError,
};
