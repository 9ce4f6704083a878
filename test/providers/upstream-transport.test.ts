import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { resolve } from "node:path";
import { loadConfig, type Config } from "../../src/config.ts";
import { ApiError, noSupplier } from "../../src/errors.ts";
import type { UpstreamCall } from "../../src/providers/adapter.ts";
import { anthropicProtocol } from "../../src/providers/anthropic/protocol.ts";
import { googleProtocol } from "../../src/providers/google/protocol.ts";
import { createProviderClient } from "../../src/providers/provider-client.ts";
import type { SseEvent } from "../../src/providers/sse.ts";
import type { ProviderName } from "../../src/catalog/model.ts";
import { createTransport } from "../../src/providers/upstream-transport.ts";
import { ANTHROPIC_VERSION, anthropicOverloaded, startAnthropicServer } from "../fakes/anthropic-server.ts";
import type { FakeServer } from "../fakes/fake-server.ts";
import { startGeminiServer } from "../fakes/gemini-server.ts";
import { fixtureChunks, fixtureJson, fixtureText, fixturesDir } from "../support/fixtures.ts";

const TIMEOUT_MS = 80;
const IDLE_MS = 50;

let gemini: FakeServer;
let anthropic: FakeServer;

beforeAll(() => {
  gemini = startGeminiServer();
  anthropic = startAnthropicServer();
});
afterAll(async () => {
  await gemini.stop();
  await anthropic.stop();
});
afterEach(async () => {
  try {
    // Every test must leave no upstream stream open.
    await gemini.waitForIdle(500);
    await anthropic.waitForIdle(500);
  } finally {
    gemini.reset();
    anthropic.reset();
  }
});

function config(overrides: Record<string, string | undefined> = {}): Config {
  return loadConfig({
    GOOGLE_API_KEY: gemini.apiKey,
    GOOGLE_BASE_URL: gemini.url,
    ANTHROPIC_API_KEY: anthropic.apiKey,
    ANTHROPIC_BASE_URL: anthropic.url,
    UPSTREAM_TIMEOUT_MS: String(TIMEOUT_MS),
    STREAM_IDLE_TIMEOUT_MS: String(IDLE_MS),
    ...overrides,
  });
}

/** The real provider client on the config's base URL and key, its mapError replaced to record what it was given. */
function stubClient(provider: ProviderName, cfg: Config = config()) {
  const mapped: { status: number; bodyText: string; error: ApiError }[] = [];
  const protocol = provider === "google" ? googleProtocol : anthropicProtocol;
  const client = createProviderClient(
    {
      ...protocol,
      mapError(status, bodyText) {
        const error = noSupplier(`${provider} answered HTTP ${status}`, "server_error");
        mapped.push({ status, bodyText, error });
        return error;
      },
    },
    {
      name: provider,
      baseUrl: cfg.providers[provider].baseUrl,
      credential: cfg.environment[provider === "google" ? "GOOGLE_API_KEY" : "ANTHROPIC_API_KEY"] ?? "",
    },
  );
  return { client, mapped };
}

const googleCall = (stream: boolean): UpstreamCall => ({
  path: stream
    ? "/v1beta/models/gemini-3-pro-preview:streamGenerateContent?alt=sse"
    : "/v1beta/models/gemini-3-pro-preview:generateContent",
  body: { contents: [{ role: "user", parts: [{ text: "Hello" }] }] },
});
const anthropicCall = (stream: boolean): UpstreamCall => ({
  path: "/v1/messages",
  body: { model: "claude-sonnet-4-5", max_tokens: 64, messages: [{ role: "user", content: "Hello" }], stream },
});
const callFor = (provider: ProviderName, stream: boolean) =>
  provider === "google" ? googleCall(stream) : anthropicCall(stream);
const serverFor = (provider: ProviderName) => (provider === "google" ? gemini : anthropic);

const signal = () => new AbortController().signal;

async function collect(events: AsyncGenerator<SseEvent>): Promise<SseEvent[]> {
  const out: SseEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

/** No message may reveal where the provider lives or how we authenticate. */
function expectNoLeak(error: unknown, ...secrets: string[]) {
  const text = `${(error as Error).message} ${JSON.stringify(error)}`;
  for (const secret of ["127.0.0.1", "http://", "localhost", ...secrets]) expect(text).not.toContain(secret);
}

const chunkFixtures = (provider: ProviderName) =>
  readdirSync(resolve(fixturesDir, provider))
    .filter((f) => f.endsWith(".chunks.txt"))
    .sort();

describe("send (non-streaming)", () => {
  for (const provider of ["google", "anthropic"] as const) {
    test(`${provider}: returns the parsed body and sends the exact request`, async () => {
      const upstream = createTransport(config());
      const { client } = stubClient(provider);
      const call = callFor(provider, false);
      const body = await upstream.send(client, call, signal());
      expect(body).toEqual(fixtureJson(provider, `${provider === "google" ? "google" : "anthropic"}-text.json`));

      const server = serverFor(provider);
      expect(server.requests).toHaveLength(1);
      const request = server.requests[0]!;
      expect(request.method).toBe("POST");
      expect(request.path).toBe(call.path);
      expect(request.body).toEqual(call.body);
      expect(request.headers["content-type"]).toBe("application/json");
      if (provider === "google") expect(request.headers["x-goog-api-key"]).toBe(gemini.apiKey);
      else {
        expect(request.headers["x-api-key"]).toBe(anthropic.apiKey);
        expect(request.headers["anthropic-version"]).toBe(ANTHROPIC_VERSION);
      }
    });
  }

  test("scripted fixtures and inline bodies are returned as is", async () => {
    const upstream = createTransport(config());
    gemini.enqueue({ fixture: "google-tool-use-usage.json" }, { json: { candidates: [] } });
    const { client } = stubClient("google");
    expect(await upstream.send(client, googleCall(false), signal())).toEqual(
      fixtureJson("google", "google-tool-use-usage.json"),
    );
    expect(await upstream.send(client, googleCall(false), signal())).toEqual({ candidates: [] });
  });

  test("keeps the connection alive between calls", async () => {
    const upstream = createTransport(config());
    const { client } = stubClient("anthropic");
    await upstream.send(client, anthropicCall(false), signal());
    await upstream.send(client, anthropicCall(false), signal());
    const [first, second] = anthropic.requests;
    expect(first!.clientPort).toBeDefined();
    expect(second!.clientPort).toBe(first!.clientPort);
  });

  test("a 2xx body that is not JSON → 503 no_supplier", async () => {
    const upstream = createTransport(config());
    gemini.setNext({ text: "<html>oops</html>" });
    const error = await rejection(upstream.send(stubClient("google").client, googleCall(false), signal()));
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(503);
    expect((error as ApiError).code).toBe("no_supplier");
  });
});

describe("open (streaming) replays every recorded fixture", () => {
  for (const file of chunkFixtures("google")) {
    test(`google ${file}`, async () => {
      gemini.setNext({ fixture: file });
      const upstream = createTransport(config());
      const events = await collect(await upstream.open(stubClient("google").client, googleCall(true), signal()));
      expect(events).toEqual(fixtureChunks("google", file).map((data) => ({ data })));
    });
  }
  for (const file of chunkFixtures("anthropic")) {
    test(`anthropic ${file}`, async () => {
      anthropic.setNext({ fixture: file });
      const upstream = createTransport(config());
      const events = await collect(
        await upstream.open(stubClient("anthropic").client, anthropicCall(true), signal()),
      );
      expect(events).toEqual(fixtureChunks("anthropic", file).map((data) => ({ event: JSON.parse(data).type, data })));
    });
  }

  test("the fakes frame Gemini with \\r\\n\\r\\n and Anthropic with event: lines", async () => {
    const g = await fetch(`${gemini.url}${googleCall(true).path}`, {
      method: "POST",
      headers: { "x-goog-api-key": gemini.apiKey, "content-type": "application/json" },
      body: "{}",
    });
    expect(g.headers.get("content-type")).toBe("text/event-stream");
    const [firstGoogle] = fixtureChunks("google", "google-text.chunks.txt");
    expect((await g.text()).startsWith(`data: ${firstGoogle}\r\n\r\ndata: `)).toBe(true);

    const a = await fetch(`${anthropic.url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": anthropic.apiKey, "anthropic-version": ANTHROPIC_VERSION },
      body: JSON.stringify({ stream: true }),
    });
    const [firstAnthropic] = fixtureChunks("anthropic", "anthropic-text.chunks.txt");
    expect((await a.text()).startsWith(`event: message_start\ndata: ${firstAnthropic}\n\nevent: `)).toBe(true);
  });

  test("the usage-only raw live event keeps its data: prefix exactly once", async () => {
    expect(fixtureText("google", "google-usage-raw-live.chunks.txt").startsWith("data: ")).toBe(true);
    gemini.setNext({ fixture: "google-usage-raw-live.chunks.txt" });
    const upstream = createTransport(config());
    const [event] = await collect(await upstream.open(stubClient("google").client, googleCall(true), signal()));
    expect(JSON.parse(event!.data).usageMetadata).toBeDefined();
  });

  test("events are delivered one by one while the upstream is still sending", async () => {
    let release!: () => void;
    anthropic.setNext({ pause: { after: 1, until: new Promise<void>((r) => (release = r)) } });
    const upstream = createTransport(config({ STREAM_IDLE_TIMEOUT_MS: "2000" }));
    const events = await upstream.open(stubClient("anthropic").client, anthropicCall(true), signal());
    const first = await events.next();
    expect(first.value).toMatchObject({ event: "message_start" });
    expect(anthropic.openStreams).toBe(1);
    release();
    const rest = await collect(events);
    expect(rest.at(-1)).toMatchObject({ event: "message_stop" });
  });

  test("an Anthropic event: error is passed through as a raw event and the stream ends", async () => {
    anthropic.setNext({ errorAfter: 2 });
    const upstream = createTransport(config());
    const events = await collect(
      await upstream.open(stubClient("anthropic").client, anthropicCall(true), signal()),
    );
    expect(events.map((e) => e.event)).toEqual(["message_start", "content_block_start", "error"]);
    expect(JSON.parse(events[2]!.data)).toEqual({
      type: "error",
      error: { type: "overloaded_error", message: "Overloaded" },
    });
  });

  test("the idle clock runs only while waiting on upstream, and restarts per event (paced stream, slow consumer)", async () => {
    // Paced just under the idle timeout, with a consumer slower than the timeout.
    gemini.setNext({ fixture: "google-stream-no-args-tool-call.chunks.txt", eventDelayMs: IDLE_MS / 5 });
    const upstream = createTransport(config());
    const events = await upstream.open(stubClient("google").client, googleCall(true), signal());
    let count = 0;
    for await (const _ of events) {
      if (count++ === 0) await Bun.sleep(IDLE_MS * 1.5);
    }
    expect(count).toBe(fixtureChunks("google", "google-stream-no-args-tool-call.chunks.txt").length);
  });
});

/** Both a non-streaming and a streaming call fail with 503 no_supplier and `message`; returns the two errors. */
async function expectNoSupplier(
  upstream: ReturnType<typeof createTransport>,
  provider: "google" | "anthropic",
  message: string,
  cfg: Config,
) {
  const { client } = stubClient(provider, cfg);
  const errors: ApiError[] = [];
  for (const attempt of [
    upstream.send(client, callFor(provider, false), signal()),
    upstream.open(client, callFor(provider, true), signal()),
  ]) {
    const error = await rejection(attempt);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(503);
    expect((error as ApiError).code).toBe("no_supplier");
    expect((error as ApiError).message).toBe(message);
    errors.push(error as ApiError);
  }
  return errors;
}

describe("failures", () => {
  test("no response headers within the deadline → 504 upstream_timeout, upstream aborted", async () => {
    const upstream = createTransport(config());
    for (const stream of [false, true]) {
      gemini.setNext({ delayMs: 2000 });
      const started = performance.now();
      const error = await rejection(
        stream
          ? upstream.open(stubClient("google").client, googleCall(true), signal())
          : upstream.send(stubClient("google").client, googleCall(false), signal()),
      );
      const elapsed = performance.now() - started;
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).status).toBe(504);
      expect((error as ApiError).code).toBe("upstream_timeout");
      expect((error as ApiError).message).toBe(`google did not respond within ${TIMEOUT_MS} ms`);
      expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
      expect(elapsed).toBeLessThan(TIMEOUT_MS + 300);
      expectNoLeak(error, gemini.apiKey);
    }
    await gemini.waitForDisconnect(2, 500);
  });

  test("a request deadline shorter than the timeout bounds the attempt, and the 504 says how long it was allowed", async () => {
    const upstream = createTransport(config());
    gemini.setNext({ delayMs: 2000 });
    const started = performance.now();
    const error = (await rejection(upstream.send(stubClient("google").client, googleCall(false), signal(), Date.now() + 40))) as ApiError;
    const elapsed = performance.now() - started;
    expect(error.code).toBe("upstream_timeout");
    const allowed = /^google did not respond within (\d+) ms \(what was left of the request's deadline\)$/.exec(error.message)?.[1];
    expect(Number(allowed)).toBeLessThanOrEqual(40);
    expect(elapsed).toBeLessThan(TIMEOUT_MS);
    await gemini.waitForDisconnect(1, 500);
  });

  test("non-streaming: a body that does not finish within the deadline → 504", async () => {
    // Headers come at once, then the body stalls.
    anthropic.setNext({ rawChunks: ['{"partial":'], stallAfter: 1, headers: { "content-type": "application/json" } });
    const upstream = createTransport(config());
    const error = await rejection(
      upstream.send(stubClient("anthropic").client, anthropicCall(false), signal()),
    );
    expect((error as ApiError).status).toBe(504);
    expect((error as ApiError).message).toBe(`anthropic did not respond within ${TIMEOUT_MS} ms`);
    await anthropic.waitForDisconnect(1, 500);
  });

  test("connection refused → 503 no_supplier without URL, port or key", async () => {
    const closed = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
    const port = String(closed.port);
    await closed.stop(true);
    const cfg = config({ GOOGLE_BASE_URL: `http://127.0.0.1:${port}`, ANTHROPIC_BASE_URL: `http://127.0.0.1:${port}` });
    const upstream = createTransport(cfg);
    for (const provider of ["google", "anthropic"] as const) {
      for (const error of await expectNoSupplier(upstream, provider, `${provider} could not be reached`, cfg)) {
        expectNoLeak(error, port, gemini.apiKey, anthropic.apiKey);
      }
    }
  });

  test("DNS failure → 503 no_supplier without the host name", async () => {
    const cfg = config({ GOOGLE_BASE_URL: "http://no-such-host.invalid" });
    const error = await rejection(createTransport(cfg).send(stubClient("google", cfg).client, googleCall(false), signal()));
    expect((error as ApiError).code).toBe("no_supplier");
    expectNoLeak(error, "no-such-host", gemini.apiKey);
  });

  describe("HTTP errors go through adapter.mapError with the status and body", () => {
    const cases: [ProviderName, string, Parameters<FakeServer["setNext"]>[0], number, string][] = [
      ["google", "429 quota", { fixture: "google-429-retry-info.json" }, 429, fixtureText("google", "google-429-retry-info.json")],
      [
        "google",
        "400 invalid argument",
        { fixture: "issue-8943-gemini-2.5-flash-error.json" },
        400,
        fixtureText("google", "issue-8943-gemini-2.5-flash-error.json"),
      ],
      [
        "anthropic",
        "400 invalid request",
        { fixture: "anthropic-parallel-provider-client-tools.error.json" },
        400,
        fixtureText("anthropic", "anthropic-parallel-provider-client-tools.error.json"),
      ],
      ["anthropic", "529 overloaded", anthropicOverloaded(), 529, ""],
    ];
    for (const [provider, name, script, status, bodyText] of cases) {
      for (const stream of [false, true]) {
        test(`${provider} ${name} (${stream ? "streaming" : "non-streaming"})`, async () => {
          serverFor(provider).setNext(script);
          const upstream = createTransport(config());
          const { client, mapped } = stubClient(provider);
          const error = await rejection(
            stream
              ? upstream.open(client, callFor(provider, true), signal())
              : upstream.send(client, callFor(provider, false), signal()),
          );
          expect(mapped).toHaveLength(1);
          expect(mapped[0]!.status).toBe(status);
          // Fixture bodies arrive byte for byte.
          if (bodyText) expect(mapped[0]!.bodyText).toBe(bodyText);
          else expect(JSON.parse(mapped[0]!.bodyText).error.type).toBe("overloaded_error");
          expect(error).toBe(mapped[0]!.error);
        });
      }
    }

    test("a wrong API key reaches mapError with the provider's auth error", async () => {
      const cfg = config({ GOOGLE_API_KEY: "wrong", ANTHROPIC_API_KEY: "wrong" });
      const upstream = createTransport(cfg);
      const g = stubClient("google", cfg);
      await rejection(upstream.send(g.client, googleCall(false), signal()));
      expect(g.mapped[0]!.status).toBe(400);
      expect(JSON.parse(g.mapped[0]!.bodyText).error.details[0].reason).toBe("API_KEY_INVALID");
      const a = stubClient("anthropic", cfg);
      await rejection(upstream.send(a.client, anthropicCall(false), signal()));
      expect(a.mapped[0]!.status).toBe(401);
      expect(JSON.parse(a.mapped[0]!.bodyText).error.type).toBe("authentication_error");
    });
  });

  test("a stall mid-stream → streamError after the idle timeout, upstream aborted", async () => {
    gemini.setNext({ stallAfter: 1 });
    const upstream = createTransport(config());
    const events = await upstream.open(stubClient("google").client, googleCall(true), signal());
    expect((await events.next()).done).toBe(false);
    const started = performance.now();
    const error = await rejection(events.next());
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(502);
    expect((error as ApiError).code).toBe("stream_error");
    expect((error as ApiError).message).toBe(`upstream stream stalled for ${IDLE_MS} ms`);
    expect(elapsed).toBeGreaterThanOrEqual(IDLE_MS - 5);
    expect(elapsed).toBeLessThan(IDLE_MS + 200);
    await gemini.waitForDisconnect(1, 500);
    expect(await events.next()).toEqual({ done: true, value: undefined });
  });

  test("bytes trickling in without completing an event still count as a stall", async () => {
    const event = `data: ${fixtureChunks("google", "google-text.chunks.txt")[0]}`;
    const pieces = Array.from({ length: 10 }, (_, i) => event.slice((i * event.length) / 10, ((i + 1) * event.length) / 10));
    gemini.setNext({ rawChunks: ["data: {}\r\n\r\n", ...pieces, "\r\n\r\n"], eventDelayMs: IDLE_MS / 5 });
    const upstream = createTransport(config());
    const events = await upstream.open(stubClient("google").client, googleCall(true), signal());
    expect((await events.next()).value).toEqual({ data: "{}" });
    const error = await rejection(events.next());
    expect((error as ApiError).message).toBe(`upstream stream stalled for ${IDLE_MS} ms`);
    await gemini.waitForDisconnect(1, 500);
  });

  for (const provider of ["google", "anthropic"] as const) {
    test(`${provider}: a connection reset mid-stream → streamError`, async () => {
      serverFor(provider).setNext({ resetAfter: 2 });
      const upstream = createTransport(config());
      const events = await upstream.open(stubClient(provider).client, callFor(provider, true), signal());
      const seen: SseEvent[] = [];
      const error = await rejection(
        (async () => {
          for await (const event of events) seen.push(event);
        })(),
      );
      expect(seen).toHaveLength(2);
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).code).toBe("stream_error");
      expect((error as ApiError).message).toBe("upstream connection lost mid-stream");
      expectNoLeak(error);
    });
  }
});

describe("client abort", () => {
  test("mid-stream: the generator just ends and the upstream sees the disconnect at once", async () => {
    anthropic.setNext({ stallAfter: 2 });
    const upstream = createTransport(config({ STREAM_IDLE_TIMEOUT_MS: "5000" }));
    const client = new AbortController();
    const events = await upstream.open(stubClient("anthropic").client, anthropicCall(true), client.signal);
    await events.next();
    await events.next();
    const pending = events.next(); // waiting on the stalled upstream
    const started = performance.now();
    client.abort();
    expect(await pending).toEqual({ done: true, value: undefined });
    await anthropic.waitForDisconnect(1, 200);
    expect(performance.now() - started).toBeLessThan(200);
    expect(anthropic.openStreams).toBe(0);
  });

  test("before the first next(): aborting still releases the upstream stream", async () => {
    gemini.setNext({ stallAfter: 1 });
    const upstream = createTransport(config({ STREAM_IDLE_TIMEOUT_MS: "5000" }));
    const client = new AbortController();
    const events = await upstream.open(stubClient("google").client, googleCall(true), client.signal);
    client.abort();
    await gemini.waitForDisconnect(1, 200);
    expect(await events.next()).toEqual({ done: true, value: undefined });
  });

  test("the consumer stopping early (break) cancels the upstream", async () => {
    gemini.setNext({ fixture: "google-stream-no-args-tool-call.chunks.txt", eventDelayMs: 10 });
    const upstream = createTransport(config());
    for await (const _ of await upstream.open(stubClient("google").client, googleCall(true), signal())) break;
    await gemini.waitForDisconnect(1, 200);
  });

  test("while waiting for headers: rejects with the abort reason (not an ApiError), upstream aborted", async () => {
    const upstream = createTransport(config({ UPSTREAM_TIMEOUT_MS: "5000" }));
    for (const stream of [false, true]) {
      anthropic.setNext({ delayMs: 2000 });
      const client = new AbortController();
      const attempt = stream
        ? upstream.open(stubClient("anthropic").client, anthropicCall(true), client.signal)
        : upstream.send(stubClient("anthropic").client, anthropicCall(false), client.signal);
      setTimeout(() => client.abort(), 20);
      const started = performance.now();
      const error = await rejection(attempt);
      expect(error).not.toBeInstanceOf(ApiError);
      expect((error as Error).name).toBe("AbortError");
      expect(performance.now() - started).toBeLessThan(200);
    }
    await anthropic.waitForDisconnect(2, 300);
  });

  test("an already-aborted signal sends nothing", async () => {
    const upstream = createTransport(config());
    const client = new AbortController();
    client.abort();
    const error = await rejection(upstream.send(stubClient("google").client, googleCall(false), client.signal));
    expect(error).not.toBeInstanceOf(ApiError);
    expect(gemini.requests).toHaveLength(0);
  });
});
