const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const GATEWAY_ID = /^call_[A-Za-z0-9]{24}$/;

/** Gemini usually returns function calls without ids, so the gateway makes them (reference E.4). */
export function newToolCallId(): string {
  let id = "call_";
  for (const byte of crypto.getRandomValues(new Uint8Array(24))) id += ALPHABET[byte % ALPHABET.length];
  return id;
}

/**
 * Whether an id came from newToolCallId. Any other id in history was
 * Gemini's own functionCall.id and is echoed back on the call and its
 * functionResponse, as the API asks.
 */
export const isGatewayToolCallId = (id: string) => GATEWAY_ID.test(id);
