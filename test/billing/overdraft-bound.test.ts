import { afterAll, beforeAll, expect, test } from "bun:test";
import OpenAI from "openai";
import type { FakeServer } from "../fakes/fake-server.ts";
import { newTenant, type TestGateway } from "../support/gateway.ts";
import { accountState } from "../support/ledger.ts";
import { type ProviderGateway, startProviderGateway } from "../support/provider-gateway.ts";

// The README's overdraft bound: a request is admitted only when its worst
// case fits and a stream cut short never bills more than that worst case,
// so a workspace funded for one request never goes below zero however its
// streams end (the providers here never bill beyond the limits sent).
let setup: ProviderGateway;
let gateway: TestGateway;
let gemini: FakeServer;
let anthropic: FakeServer;

beforeAll(async () => {
  setup = await startProviderGateway();
  ({ gateway, gemini, anthropic } = setup);
});
afterAll(() => setup.stop());

const MAX_TOKENS = 100;
/** Each delta is one token as the provider counts it, but 12 characters: ⌈12/4⌉ = 3 tokens by the estimate. */
const DELTA = "abcdefghijk ";

function geminiChunks() {
  return Array.from({ length: MAX_TOKENS }, (_, i) => ({
    candidates: [
      {
        content: { role: "model", parts: [{ text: DELTA }] },
        index: 0,
        ...(i === MAX_TOKENS - 1 && { finishReason: "MAX_TOKENS" }),
      },
    ],
    // Gemini counts the output so far on every chunk.
    usageMetadata: { promptTokenCount: 9, candidatesTokenCount: i + 1, totalTokenCount: 10 + i },
  }));
}

function anthropicChunks() {
  return [
    { type: "message_start", message: { id: "msg_1", type: "message", role: "assistant", content: [], usage: { input_tokens: 9, output_tokens: 1 } } },
    { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
    ...Array.from({ length: MAX_TOKENS }, () => ({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: DELTA } })),
    { type: "content_block_stop", index: 0 },
    // Anthropic counts the output only at the end.
    { type: "message_delta", delta: { stop_reason: "max_tokens" }, usage: { output_tokens: MAX_TOKENS } },
    { type: "message_stop" },
  ];
}

/** Deterministic "random" cut points, so a failure replays. */
function* cutPoints(seed: number, count: number) {
  let state = seed;
  for (let i = 0; i < count; i++) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    yield 1 + (state % (MAX_TOKENS - 1));
  }
}

const body = (model: string) => ({ model, messages: [{ role: "user" as const, content: "Hello" }], max_tokens: MAX_TOKENS, stream: true as const });

/** One worst case for the request as the gateway reserves it: body bytes as input, MAX_TOKENS as output. */
function worstCase(model: string, prices: { input: bigint; output: bigint }) {
  const bytes = BigInt(Buffer.byteLength(JSON.stringify(body(model))));
  const scaled = bytes * prices.input + BigInt(MAX_TOKENS) * prices.output;
  return (scaled + 999_999n) / 1_000_000n;
}

for (const [provider, model, server, chunks] of [
  ["google", "google/gemini-3-flash", () => gemini, geminiChunks],
  ["anthropic", "anthropic/claude-haiku-4-5", () => anthropic, anthropicChunks],
] as const) {
  test(`${provider}: streams abandoned at random points never take a workspace funded for one request below zero`, async () => {
    const prices = gateway.catalog.get(model)!.prices;
    const fund = worstCase(model, prices) + 1_000n;
    for (const cut of cutPoints(provider.length, 8)) {
      const { workspace, key } = await newTenant(fund);
      const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: key, maxRetries: 0 });
      server().setNext({ chunks: chunks(), eventDelayMs: 1 });
      const controller = new AbortController();
      const stream = await client.chat.completions.create(body(model), { signal: controller.signal });
      let received = 0;
      try {
        for await (const chunk of stream) {
          if (chunk.choices[0]?.delta.content && ++received >= cut) controller.abort();
        }
      } catch (error) {
        if (!controller.signal.aborted) throw error;
      }
      await server().waitForIdle(5_000);
      await gateway.billing.flush();
      const state = await accountState(gateway.db, workspace.id);
      expect(state.records).toHaveLength(1);
      const record = state.records[0]!;
      expect(record.completionTokens).toBeLessThanOrEqual(MAX_TOKENS);
      expect(state.balance!).toBeGreaterThanOrEqual(0n);
      expect(state.ledgerSum).toBe(state.balance!);
      if (provider === "google") {
        // Gemini's own running count wins over the 3-per-delta estimate: exact, not estimated.
        expect(record.completionTokens).toBeGreaterThanOrEqual(cut);
        expect(record.completionTokens).toBeLessThan(Math.min(MAX_TOKENS, cut * 3));
      }
    }
  }, 60_000);
}
