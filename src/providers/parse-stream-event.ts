import type { ProviderName } from "../catalog/model.ts";
import { streamError } from "../errors.ts";

/** One upstream SSE payload as a JSON object; anything else ends the stream with a stream_error. */
export function parseStreamEvent<T>(provider: ProviderName, data: string): T {
  let payload: unknown;
  try {
    payload = JSON.parse(data);
  } catch {
    payload = undefined;
  }
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
    throw streamError(`${provider} sent an unparsable stream event`);
  }
  return payload as T;
}
