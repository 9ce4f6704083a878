/**
 * The scriptable core of the fake provider servers. A provider module
 * (gemini-server.ts, anthropic-server.ts) supplies a FakeProtocol: routes,
 * auth checks, error bodies and SSE framing. Everything else (recording,
 * the response queue, fixtures, delays, stalls, resets, disconnect
 * tracking) lives here once.
 */
import { fixtureChunks, fixtureText } from "../support/fixtures.ts";

export type FakeProvider = "google" | "anthropic";

export interface RecordedRequest {
  method: string;
  /** Path with query string, e.g. `/v1beta/models/m:streamGenerateContent?alt=sse`. */
  path: string;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** Parsed JSON body; the raw text when it is not JSON; undefined when empty. */
  body: any;
  /** The client's source port: equal ports on two requests mean a reused keep-alive connection. */
  clientPort: number | undefined;
}

/** One scripted reply. Give at most one body source: fixture, json, chunks or text. */
export interface FakeResponse {
  /** HTTP status. Default 200, or the status an error body implies (Gemini `error.code`, Anthropic `error.type`). */
  status?: number;
  /** Extra response headers. */
  headers?: Record<string, string>;
  /** A file in this provider's fixtures folder: `*.json` → JSON body (sent byte for byte), `*.chunks.txt` → an SSE stream. */
  fixture?: string;
  /** Inline JSON body (a response or an error body). */
  json?: unknown;
  /** Inline SSE stream: one data payload per entry; objects are JSON-encoded. */
  chunks?: (string | object)[];
  /**
   * A stream of raw pieces written verbatim, without SSE framing (split
   * frames, garbage, a slowly arriving JSON body...). Counts as events for
   * the modifiers below; content-type is the SSE one unless `headers` say otherwise.
   */
  rawChunks?: string[];
  /** A raw body, sent as is (content-type text/plain unless `headers` say otherwise). */
  text?: string;
  /** Wait this long before sending the response headers. */
  delayMs?: number;
  /** Wait this long between two stream events. */
  eventDelayMs?: number;
  /** After this many events, hold the connection open and send nothing more. */
  stallAfter?: number;
  /** After this many events, drop the connection abruptly (the client sees a reset). */
  resetAfter?: number;
  /** After this many events, send the provider's mid-stream error event and end the stream. */
  errorAfter?: number;
  /** The payload of that error event; default: the provider's overload error. */
  errorPayload?: unknown;
  /** After `after` events, wait for `until` before sending the rest. */
  pause?: { after: number; until: Promise<unknown> };
  /**
   * Computes the reply from the request (e.g. embeddings of the texts sent,
   * whose concurrent calls arrive in any order); its fields override this
   * script's. Reusable as a default: `setDefault({ reply })`.
   */
  reply?: (request: RecordedRequest) => FakeResponse;
}

export interface ErrorReply {
  status: number;
  body: unknown;
}

export interface RouteMatch {
  /** How the endpoint streams: SSE, Gemini's non-SSE JSON array, or not at all. */
  stream: "sse" | "json-array" | false;
  /**
   * A side endpoint (e.g. Gemini cachedContents) takes its scripts from its
   * own queue (`enqueueFor`), so its calls never consume the replies scripted
   * for the main call; `defaultReply` answers when that queue is empty.
   */
  queue?: string;
  defaultReply?: FakeResponse;
}

/** What makes a fake speak one provider's protocol. */
export interface FakeProtocol {
  provider: FakeProvider;
  defaultApiKey: string;
  /** Replies when nothing is scripted. */
  defaultFixtures: { json: string; chunks: string };
  /** undefined → the protocol's 404. */
  route(method: string, url: URL, body: unknown): RouteMatch | undefined;
  notFound(path: string): ErrorReply;
  /** Auth / version header checks; undefined when the request may proceed. */
  checkAuth(headers: Headers, url: URL, apiKey: string): ErrorReply | undefined;
  badJson(): ErrorReply;
  /** One SSE event on the wire for one data payload. */
  frame(data: string): string;
  /** The mid-stream error event on the wire. */
  errorFrame(payload: unknown): string;
  defaultErrorPayload: unknown;
  /** The HTTP status an error body implies, if it is one. */
  statusOf(body: unknown): number | undefined;
  jsonContentType: string;
  sseContentType: string;
  /** Headers on every reply (e.g. a request id). */
  extraHeaders?(): Record<string, string>;
}

export interface FakeServer {
  /** Base URL, e.g. `http://127.0.0.1:40123` (no trailing slash). */
  readonly url: string;
  /** The API key the fake accepts. */
  readonly apiKey: string;
  /** Every request received, in order (including rejected ones). */
  readonly requests: RecordedRequest[];
  lastRequest(): RecordedRequest | undefined;
  /** Appends replies for the next requests (FIFO). */
  enqueue(...responses: FakeResponse[]): void;
  /** Appends replies for the next requests to a side endpoint's own queue (RouteMatch.queue). */
  enqueueFor(queue: string, ...responses: FakeResponse[]): void;
  /** Replaces the queue with this one reply. */
  setNext(response: FakeResponse): void;
  /** The reply when the queue is empty (undefined: the provider's default fixture). */
  setDefault(response: FakeResponse | undefined): void;
  /** Requests whose client went away before their response was finished. */
  readonly disconnects: number;
  /** Streamed replies still being written. */
  readonly openStreams: number;
  /** Bytes of stream events handed to the socket so far, over every stream (what a reader pulled). */
  readonly streamedBytes: number;
  /** Resolves once `disconnects` reaches `count`; rejects after `timeoutMs`. */
  waitForDisconnect(count?: number, timeoutMs?: number): Promise<void>;
  /** Resolves once `openStreams` is 0; rejects after `timeoutMs`. */
  waitForIdle(timeoutMs?: number): Promise<void>;
  /** Clears recorded requests, the queue, the default and the counters. */
  reset(): void;
  /** Closes the server and every open connection. */
  stop(): Promise<void>;
}

const encoder = new TextEncoder();
/** Lets the last events reach the socket before a reset tears it down. */
const RESET_FLUSH_MS = 5;

export function startFakeServer(protocol: FakeProtocol, options: { apiKey?: string } = {}): FakeServer {
  const apiKey = options.apiKey ?? protocol.defaultApiKey;
  const requests: RecordedRequest[] = [];
  let queue: FakeResponse[] = [];
  let fallback: FakeResponse | undefined;
  const sideQueues = new Map<string, FakeResponse[]>();
  let disconnects = 0;
  let openStreams = 0;
  let streamedBytes = 0;
  let stopping = false;
  const releaseOnStop = new Set<() => void>();
  const watchers = new Set<() => void>();
  const notify = () => {
    for (const watch of watchers) watch();
  };

  function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const watch = () => {
        if (!check()) return;
        watchers.delete(watch);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        watchers.delete(watch);
        reject(new Error(`fake ${protocol.provider} server: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      watchers.add(watch);
    });
  }

  /** Sleeps, cut short by the server stopping or the client leaving. */
  function sleep(ms: number, signal: AbortSignal): Promise<void> {
    if (ms <= 0 || signal.aborted || stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        releaseOnStop.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener("abort", done);
      releaseOnStop.add(done);
    });
  }

  const jsonReply = (status: number, body: unknown, headers?: Record<string, string>, text = JSON.stringify(body)) =>
    new Response(text, {
      status,
      headers: { "content-type": protocol.jsonContentType, ...protocol.extraHeaders?.(), ...headers },
    });

  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 0,
    async fetch(req, server) {
      const clientPort = server.requestIP(req)?.port;
      const url = new URL(req.url);
      const text = await req.text();
      let body: any = undefined;
      let badJson = false;
      if (text !== "") {
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
          badJson = true;
        }
      }
      const headers: Record<string, string> = {};
      req.headers.forEach((value, name) => {
        headers[name] = value;
      });
      const recorded: RecordedRequest = { method: req.method, path: url.pathname + url.search, headers, body, clientPort };
      requests.push(recorded);

      const route = protocol.route(req.method, url, body);
      if (!route) {
        const reply = protocol.notFound(url.pathname);
        return jsonReply(reply.status, reply.body);
      }
      const denied = protocol.checkAuth(req.headers, url, apiKey);
      if (denied) return jsonReply(denied.status, denied.body);
      if (badJson || body === undefined) {
        const reply = protocol.badJson();
        return jsonReply(reply.status, reply.body);
      }
      const script =
        (route.queue ? (sideQueues.get(route.queue)?.shift() ?? route.defaultReply) : (queue.shift() ?? fallback)) ?? {};
      return respond(script.reply ? { ...script, ...script.reply(recorded), reply: undefined } : script, route, req.signal);
    },
  });

  async function respond(script: FakeResponse, route: RouteMatch, signal: AbortSignal): Promise<Response> {
    // A client that leaves before the reply is complete counts once.
    let complete = false;
    let counted = false;
    const left = () => {
      if (complete || counted) return;
      counted = true;
      disconnects++;
      notify();
    };
    signal.addEventListener("abort", left, { once: true });

    await sleep(script.delayMs ?? 0, signal);

    const headers = script.headers ?? {};
    if (script.text !== undefined) {
      complete = true;
      return new Response(script.text, {
        status: script.status ?? 200,
        headers: { "content-type": "text/plain", ...protocol.extraHeaders?.(), ...headers },
      });
    }

    let json: unknown = script.json;
    let jsonText: string | undefined;
    let chunks: string[] | undefined = script.chunks?.map((c) => (typeof c === "string" ? c : JSON.stringify(c)));
    const frame = script.rawChunks ? (piece: string) => piece : protocol.frame;
    if (script.rawChunks) chunks = script.rawChunks;
    if (json === undefined && chunks === undefined) {
      const file = script.fixture ?? (route.stream ? protocol.defaultFixtures.chunks : protocol.defaultFixtures.json);
      if (file.endsWith(".json")) {
        jsonText = fixtureText(protocol.provider, file);
        json = JSON.parse(jsonText);
      }
      else chunks = fixtureChunks(protocol.provider, file);
    }

    if (json !== undefined) {
      complete = true;
      return jsonReply(script.status ?? protocol.statusOf(json) ?? 200, json, headers, jsonText);
    }
    const events = chunks!;
    if (route.stream === "json-array") {
      complete = true;
      return new Response(`[${events.join(",\r\n")}]`, {
        status: script.status ?? 200,
        headers: { "content-type": protocol.jsonContentType, ...protocol.extraHeaders?.(), ...headers },
      });
    }

    // An SSE stream, written one event per pull so pacing and failures land between events.
    openStreams++;
    let closed = false;
    const finish = () => {
      if (closed) return;
      closed = true;
      complete = true;
      openStreams--;
      notify();
    };
    let sent = 0;
    let wake: (() => void) | undefined;
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          await step(controller);
        } catch (error) {
          // A broken script must not leave the stream counted as open.
          finish();
          controller.error(error);
        }
      },
      cancel() {
        left();
        finish();
        wake?.();
      },
    });
    async function step(controller: ReadableStreamDefaultController<Uint8Array>) {
      if (script.pause && sent === script.pause.after) await script.pause.until;
      if (sent === script.stallAfter) {
        // Hold the connection: nothing more until the client leaves or the server stops.
        await new Promise<void>((resolve) => {
          wake = resolve;
          releaseOnStop.add(resolve);
        });
        if (!closed) {
          finish();
          controller.close();
        }
        return;
      }
      if (sent === script.resetAfter) {
        await Bun.sleep(RESET_FLUSH_MS);
        finish();
        // `undefined` resets the connection without Bun logging an error.
        controller.error(undefined);
        return;
      }
      if (sent === script.errorAfter) {
        controller.enqueue(encoder.encode(protocol.errorFrame(script.errorPayload ?? protocol.defaultErrorPayload)));
        finish();
        controller.close();
        return;
      }
      if (sent === events.length) {
        finish();
        controller.close();
        return;
      }
      if (sent > 0 && script.eventDelayMs) await sleep(script.eventDelayMs, signal);
      if (closed) return;
      const bytes = encoder.encode(frame(events[sent]!));
      controller.enqueue(bytes);
      streamedBytes += bytes.byteLength;
      sent++;
    }
    signal.addEventListener("abort", () => wake?.(), { once: true });
    return new Response(stream, {
      status: script.status ?? 200,
      headers: {
        "content-type": protocol.sseContentType,
        "cache-control": "no-cache",
        ...protocol.extraHeaders?.(),
        ...headers,
      },
    });
  }

  return {
    url: `http://127.0.0.1:${server.port}`,
    apiKey,
    requests,
    lastRequest: () => requests[requests.length - 1],
    enqueueFor: (name, ...responses) => {
      sideQueues.set(name, [...(sideQueues.get(name) ?? []), ...responses]);
    },
    enqueue: (...responses) => {
      queue.push(...responses);
    },
    setNext: (response) => {
      queue = [response];
    },
    setDefault: (response) => {
      fallback = response;
    },
    get disconnects() {
      return disconnects;
    },
    get openStreams() {
      return openStreams;
    },
    get streamedBytes() {
      return streamedBytes;
    },
    waitForDisconnect: (count = 1, timeoutMs = 2000) =>
      waitFor(() => disconnects >= count, timeoutMs, `${count} client disconnect(s)`),
    waitForIdle: (timeoutMs = 2000) => waitFor(() => openStreams === 0, timeoutMs, "open streams to finish"),
    reset: () => {
      requests.length = 0;
      queue = [];
      fallback = undefined;
      sideQueues.clear();
      disconnects = 0;
      streamedBytes = 0;
    },
    stop: async () => {
      stopping = true;
      for (const release of releaseOnStop) release();
      releaseOnStop.clear();
      await server.stop(true);
    },
  };
}
