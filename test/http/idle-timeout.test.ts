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

/** Sends one request on a new kept-alive connection; resolves with the time the server closed it (or null). */
async function keptAliveAfter(raw: string, waitMs: number): Promise<{ reply: string; closedAfterMs: number | null }> {
  const url = new URL(setup.gateway.url);
  let reply = "";
  let answered = 0;
  let closedAt: number | null = null;
  const closed = Promise.withResolvers<void>();
  const socket = await Bun.connect({
    hostname: url.hostname,
    port: Number(url.port),
    socket: {
      data(_, chunk) {
        reply += chunk.toString();
        answered ||= performance.now();
      },
      close() {
        closedAt = performance.now();
        closed.resolve();
      },
    },
  });
  socket.write(raw);
  await Promise.race([closed.promise, Bun.sleep(waitMs)]);
  socket.end();
  return { reply, closedAfterMs: closedAt === null ? null : closedAt - answered };
}

test("after a refused request with a body, a kept-alive connection idles out again", async () => {
  const body = JSON.stringify({ model: 1 });
  const raw = `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${setup.key}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
  const { reply, closedAfterMs } = await keptAliveAfter(raw, 12_000);
  expect(reply).toStartWith("HTTP/1.1 400");
  // One idle second, checked on Bun's 4-second tick.
  expect(closedAfterMs).not.toBeNull();
  expect(closedAfterMs!).toBeLessThan(10_000);
}, 20_000);

