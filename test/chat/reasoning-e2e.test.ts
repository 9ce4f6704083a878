import { afterAll, beforeAll, expect, test } from "bun:test";
import OpenAI from "openai";
import type { FakeServer } from "../fakes/fake-server.ts";
import { fixtureJson } from "../support/fixtures.ts";
import { type ProviderGateway, startProviderGateway } from "../support/provider-gateway.ts";

// Reasoning control and reasoning output through the official client, on both providers.
let setup: ProviderGateway;
let gemini: FakeServer;
let anthropic: FakeServer;
let client: OpenAI;

beforeAll(async () => {
  setup = await startProviderGateway();
  ({ gemini, anthropic, client } = setup);
});
afterAll(() => setup.stop());

const ask = [{ role: "user" as const, content: "How many r's in strawberry?" }];

test("anthropic: reasoning effort → budget thinking; thinking comes back as reasoning with a signed detail", async () => {
  anthropic.setNext({ fixture: "anthropic-clear-thinking.1.json" });
  const completion: any = await client.chat.completions.create({
    model: "anthropic/claude-sonnet-4-5",
    messages: ask,
    max_tokens: 4000,
    reasoning_effort: "medium",
  });
  const sent = anthropic.lastRequest()!.body;
  expect(sent.thinking).toMatchObject({ type: "enabled", budget_tokens: 2000 });
  expect(sent.max_tokens).toBeGreaterThan(sent.thinking.budget_tokens);

  const thinking = fixtureJson("anthropic", "anthropic-clear-thinking.1.json").content.find((b: any) => b.type === "thinking");
  const message = completion.choices[0].message;
  expect(message.reasoning).toBe(thinking.thinking);
  expect(message.reasoning_details[0]).toMatchObject({ type: "reasoning.text", signature: thinking.signature, format: "anthropic-claude-v1" });
  expect(completion.usage.completion_tokens_details).toBeDefined();
});

test("google: reasoning tokens are reported and included in completion_tokens", async () => {
  gemini.setNext({ fixture: "google-reasoning-gemini3.json" });
  const completion = await client.chat.completions.create({
    model: "google/gemini-3-flash",
    messages: ask,
    reasoning_effort: "low",
  } as OpenAI.ChatCompletionCreateParamsNonStreaming);
  const sent = gemini.lastRequest()!.body;
  expect(sent.generationConfig.thinkingConfig.thinkingLevel.toLowerCase()).toBe("low");
  expect(sent.generationConfig.thinkingConfig.thinkingBudget).toBeUndefined();
  const usage = fixtureJson("google", "google-reasoning-gemini3.json").usageMetadata;
  expect(completion.usage!.completion_tokens_details!.reasoning_tokens).toBe(usage.thoughtsTokenCount);
  expect(completion.usage!.completion_tokens).toBe(usage.candidatesTokenCount + usage.thoughtsTokenCount);
});

test("google: reasoning.exclude keeps the model thinking but returns no reasoning text; its tokens are still reported", async () => {
  gemini.setNext({ fixture: "google-reasoning-gemini3.json" });
  const completion: any = await client.chat.completions.create({
    model: "google/gemini-3-flash",
    messages: ask,
    reasoning: { effort: "low", exclude: true },
  } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming);
  const sent = gemini.lastRequest()!.body;
  expect(sent.generationConfig.thinkingConfig.thinkingLevel.toLowerCase()).toBe("low");
  expect(sent.generationConfig.thinkingConfig.includeThoughts).toBe(false);
  const message = completion.choices[0].message;
  expect(message.reasoning).toBeUndefined();
  expect(message.content).toContain("strawb");
  expect(completion.usage.completion_tokens_details.reasoning_tokens).toBe(
    fixtureJson("google", "google-reasoning-gemini3.json").usageMetadata.thoughtsTokenCount,
  );
});
