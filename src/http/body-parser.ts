import { ApiError, invalidRequest } from "../errors.ts";

const invalidJson = invalidRequest(
  "the request body could not be parsed: send valid JSON with 'Content-Type: application/json'",
  "invalid_json",
);

export const bodyTooLarge = (limit: number) =>
  new ApiError(413, "invalid_request_error", "request_too_large", `the request body is larger than the ${limit}-byte limit`);

/**
 * JSON bodies with the gateway's size limit. A declared Content-Length is
 * checked before any byte is read (see app.ts); a chunked body is read with a
 * running count so it cannot grow past the limit in memory either.
 */
export async function parseJsonBody(request: Request, limit: number): Promise<unknown> {
  const declared = request.headers.get("content-length");
  const text = declared !== null ? await request.text() : await readCapped(request, limit);
  sizes.set(request, declared !== null ? Number(declared) : Buffer.byteLength(text));
  try {
    return JSON.parse(text);
  } catch {
    throw invalidJson;
  }
}

/** Body sizes in bytes, for billing's worst-case estimate; gone with the request. */
const sizes = new WeakMap<Request, number>();

export function bodyBytes(request: Request): number {
  return sizes.get(request) ?? 0;
}

async function readCapped(request: Request, limit: number): Promise<string> {
  if (!request.body) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of request.body) {
    size += chunk.byteLength;
    if (size > limit) throw bodyTooLarge(limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}
