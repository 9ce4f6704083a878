import { afterAll, beforeAll, expect, test } from "bun:test";
import { type ProviderGateway, startProviderGateway } from "../support/provider-gateway.ts";

// Bun's idle timer closes a connection with no traffic for idleTimeout
// seconds, a request still being answered included. It must not cut a reply
// that is only slow: a long completion, or a long pause between stream events.
let setup: ProviderGateway;
beforeAll(async () => {
  setup = await startProviderGateway({ HTTP_IDLE_TIMEOUT_SECONDS: "1" });
});
afterAll(() => setup.stop());

const hello = [{ role: "user" as const, content: "Hello" }];

test("a reply slower than the connection idle timeout still arrives", async () => {
  setup.gemini.setNext({ fixture: "google-text.json", delayMs: 2_500 });

  const completion = await setup.client.chat.completions.create({ model: "google/gemini-3-flash", messages: hello });
  expect(completion.choices[0]!.message.content).toBeTruthy();
}, 15_000);

test("a stream pausing longer than the connection idle timeout between events still completes", async () => {
  setup.anthropic.setNext({ fixture: "anthropic-text.chunks.txt", pause: { after: 3, until: Bun.sleep(2_500) } });
  const stream = await setup.client.chat.completions.create({ model: "anthropic/claude-sonnet-4-5", messages: hello, stream: true });
  let finish: string | null = null;
  for await (const chunk of stream) finish = chunk.choices[0]?.finish_reason ?? finish;
  expect(finish).toBe("stop");
}, 15_000);
