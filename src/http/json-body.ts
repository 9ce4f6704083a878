import { invalidJson, requestTooLarge } from "../errors.ts";

/**
 * Deepest nesting of arrays and objects a request body may have. Real
 * requests stay far below it (a tool schema nested 20 levels is ~45 here);
 * past it, validating and translating would recurse without bound.
 */
export const MAX_JSON_DEPTH = 64;

const unparsable = invalidJson();
const tooDeep = invalidJson(`the request body is nested more than ${MAX_JSON_DEPTH} levels deep`);

/** application/json, with or without parameters, and the +json types; no header at all is read as JSON too. */
export const isJsonContentType = (contentType: string | null) =>
  contentType === null || /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(contentType);

/** Strict UTF-8: invalid bytes are a 400, not U+FFFD sent upstream; a BOM is kept, so JSON.parse refuses it. */
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * A JSON request body, read within `limit` bytes and parsed only after a
 * linear scan has checked its nesting depth, so no body within the limit can
 * make parsing, validation or translation recurse deeply. Returns the value
 * and the body's size in bytes (billing's worst-case input). With
 * `optional`, an empty body is null (a DELETE sends none).
 */
export async function readJsonBody(request: Request, limit: number, optional = false): Promise<{ value: unknown; bytes: number }> {
  const bytes = await readCapped(request, limit);
  if (optional && bytes.byteLength === 0) return { value: null, bytes: 0 };
  if (exceedsDepth(bytes, MAX_JSON_DEPTH)) throw tooDeep;
  try {
    return { value: JSON.parse(utf8.decode(bytes)), bytes: bytes.byteLength };
  } catch {
    throw unparsable;
  }
}

/**
 * The body, refused as soon as it passes the limit. A declared
 * Content-Length above the limit was refused before this (request-context.ts);
 * a chunked body is counted as it arrives.
 */
async function readCapped(request: Request, limit: number): Promise<Uint8Array> {
  if (request.headers.has("content-length")) return new Uint8Array(await request.arrayBuffer());
  if (!request.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of request.body) {
    size += chunk.byteLength;
    if (size > limit) throw requestTooLarge(limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACKET = 0x5d;
const CLOSE_BRACE = 0x7d;

/**
 * Whether the JSON text opens more than `limit` arrays/objects at once,
 * ignoring brackets inside strings. One pass, no allocation; malformed
 * input is left for JSON.parse to reject.
 */
export function exceedsDepth(bytes: Uint8Array, limit: number): boolean {
  // Each level takes at least one byte: a shorter text cannot be too deep.
  if (bytes.length <= limit) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_BRACKET || byte === OPEN_BRACE) {
      if (++depth > limit) return true;
    } else if (byte === CLOSE_BRACKET || byte === CLOSE_BRACE) {
      depth--;
    }
  }
  return false;
}
