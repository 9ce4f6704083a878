/**
 * A minimal HTTP/1.1 client on raw TCP (Bun.connect) that timestamps every
 * socket read of an SSE response. Raw sockets rather than fetch because:
 * fetch's body stream may coalesce reads before JavaScript sees them (which
 * would hide or fake "merged" events), costs more per stream (1,000 at once
 * share a core with the gateway), and Bun caps concurrent fetches.
 *
 * Works for the fake upstream's native SSE (direct) and the gateway's
 * OpenAI chunks alike: it only looks for the `~evI~` marker that the fake
 * puts in each content event and that survives translation.
 */

export interface StreamRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface StreamTrace {
  status: number;
  /** Request written → first body byte (ms). */
  firstByteMs: number;
  /** Marker indices in arrival order. */
  markers: number[];
  /** Arrival time of each of those markers, ms after the request was written. */
  times: number[];
  /**
   * Content events that shared one SSE frame with another (the gateway
   * concatenated events: always a bug).
   */
  mergedFrames: number;
  /**
   * Content events that arrived in the same socket read as the previous one
   * although the upstream sent them `pace` ms apart: something held them
   * back (buffering in the gateway, or a stall of the gateway or of this
   * client: compare with the direct figure).
   */
  sharedReads: number;
  /** The response ended cleanly (terminal chunk seen; for the gateway, also `data: [DONE]`). */
  complete: boolean;
  sawDone: boolean;
  /** An error frame or a transport failure. */
  error?: string;
}

const MARKER = /~ev(\d+)~/g;

/** Sends one streaming request and traces its events. */
export function probeStream(request: StreamRequest, timeoutMs = 60_000): Promise<StreamTrace> {
  const url = new URL(request.url);
  const body = Buffer.from(request.body);
  const head =
    `POST ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n` +
    Object.entries(request.headers).map(([k, v]) => `${k}: ${v}\r\n`).join("") +
    "\r\n";

  const trace: StreamTrace = {
    status: 0,
    firstByteMs: -1,
    markers: [],
    times: [],
    mergedFrames: 0,
    sharedReads: 0,
    complete: false,
    sawDone: false,
  };
  let sentAt = 0;
  let headerText = "";
  let inBody = false;
  let chunked = false;
  // Chunked decoding state: bytes left in the current chunk, or -1 while reading a size line.
  let chunkLeft = -1;
  let sizeLine = "";
  let skipCrlf = 0;
  let sse = "";
  let errorBody = "";

  return new Promise((resolve) => {
    let settled = false;
    let socketRef: { end(): void } | undefined;
    const finish = (error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error && !trace.error) trace.error = error;
      socketRef?.end();
      resolve(trace);
    };
    const timer = setTimeout(() => finish("timeout"), timeoutMs);

    /** SSE frames completed by one read: count markers, note merges. */
    const feedSse = (text: string, at: number) => {
      if (trace.status !== 200) {
        // Not a stream: keep the start of the error body for the report.
        errorBody += text;
        trace.error = `HTTP ${trace.status}: ${errorBody.slice(0, 300)}`;
        return;
      }
      sse += text;
      sse = sse.replaceAll("\r\n", "\n");
      let markersThisRead = 0;
      let cut: number;
      while ((cut = sse.indexOf("\n\n")) >= 0) {
        const frame = sse.slice(0, cut);
        sse = sse.slice(cut + 2);
        const markers = [...frame.matchAll(MARKER)];
        if (markers.length > 0) {
          for (const marker of markers) {
            trace.markers.push(Number(marker[1]));
            trace.times.push(at - sentAt);
          }
          trace.mergedFrames += markers.length - 1;
          markersThisRead += markers.length;
        } else if (frame.includes("[DONE]")) trace.sawDone = true;
        // The gateway's (and Gemini's) mid-stream error is `data: {"error":...}`; Anthropic's is `event: error`.
        else if (/^(data: \{"error"|event: error)/m.test(frame)) trace.error ??= frame.slice(0, 300);
      }
      if (markersThisRead > 1) trace.sharedReads += markersThisRead - 1;
    };

    /** Strips chunked transfer framing, passing the payload on. */
    const feedBody = (data: string, at: number) => {
      if (!chunked) return feedSse(data, at);
      let out = "";
      let i = 0;
      while (i < data.length) {
        if (skipCrlf > 0) {
          const n = Math.min(skipCrlf, data.length - i);
          skipCrlf -= n;
          i += n;
        } else if (chunkLeft < 0) {
          const nl = data.indexOf("\n", i);
          if (nl < 0) {
            sizeLine += data.slice(i);
            break;
          }
          sizeLine += data.slice(i, nl);
          i = nl + 1;
          const size = parseInt(sizeLine.trim(), 16);
          sizeLine = "";
          if (size === 0) {
            trace.complete = true;
            break;
          }
          chunkLeft = size;
        } else {
          const n = Math.min(chunkLeft, data.length - i);
          out += data.slice(i, i + n);
          chunkLeft -= n;
          i += n;
          if (chunkLeft === 0) {
            chunkLeft = -1;
            skipCrlf = 2;
          }
        }
      }
      if (out) feedSse(out, at);
      if (trace.complete) finish();
    };

    Bun.connect({
      hostname: url.hostname,
      port: Number(url.port),
      socket: {
        open(socket) {
          socketRef = socket;
          sentAt = performance.now();
          socket.write(head);
          socket.write(body);
        },
        data(_socket, buffer) {
          const at = performance.now();
          // latin1 keeps one char per byte, so chunk sizes stay byte counts; markers are ASCII.
          let text = buffer.toString("latin1");
          if (!inBody) {
            headerText += text;
            const end = headerText.indexOf("\r\n\r\n");
            if (end < 0) return;
            trace.status = Number(headerText.slice(9, 12));
            chunked = /\r\ntransfer-encoding:\s*chunked/i.test(headerText.slice(0, end));
            text = headerText.slice(end + 4);
            inBody = true;
          }
          if (text.length > 0) {
            if (trace.firstByteMs < 0) trace.firstByteMs = at - sentAt;
            feedBody(text, at);
          }
        },
        close() {
          if (!chunked && inBody) trace.complete = true;
          finish(trace.complete ? undefined : "connection closed before the response ended");
        },
        error(_socket, error) {
          finish(`socket error: ${error.message}`);
        },
      },
    }).catch((error: Error) => finish(`connect failed: ${error.message}`));
  });
}

export interface StreamCheck {
  /** Complete, every event once, in order, each in an SSE frame of its own (and `[DONE]` from the gateway). */
  ok: boolean;
  dropped: number;
  outOfOrder: number;
  mergedFrames: number;
  sharedReads: number;
}

export function checkTrace(trace: StreamTrace, events: number, expectDone: boolean): StreamCheck {
  const seen = new Set(trace.markers);
  let dropped = 0;
  for (let i = 0; i < events; i++) if (!seen.has(i)) dropped++;
  let outOfOrder = 0;
  for (let i = 0; i < trace.markers.length; i++) if (trace.markers[i] !== i) outOfOrder++;
  const ok =
    trace.status === 200 &&
    trace.complete &&
    !trace.error &&
    (!expectDone || trace.sawDone) &&
    dropped === 0 &&
    outOfOrder === 0 &&
    trace.mergedFrames === 0 &&
    trace.markers.length === events;
  return { ok, dropped, outOfOrder, mergedFrames: trace.mergedFrames, sharedReads: trace.sharedReads };
}

/** Gaps between consecutive content events of one stream (ms). */
export const gaps = (trace: StreamTrace) => trace.times.slice(1).map((t, i) => t - trace.times[i]!);
