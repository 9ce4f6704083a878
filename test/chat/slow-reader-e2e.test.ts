import { afterAll, beforeAll, expect, test } from "bun:test";
import { connect, type Socket } from "node:net";
import { newTenant } from "../support/gateway.ts";
import { accountState } from "../support/ledger.ts";
import { type ProviderGateway, startProviderGateway } from "../support/provider-gateway.ts";

// A client that stops reading a fast stream: the gateway stops pulling the
// upstream (backpressure), and after STREAM_WRITE_TIMEOUT_MS cuts the client,
// aborts the upstream and bills the stream like an abandoned one.
const WRITE_TIMEOUT_MS = 1_500;
let setup: ProviderGateway;
beforeAll(async () => {
  setup = await startProviderGateway({ STREAM_WRITE_TIMEOUT_MS: String(WRITE_TIMEOUT_MS) });
});
afterAll(() => setup.stop());

/** 32 MiB of Gemini chunks: far more than the loopback socket buffers on both sides can hide. */
const CHUNK_TEXT = "x".repeat(16 * 1024);
const CHUNKS = 2_048;
const geminiChunks = () =>
  Array.from({ length: CHUNKS }, (_, i) => ({
    candidates: [{ content: { role: "model", parts: [{ text: CHUNK_TEXT }] }, index: 0, ...(i === CHUNKS - 1 && { finishReason: "STOP" }) }],
  }));

/** Sends the request over a raw socket, waits for the response to start, then reads nothing more. */
async function pausedClient(url: string, key: string): Promise<{ socket: Socket; received: () => number; closed: Promise<void> }> {
  const { port } = new URL(url);
  const body = JSON.stringify({ model: "google/gemini-3-flash", messages: [{ role: "user", content: "Hello" }], stream: true, max_tokens: 1000 });
  const socket = connect(Number(port), "127.0.0.1");
  let received = 0;
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  await new Promise<void>((resolve) => {
    socket.once("connect", () => {
      socket.write(
        `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${key}\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    });
    socket.once("data", (chunk) => {
      received += Buffer.byteLength(chunk);
      socket.pause();
      resolve();
    });
  });
  socket.on("data", (chunk) => (received += Buffer.byteLength(chunk)));
  socket.on("error", () => {});
  return { socket, received: () => received, closed };
}

test("a stalled reader: the upstream is not drained into memory, and the client is cut after the write timeout and billed", async () => {
  const { workspace, key } = await newTenant();
  setup.gemini.setNext({ chunks: geminiChunks() });
  const client = await pausedClient(setup.gateway.url, key);

  // Backpressure: with the client paused, the gateway stops pulling the upstream well short of its 32 MiB.
  // What the fake upstream has written includes what the kernel holds in four loopback socket buffers
  // (both ends of both connections, autotuned to several MB each on a busy machine), so the bound is
  // on where the pulling stops, not on the gateway's own ~90 KB.
  let pulled = setup.gemini.streamedBytes;
  for (let i = 0; i < 30; i++) {
    await Bun.sleep(300);
    const now = setup.gemini.streamedBytes;
    if (now - pulled < 64 * 1024) break;
    pulled = now;
  }
  expect(setup.gemini.streamedBytes).toBeLessThan((CHUNKS * CHUNK_TEXT.length * 3) / 4);

  // The write timeout cuts the upstream call, and the client's connection: once it reads again, what
  // was buffered arrives and then the connection ends, far short of the whole stream.
  await setup.gemini.waitForDisconnect(1, WRITE_TIMEOUT_MS * 2 + 6_000);
  client.socket.resume();
  await client.closed;
  expect(client.received()).toBeLessThan(CHUNKS * CHUNK_TEXT.length);

  await setup.gateway.billing.flush();
  const state = await accountState(setup.gateway.db, workspace.id);
  expect(state.records).toHaveLength(1);
  expect(state.records[0]).toMatchObject({ estimated: true });
  expect(state.records[0]!.completionTokens).toBeLessThanOrEqual(1000);
  expect(state.ledgerSum).toBe(state.balance!);
  client.socket.destroy();
}, 30_000);
