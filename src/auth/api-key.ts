import { randomBase62 } from "../util/random.ts";

export const KEY_PREFIX = "sk-optk-";
const SECRET_LENGTH = 40;
/** How much of a key `key list` shows: the marker plus 4 secret characters. */
const DISPLAY_LENGTH = KEY_PREFIX.length + 4;

/** `sk-optk-` + 40 base62 characters (~238 bits). */
export const generateApiKey = () => KEY_PREFIX + randomBase62(SECRET_LENGTH);

export const hashApiKey = (key: string) => Bun.CryptoHasher.hash("sha256", key, "hex");

export const displayPrefix = (key: string) => key.slice(0, DISPLAY_LENGTH);

/** Constant-time equality of two strings of the same alphabet (a secret and what was sent for it); false when lengths differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}
