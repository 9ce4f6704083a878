import { timingSafeEqual } from "node:crypto";
import { randomBase62 } from "../util/random.ts";

export const KEY_PREFIX = "sk-optk-";
const SECRET_LENGTH = 40;
/** How much of a key `key list` shows: the marker plus 4 secret characters. */
const DISPLAY_LENGTH = KEY_PREFIX.length + 4;

/** `sk-optk-` + 40 base62 characters (~238 bits). */
export const generateApiKey = () => KEY_PREFIX + randomBase62(SECRET_LENGTH);

export const hashApiKey = (key: string) => new Bun.CryptoHasher("sha256").update(key).digest("hex");

export const displayPrefix = (key: string) => key.slice(0, DISPLAY_LENGTH);

/** Constant-time equality of two hex SHA-256 digests. */
export function hashesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, "hex");
  const right = Buffer.from(b, "hex");
  return left.length === right.length && timingSafeEqual(left, right);
}
