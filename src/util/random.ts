const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Uniformly random base62 text from the system CSPRNG, by rejection sampling. */
export function randomBase62(length: number): string {
  let text = "";
  while (text.length < length) {
    for (const byte of crypto.getRandomValues(new Uint8Array(length + 8))) {
      // 248 = 4 × 62: bytes above it would bias the first characters.
      if (byte < 248 && text.length < length) text += BASE62[byte % 62];
    }
  }
  return text;
}

/** A short random id with a type prefix, e.g. `ws_3kT9…`. */
export const randomId = (prefix: string, length = 16) => `${prefix}_${randomBase62(length)}`;
