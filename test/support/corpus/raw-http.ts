/**
 * A minimal HTTP/1.1 client over a raw TCP socket, for requests `fetch`
 * refuses to send or rewrites (duplicate headers, control bytes, bad
 * framing, dot segments, no Content-Type): the bytes given are written as
 * they are, and whatever comes back is recorded.
 */
import { connect } from "node:net";

export interface RawReply {
  /** The first line of the reply, e.g. `HTTP/1.1 400 Bad Request`; null when nothing came back. */
  statusLine: string | null;
  status: number | null;
  /** Lower-cased names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** The body as text (de-chunked when the reply was chunked). */
  body: string;
  /** Bytes received in all. */
  bytes: number;
  /** How the exchange ended. */
  ended: "complete" | "closed" | "reset" | "timeout";
  error?: string;
  ms: number;
}

export interface RawOptions {
  /** Give up waiting for the reply after this long. */
  timeoutMs?: number;
  /** Half-close the socket after writing (the server then sees EOF). */
  endAfterWrite?: boolean;
}

/** Writes `pieces` in order to 127.0.0.1:`port` and reads one reply. */
export function rawRequest(port: number, pieces: (string | Uint8Array)[], options: RawOptions = {}): Promise<RawReply> {
  const { timeoutMs = 3000, endAfterWrite = false } = options;
  const started = performance.now();
  return new Promise((resolve) => {
    const received: Buffer[] = [];
    let size = 0;
    let settled = false;
    const socket = connect({ host: "127.0.0.1", port });
    const finish = (ended: RawReply["ended"], error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ ...parseReply(Buffer.concat(received)), bytes: size, ended, error, ms: performance.now() - started });
    };
    const timer = setTimeout(() => finish("timeout"), timeoutMs);
    socket.on("connect", () => {
      for (const piece of pieces) socket.write(typeof piece === "string" ? Buffer.from(piece, "latin1") : piece);
      if (endAfterWrite) socket.end();
    });
    socket.on("data", (chunk: Buffer) => {
      received.push(chunk);
      size += chunk.byteLength;
      if (replyComplete(Buffer.concat(received))) finish("complete");
    });
    socket.on("end", () => finish("closed"));
    socket.on("close", () => finish("closed"));
    socket.on("error", (error: Error) => finish("reset", error.message));
  });
}

/** The head and body of a reply, as far as it arrived. */
function parseReply(data: Buffer): Pick<RawReply, "statusLine" | "status" | "headers" | "body"> {
  const interim = /^HTTP\/\d(?:\.\d)? 1\d\d[^]*?\r\n\r\n/.exec(data.toString("latin1"));
  if (interim) return parseReply(data.subarray(interim[0].length));
  const text = data.toString("latin1");
  const headEnd = text.indexOf("\r\n\r\n");
  if (text.length === 0) return { statusLine: null, status: null, headers: {}, body: "" };
  const head = headEnd < 0 ? text : text.slice(0, headEnd);
  const [statusLine = "", ...lines] = head.split("\r\n");
  const status = /^HTTP\/\d(?:\.\d)? (\d{3})/.exec(statusLine);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  let body = headEnd < 0 ? "" : data.subarray(Buffer.byteLength(text.slice(0, headEnd + 4), "latin1")).toString("utf8");
  if (/chunked/i.test(headers["transfer-encoding"] ?? "")) body = dechunk(body);
  return { statusLine, status: status ? Number(status[1]) : null, headers, body };
}

function dechunk(body: string): string {
  let out = "";
  let rest = body;
  for (;;) {
    const lineEnd = rest.indexOf("\r\n");
    if (lineEnd < 0) return out;
    const size = Number.parseInt(rest.slice(0, lineEnd), 16);
    if (!Number.isFinite(size) || size === 0) return out;
    out += rest.slice(lineEnd + 2, lineEnd + 2 + size);
    rest = rest.slice(lineEnd + 2 + size + 2);
  }
}

/** Whether `data` holds one whole reply (by Content-Length or the last chunk); replies framed by close are not. */
function replyComplete(data: Buffer): boolean {
  const text = data.toString("latin1");
  const headEnd = text.indexOf("\r\n\r\n");
  if (headEnd < 0) return false;
  const head = text.slice(0, headEnd).toLowerCase();
  // 1xx replies (100 Continue) precede the real one.
  if (/^http\/\d(?:\.\d)? 1\d\d/.test(head)) return replyComplete(data.subarray(headEnd + 4));
  const length = /\r\ncontent-length:\s*(\d+)/.exec(head);
  if (length) return data.byteLength - (headEnd + 4) >= Number(length[1]);
  if (/\r\ntransfer-encoding:\s*chunked/.test(head)) return text.endsWith("0\r\n\r\n");
  return false;
}
