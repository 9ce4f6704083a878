/**
 * A FAST fake of both provider APIs for the benchmark, run as its own
 * process (`bun test/bench/fake-upstream.ts`) so its CPU is not charged to
 * the harness or the gateway and its event loop is not shared with the
 * stream probe's timestamps.
 *
 * Unlike test/fakes/ (scriptable, records everything), this one does the
 * least work a real provider's edge would: every reply body is serialised
 * once at start-up from the recorded fixtures, nothing is recorded except
 * the last body per route (so the harness can send the gateway's exact
 * upstream request directly, for the floor).
 *
 * Streams are shaped by a marker in the prompt, `bench:events=N:pace=MS`
 * (optionally `:first=MS`), because that text reaches the fake the same way
 * whether it was sent directly or through the gateway's translation. Each
 * content event carries the text `~evI~ ` so a client can tell every
 * upstream event apart after translation.
 */
import { fixtureChunks, fixtureText } from "../support/fixtures.ts";

export const BENCH_GOOGLE_KEY = "bench-google-key";
export const BENCH_ANTHROPIC_KEY = "bench-anthropic-key";

const DEFAULT_EVENTS = 8;
const PARAMS = /bench:events=(\d+):pace=(\d+)(?::first=(\d+))?/;

export interface StreamShape {
  events: number;
  paceMs: number;
  firstMs: number;
}

/** The prompt marker that asks the fake for a stream shape. */
export const streamMarker = (shape: StreamShape) =>
  `bench:events=${shape.events}:pace=${shape.paceMs}${shape.firstMs ? `:first=${shape.firstMs}` : ""}`;

/** The text of content event `i`, as a client sees it in any wire format. */
export const eventText = (i: number) => `~ev${i}~ `;

/** Splits a JSON template around the string placeholder so events are built by concatenation, not JSON.stringify. */
function template(value: unknown, placeholder: string): [string, string] {
  const text = JSON.stringify(value);
  const at = text.indexOf(JSON.stringify(placeholder));
  if (at < 0) throw new Error(`placeholder ${placeholder} not in template`);
  return [text.slice(0, at), text.slice(at + JSON.stringify(placeholder).length)];
}

interface Provider {
  /** Non-streaming reply, sent byte for byte as recorded. */
  json: Uint8Array;
  jsonHeaders: Record<string, string>;
  sseHeaders: Record<string, string>;
  /** Frames before the first content event (Anthropic's message_start...). */
  prelude: string;
  /** The framed content event `i`. */
  event(i: number): string;
  /** Frames after the last content event (Gemini's finish chunk, Anthropic's stops). */
  trailer: string;
}

function buildGoogle(): Provider {
  const chunks = fixtureChunks("google", "google-text.chunks.txt").map((c) => JSON.parse(c));
  const frame = (data: string) => `data: ${data}\r\n\r\n`;
  // First recorded chunk as the shape of a content event; the recorded final chunk (finishReason + signature) as the trailer.
  const first = structuredClone(chunks[0]);
  first.candidates[0].content.parts[0].text = "\u0000TEXT";
  first.modelVersion = "gemini-3-flash";
  const [pre, post] = template(first, "\u0000TEXT");
  const last = chunks[chunks.length - 1];
  last.modelVersion = "gemini-3-flash";
  return {
    json: new TextEncoder().encode(fixtureText("google", "google-text.json")),
    jsonHeaders: { "content-type": "application/json; charset=UTF-8" },
    sseHeaders: { "content-type": "text/event-stream" },
    prelude: "",
    event: (i) => frame(pre + JSON.stringify(eventText(i)) + post),
    trailer: frame(JSON.stringify(last)),
  };
}

function buildAnthropic(): Provider {
  const lines = fixtureChunks("anthropic", "anthropic-text.chunks.txt").map((c) => JSON.parse(c));
  const frame = (payload: { type: string }) => `event: ${payload.type}\ndata: ${JSON.stringify(payload)}\n\n`;
  const byType = (type: string) => lines.find((l) => l.type === type);
  const start = byType("message_start");
  start.message.model = "claude-haiku-4-5";
  const delta = structuredClone(byType("content_block_delta"));
  delta.delta.text = "\u0000TEXT";
  const [pre, post] = template(delta, "\u0000TEXT");
  const json = JSON.parse(fixtureText("anthropic", "anthropic-text.json"));
  json.model = "claude-haiku-4-5";
  return {
    json: new TextEncoder().encode(JSON.stringify(json)),
    jsonHeaders: { "content-type": "application/json", "request-id": "req_bench" },
    sseHeaders: { "content-type": "text/event-stream; charset=utf-8", "request-id": "req_bench" },
    prelude: frame(start) + frame(byType("content_block_start")) + frame(byType("ping")),
    event: (i) => `event: content_block_delta\ndata: ${pre}${JSON.stringify(eventText(i))}${post}\n\n`,
    trailer: frame(byType("content_block_stop")) + frame(byType("message_delta")) + frame(byType("message_stop")),
  };
}

export function startFakeUpstream(port = 0) {
  const google = buildGoogle();
  const anthropic = buildAnthropic();
  const stats = { requests: 0, openStreams: 0, peakStreams: 0, aborted: 0 };
  const last: Record<string, string> = {};
  const denied = (status: number) => new Response(`{"error":"bench fake: bad credentials"}`, { status });

  function stream(provider: Provider, body: string): Response {
    const match = PARAMS.exec(body);
    const events = match ? Number(match[1]) : DEFAULT_EVENTS;
    const paceMs = match ? Number(match[2]) : 0;
    const firstMs = match?.[3] ? Number(match[3]) : 0;
    stats.openStreams++;
    if (stats.openStreams > stats.peakStreams) stats.peakStreams = stats.openStreams;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      stats.openStreams--;
    };
    // A direct stream writes straight to the socket; flush() after each event
    // so a paced event leaves as its own TCP segment (the thing the probe checks).
    const body$ = new ReadableStream({
      type: "direct",
      async pull(controller: ReadableStreamDirectController) {
        try {
          if (firstMs) await Bun.sleep(firstMs);
          if (provider.prelude) controller.write(provider.prelude);
          for (let i = 0; i < events; i++) {
            if (i > 0 && paceMs) await Bun.sleep(paceMs);
            controller.write(provider.event(i));
            if (paceMs) await controller.flush();
          }
          controller.write(provider.trailer);
          await controller.flush();
          controller.close();
        } catch {
          stats.aborted++;
        } finally {
          finish();
        }
      },
      cancel: finish,
    });
    return new Response(body$, { headers: provider.sseHeaders });
  }

  const server = Bun.serve({
    hostname: "127.0.0.1",
    port,
    idleTimeout: 0,
    async fetch(req) {
      const url = new URL(req.url);
      const path = url.pathname;
      if (req.method === "GET" && path === "/__stats") return Response.json(stats);
      if (req.method === "POST" && path === "/__reset") {
        stats.peakStreams = stats.openStreams;
        stats.aborted = 0;
        return Response.json(stats);
      }
      if (req.method === "GET" && path === "/__last") return new Response(last[url.searchParams.get("route") ?? ""] ?? "");
      if (req.method !== "POST") return new Response("not found", { status: 404 });

      stats.requests++;
      const body = await req.text();
      if (path === "/v1/messages") {
        if (req.headers.get("x-api-key") !== BENCH_ANTHROPIC_KEY) return denied(401);
        const streaming = body.includes('"stream":true');
        last[streaming ? "anthropic-stream" : "anthropic"] = body;
        return streaming ? stream(anthropic, body) : new Response(anthropic.json, { headers: anthropic.jsonHeaders });
      }
      if (path.startsWith("/v1beta/models/")) {
        if (req.headers.get("x-goog-api-key") !== BENCH_GOOGLE_KEY) return denied(403);
        if (path.endsWith(":streamGenerateContent")) {
          last["google-stream"] = body;
          return stream(google, body);
        }
        if (path.endsWith(":generateContent")) {
          last.google = body;
          return new Response(google.json, { headers: google.jsonHeaders });
        }
      }
      return new Response("not found", { status: 404 });
    },
  });
  return server;
}

// As a process: print where it listens, then serve until killed.
if (import.meta.main) {
  const server = startFakeUpstream(Number(process.env.PORT ?? 0));
  console.log(JSON.stringify({ url: `http://127.0.0.1:${server.port}`, pid: process.pid }));
}
