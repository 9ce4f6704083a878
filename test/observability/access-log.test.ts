import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { displayPrefix, generateApiKey } from "../../src/auth/api-key.ts";
import { startAnthropicServer } from "../fakes/anthropic-server.ts";
import type { FakeServer } from "../fakes/fake-server.ts";
import { startGeminiServer } from "../fakes/gemini-server.ts";
import { type GatewayProcess, startGatewayProcess } from "../support/gateway-process.ts";
import { stopStartedProcesses } from "../support/processes.ts";

// LOG_FORMAT=json on a gateway process started as an operator starts it (its
// own embedded database): one line per request on stdout, a stream's at its
// end, with the figures the client got, and nothing secret.
const MARKER = "prompt-marker-7f3a";
// A gateway process creates its embedded database first (seconds on a busy machine).
const SLOW_TEST_MS = 60_000;
const demoKey = generateApiKey();
const dataDir = mkdtempSync(join(tmpdir(), "opentoken-access-log-"));
let gemini: FakeServer;
let anthropic: FakeServer;

function env(extra: Record<string, string>) {
  return {
    DATABASE_URL: "",
    OPENTOKEN_DATA_DIR: dataDir,
    OPENTOKEN_DEMO_KEY: demoKey,
    OPENTOKEN_DEMO_CREDIT: "10",
    GOOGLE_API_KEY: gemini.apiKey,
    GOOGLE_BASE_URL: gemini.url,
    ANTHROPIC_API_KEY: anthropic.apiKey,
    ANTHROPIC_BASE_URL: anthropic.url,
    ...extra,
  };
}

/** Everything the process writes to stdout, as it arrives. */
function collectStdout(gateway: GatewayProcess) {
  const collected = { text: "" };
  void (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of gateway.child.stdout as ReadableStream<Uint8Array>) collected.text += decoder.decode(chunk, { stream: true });
  })();
  return collected;
}

const jsonLines = (text: string) => text.split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line));

async function lineFor(stdout: { text: string }, requestId: string) {
  for (let i = 0; i < 300; i++) {
    const line = jsonLines(stdout.text).find((entry) => entry.request_id === requestId);
    if (line) return line;
    await Bun.sleep(10);
  }
  throw new Error(`no access-log line for ${requestId} in:\n${stdout.text}`);
}

beforeAll(() => {
  gemini = startGeminiServer();
  anthropic = startAnthropicServer();
});
afterAll(async () => {
  await stopStartedProcesses();
  await Promise.all([gemini.stop(), anthropic.stop()]);
  rmSync(dataDir, { recursive: true, force: true });
});

test("LOG_FORMAT=json: a line per request with the client's figures, streams at their end, no key, prompt or reply", async () => {
  const gateway = await startGatewayProcess(env({ LOG_FORMAT: "json" }));
  const stdout = collectStdout(gateway);
  const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: demoKey, maxRetries: 0 });
  const messages = [{ role: "user" as const, content: `Say hi ${MARKER}` }];

  const { data: completion, response } = await client.chat.completions.create({ model: "google/gemini-3-flash", messages }).withResponse();
  const line = await lineFor(stdout, response.headers.get("x-request-id")!);
  expect(line).toMatchObject({
    method: "POST",
    route: "/v1/chat/completions",
    status: 200,
    error: null,
    model: "google/gemini-3-flash",
    supplier: "google",
    key: displayPrefix(demoKey),
    input_tokens: completion.usage!.prompt_tokens,
    cached_tokens: completion.usage!.prompt_tokens_details?.cached_tokens ?? 0,
    output_tokens: completion.usage!.completion_tokens,
    reasoning_tokens: completion.usage!.completion_tokens_details?.reasoning_tokens ?? 0,
    cost_usd: response.headers.get("x-opentoken-cost-usd"),
    estimated: false,
    outcome: "completed",
  });
  expect(line.workspace).toMatch(/\S/);
  expect(Date.parse(line.time)).toBeGreaterThan(Date.now() - 60_000);
  expect(line.ttfb_ms).toBeGreaterThan(0);
  expect(line.ttfb_ms).toBeLessThanOrEqual(line.duration_ms);

  // A stream's line is written when it ends, with the usage it was billed at.
  anthropic.setNext({ fixture: "anthropic-text.chunks.txt", eventDelayMs: 60 });
  const streamed = await client.chat.completions
    .create({ model: "anthropic/claude-sonnet-4-5", messages, stream: true, stream_options: { include_usage: true } })
    .withResponse();
  const streamId = streamed.response.headers.get("x-request-id")!;
  let usage: OpenAI.CompletionUsage | undefined;
  let chunks = 0;
  for await (const chunk of streamed.data) {
    // Some 300 ms in, past the log's 100 ms flush: a line written at the start would be out by now.
    if (++chunks === 5) expect(jsonLines(stdout.text).some((entry) => entry.request_id === streamId)).toBe(false);
    usage = chunk.usage ?? usage;
  }
  expect(chunks).toBeGreaterThan(5);
  expect(await lineFor(stdout, streamId)).toMatchObject({
    status: 200,
    supplier: "anthropic",
    input_tokens: usage!.prompt_tokens,
    output_tokens: usage!.completion_tokens,
    outcome: "completed",
    error: null,
  });

  // A stream the client leaves: billed for what was known, marked incomplete.
  anthropic.setNext({ fixture: "anthropic-text.chunks.txt", eventDelayMs: 200 });
  const controller = new AbortController();
  const cut = await client.chat.completions
    .create({ model: "anthropic/claude-sonnet-4-5", messages, stream: true }, { signal: controller.signal })
    .withResponse();
  for await (const _ of cut.data) break;
  controller.abort();
  expect(await lineFor(stdout, cut.response.headers.get("x-request-id")!)).toMatchObject({ status: 200, outcome: "incomplete" });

  const refused = await fetch(`${gateway.url}/v1/models`, { headers: { authorization: "Bearer sk-optk-not-a-key" } });
  expect(await lineFor(stdout, refused.headers.get("x-request-id")!)).toMatchObject({
    route: "/v1/models",
    status: 401,
    error: "invalid_key",
    key: null,
    workspace: null,
    cost_usd: null,
  });

  await gateway.stop();
  expect(stdout.text).not.toContain(demoKey);
  expect(stdout.text).not.toContain(MARKER);
  expect(stdout.text).not.toContain(completion.choices[0]!.message.content!);
  // stdout is JSON only, the start-up line included.
  for (const text of stdout.text.trim().split("\n")) expect(() => JSON.parse(text)).not.toThrow();
}, SLOW_TEST_MS);

test("the default text log has no access lines", async () => {
  const gateway = await startGatewayProcess(env({}));
  const stdout = collectStdout(gateway);
  const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: demoKey, maxRetries: 0 });
  await client.chat.completions.create({ model: "google/gemini-3-flash", messages: [{ role: "user", content: "Hi" }] });
  await fetch(`${gateway.url}/v1/models`);
  await gateway.stop();
  expect(stdout.text.trim().split("\n")).toEqual([expect.stringMatching(/^OpenToken listening on http:\/\/127\.0\.0\.1:\d+ \(database: embedded PGlite/)]);
}, SLOW_TEST_MS);
