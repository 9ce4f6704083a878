import { afterEach, describe, expect, test } from "bun:test";
import net from "node:net";
import type { Server } from "bun";
import { boundedSseBody, type BoundedSseOptions, type StreamCut } from "../../src/http/bounded-stream.ts";
import { IdleTimer } from "../../src/http/idle-timer.ts";

/**
 * Real sockets: Bun.serve on an ephemeral port, and a raw TCP client that
 * can stop reading (node:net pause()), so the kernel's buffers fill and
 * only Bun's backpressure stops the source.
 */

const FRAME_BYTES = 16 * 1024;

/** Frame i: `data: {"i":i}` padded to `size` bytes, ending in a blank line. */
function frame(i: number, size = FRAME_BYTES): string {
  const head = `data: {"i":${i}}`;
  return head + " ".repeat(Math.max(0, size - head.length - 2)) + "\n\n";
}

/** A source of `count` frames that records what it produced and whether its finally ran. */
function countingSource(count: number, size = FRAME_BYTES) {
  const state = { produced: 0, frames: 0, finallyRan: false };
  async function* frames() {
    try {
      for (let i = 0; i < count; i++) {
        const f = frame(i, size);
        state.produced += f.length;
        state.frames++;
        yield f;
      }
    } finally {
      state.finallyRan = true;
    }
  }
  return { state, frames: frames() };
}

/** Frame indices of an SSE body, checking each frame is whole. */
function frameIndices(body: string, size = FRAME_BYTES): number[] {
  const parts = body.split("\n\n");
  expect(parts.pop()).toBe("");
  return parts.map((part) => {
    expect(part.length + 2).toBe(size);
    const match = /^data: \{"i":(\d+)\} *$/.exec(part);
    expect(match).not.toBeNull();
    return Number(match![1]);
  });
}

/** A minimal HTTP/1.1 client on a raw socket; starts paused if asked. */
class RawClient {
  readonly socket: net.Socket;
  received = 0;
  closed = false;
  private chunks: Buffer[] = [];
  private listeners: (() => void)[] = [];

  constructor(port: number, paused: boolean) {
    this.socket = net.connect(port, "127.0.0.1", () => {
      this.socket.write("GET /stream HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    });
    if (paused) this.socket.pause();
    this.socket.on("data", (data: Buffer) => {
      this.received += data.length;
      this.chunks.push(data);
      this.notify();
    });
    this.socket.on("error", () => {});
    this.socket.on("close", () => {
      this.closed = true;
      this.notify();
    });
  }

  private notify() {
    for (const listener of this.listeners) listener();
  }

  /** Resolves when `predicate` holds (checked on every read and at close); rejects after `timeoutMs`. */
  until(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!predicate()) return;
        done();
        resolve();
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== check);
      };
      this.listeners.push(check);
      check();
    });
  }

  /** The response so far: status line, and the de-chunked body; `terminated` when the last chunk arrived. */
  response(): { head: string; body: string; terminated: boolean } {
    const raw = Buffer.concat(this.chunks);
    const headEnd = raw.indexOf("\r\n\r\n");
    if (headEnd < 0) return { head: "", body: "", terminated: false };
    const head = raw.subarray(0, headEnd).toString("latin1");
    const parts: Buffer[] = [];
    let pos = headEnd + 4;
    let terminated = false;
    while (pos < raw.length) {
      const lineEnd = raw.indexOf("\r\n", pos);
      if (lineEnd < 0) break;
      const size = parseInt(raw.subarray(pos, lineEnd).toString("latin1"), 16);
      if (size === 0) {
        terminated = true;
        break;
      }
      if (lineEnd + 2 + size + 2 > raw.length) {
        parts.push(raw.subarray(lineEnd + 2, Math.min(raw.length, lineEnd + 2 + size)));
        break;
      }
      parts.push(raw.subarray(lineEnd + 2, lineEnd + 2 + size));
      pos = lineEnd + 2 + size + 2;
    }
    return { head, body: Buffer.concat(parts).toString("utf8"), terminated };
  }

  /** Whether the body text so far contains frame `i`. */
  hasFrame(i: number): boolean {
    return this.response().body.includes(`data: {"i":${i}}`);
  }

  destroy() {
    this.socket.destroy();
  }
}

let servers: Server<undefined>[] = [];
const clients: RawClient[] = [];
/** Requests whose signal aborted (the server closed or lost the connection), in order. */
let aborted: Request[] = [];

afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
  for (const server of servers) server.stop(true);
  servers = [];
  aborted = [];
});

/** A server answering every request with `boundedSseBody(source(), options)`; Bun's idle timer off, as in the app. */
function serve(source: () => AsyncIterable<string>, options: BoundedSseOptions = {}, closeOnCut = true) {
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch(request, srv) {
      srv.timeout(request, 0);
      request.signal.addEventListener("abort", () => aborted.push(request));
      const body = boundedSseBody(source(), {
        signal: request.signal,
        closeConnection: closeOnCut ? () => new IdleTimer(srv, request, 0).close() : undefined,
        ...options,
      });
      return new Response(body, { headers: { "content-type": "text/event-stream" } });
    },
  });
  servers.push(server);
  return server;
}

function connect(server: Server<undefined>, paused = false): RawClient {
  const client = new RawClient(server.port!, paused);
  clients.push(client);
  return client;
}

/** Polls `read()` until it stays the same for `stableMs` (or `maxMs` passes); returns the last value. */
async function settled(read: () => number, stableMs: number, maxMs: number): Promise<{ value: number; stable: boolean }> {
  const start = performance.now();
  let value = read();
  let since = performance.now();
  while (performance.now() - start < maxMs) {
    await Bun.sleep(50);
    const next = read();
    if (next !== value) {
      value = next;
      since = performance.now();
    } else if (performance.now() - since >= stableMs) {
      return { value, stable: true };
    }
  }
  return { value, stable: false };
}

const MiB = 1024 * 1024;

/** Polls `predicate` every 10 ms; rejects after `timeoutMs`. */
async function until(predicate: () => boolean, timeoutMs: number): Promise<void> {
  const start = performance.now();
  while (!predicate()) {
    if (performance.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await Bun.sleep(10);
  }
}

/** The frames of a cut body are whole and in order, but for a torn last one. */
function expectWholeFramesInOrder(body: string) {
  const lastWhole = body.lastIndexOf("\n\n");
  if (lastWhole < 0) return;
  const indices = frameIndices(body.slice(0, lastWhole + 2));
  expect(indices).toEqual(Array.from({ length: indices.length }, (_, i) => i));
}

describe("boundedSseBody without sockets", () => {
  test("queues at most the bound (plus the frame that crossed it) while nobody reads", async () => {
    const { state, frames } = countingSource(10_000);
    const body = boundedSseBody(frames, { maxBufferedBytes: 64 * 1024 });
    await Bun.sleep(50);
    expect(state.produced).toBeGreaterThanOrEqual(64 * 1024);
    expect(state.produced).toBeLessThanOrEqual(64 * 1024 + FRAME_BYTES);
    await body.cancel();
    expect(state.finallyRan).toBe(true);
  });

  test("delivers every frame in order", async () => {
    const { state, frames } = countingSource(300, 1000);
    const text = await new Response(boundedSseBody(frames, { maxBufferedBytes: 10_000 })).text();
    expect(frameIndices(text, 1000)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(state.finallyRan).toBe(true);
  });

  test("an aborted signal ends the source and reports the cut", async () => {
    const { state, frames } = countingSource(10_000);
    const abort = new AbortController();
    const cuts: StreamCut[] = [];
    const body = boundedSseBody(frames, { maxBufferedBytes: 64 * 1024, signal: abort.signal, onCut: (cut) => cuts.push(cut) });
    await Bun.sleep(20);
    abort.abort();
    await Bun.sleep(20);
    expect(state.finallyRan).toBe(true);
    expect(cuts).toEqual([{ reason: "client_closed", sourceDone: false, queuedBytes: expect.any(Number) }]);
    await expect(body.getReader().read()).rejects.toBeUndefined();
  });

  test("a finished stream lets go of its source once its tail is read, not a timer tick later", async () => {
    // What the source holds (in the gateway: the request and its call) must be collectable right after the
    // reply; the write-timeout timer used to keep it for a quarter of the timeout (7.5 s by default).
    const ends: number[] = [];
    const weak = await (async () => {
      const payload = { big: "x".repeat(1 << 20) };
      async function* frames() {
        for (let i = 0; i < 20; i++) yield `data: ${payload.big.length + i}\n\n`;
      }
      const source = frames();
      const text = await new Response(boundedSseBody(source, { onEnd: () => ends.push(1) })).text();
      expect(text.split("\n\n").length).toBe(21);
      return new WeakRef(payload);
    })();
    expect(ends).toEqual([1]);
    // Collected within moments (50 ms checks; up to 2 s on a loaded machine), not the 7.5 s the timer held it.
    const start = performance.now();
    while (weak.deref() !== undefined && performance.now() - start < 2_000) {
      await Bun.sleep(50);
      Bun.gc(true);
    }
    expect(weak.deref()).toBeUndefined();
  });

  test("a source that throws errors the body", async () => {
    async function* failing() {
      yield frame(0, 100);
      throw new Error("boom");
    }
    const reader = boundedSseBody(failing()).getReader();
    expect((await reader.read()).value).toBe(frame(0, 100));
    await expect(reader.read()).rejects.toThrow("boom");
  });
});

describe("boundedSseBody on a real socket", () => {
  test("a client that stops reading stops the source; on resuming it gets everything, in order", async () => {
    const TOTAL_FRAMES = 2048; // 32 MiB: far more than the kernel's socket buffers hold
    const LIMIT = 256 * 1024;
    const { state, frames } = countingSource(TOTAL_FRAMES);
    const cuts: StreamCut[] = [];
    const server = serve(() => frames, { maxBufferedBytes: LIMIT, writeTimeoutMs: 60_000, onCut: (cut) => cuts.push(cut) });
    const client = connect(server, true);

    // Production stops once the socket buffers and the queue are full.
    const { value: producedWhilePaused, stable } = await settled(() => state.produced, 600, 10_000);
    expect(stable).toBe(true);
    expect(client.received).toBe(0);
    // Kernel loopback buffers hold ~4 MB here (both directions' socket buffers); what the gateway
    // holds on top is the queue and about a chunk. An unbounded body would have pulled all 32 MiB.
    expect(producedWhilePaused - client.received).toBeLessThan(8 * MiB + LIMIT);
    expect(state.finallyRan).toBe(false);

    client.socket.resume();
    await client.until(() => client.closed, 20_000, "the whole response");
    const { head, body, terminated } = client.response();
    expect(head.startsWith("HTTP/1.1 200")).toBe(true);
    expect(terminated).toBe(true);
    expect(frameIndices(body)).toEqual(Array.from({ length: TOTAL_FRAMES }, (_, i) => i));
    expect(state.finallyRan).toBe(true);
    expect(cuts).toEqual([]);
  });

  test("a client paused past the write timeout is cut: onCut, the source's finally, the connection closed", async () => {
    const { state, frames } = countingSource(100_000);
    const cuts: StreamCut[] = [];
    let cutAt = 0;
    const server = serve(() => frames, {
      maxBufferedBytes: 64 * 1024,
      writeTimeoutMs: 500,
      onCut: (cut) => {
        cuts.push(cut);
        cutAt = performance.now();
      },
    });
    const client = connect(server, true);
    const started = performance.now();

    await until(() => cuts.length > 0, 10_000);
    expect(cuts).toEqual([{ reason: "write_timeout", sourceDone: false, queuedBytes: expect.any(Number) }]);
    expect(cutAt - started).toBeGreaterThanOrEqual(500);
    expect(state.finallyRan).toBe(true);
    const producedAtCut = state.produced;

    // The client still reads nothing: Bun closes the socket on its next idle-timer tick (every 4 s),
    // which aborts the request's signal.
    await until(() => aborted.length > 0, 12_000);
    expect(client.received).toBe(0);
    client.socket.resume();
    await client.until(() => client.closed, 10_000, "the connection to close");
    expect(client.response().terminated).toBe(false);
    expect(client.received).toBeLessThan(16 * MiB);
    expect(state.produced).toBe(producedAtCut);
    expectWholeFramesInOrder(client.response().body);
  });

  test("without closeConnection, a cut client that reads again gets a truncated body", async () => {
    const { state, frames } = countingSource(100_000);
    const cuts: StreamCut[] = [];
    const server = serve(() => frames, { maxBufferedBytes: 64 * 1024, writeTimeoutMs: 300, onCut: (cut) => cuts.push(cut) }, false);
    const client = connect(server, true);
    await until(() => cuts.length > 0, 10_000);
    expect(cuts.map((c) => c.reason)).toEqual(["write_timeout"]);
    expect(state.finallyRan).toBe(true);
    client.socket.resume();
    await client.until(() => client.closed, 10_000, "the connection to close");
    expect(client.response().terminated).toBe(false);
    expectWholeFramesInOrder(client.response().body);
  });

  test("a client that keeps up gets each frame before the next one is produced", async () => {
    const COUNT = 20;
    let client!: RawClient;
    const producedAt: number[] = [];
    const seenAt: number[] = [];
    // The source produces frame i+1 only once the client has seen frame i: any batching or holding
    // back would stall it and fail on the deadline.
    async function* lockstep() {
      for (let i = 0; i < COUNT; i++) {
        if (i > 0) {
          await client.until(() => client.hasFrame(i - 1), 5_000, `frame ${i - 1}`);
          seenAt[i - 1] = performance.now();
          await Bun.sleep(50);
        }
        producedAt[i] = performance.now();
        yield frame(i, 200);
      }
    }
    const server = serve(() => lockstep(), { writeTimeoutMs: 10_000 });
    client = connect(server);
    await client.until(() => client.closed, 20_000, "the whole response");
    const { body, terminated } = client.response();
    expect(terminated).toBe(true);
    expect(frameIndices(body, 200)).toEqual(Array.from({ length: COUNT }, (_, i) => i));
    const lags = seenAt.map((t, i) => t - producedAt[i]!);
    expect(lags.length).toBe(COUNT - 1);
    // Typically well under a millisecond; the bound only catches a frame held back for a timer.
    expect(Math.max(...lags)).toBeLessThan(1_000);
  });

  test("a client that disconnects mid-stream runs the source's finally", async () => {
    let finallyRan = false;
    let produced = 0;
    async function* endless() {
      try {
        for (let i = 0; ; i++) {
          produced++;
          yield frame(i, 200);
          await Bun.sleep(10);
        }
      } finally {
        finallyRan = true;
      }
    }
    const cuts: StreamCut[] = [];
    const server = serve(() => endless(), { onCut: (cut) => cuts.push(cut) });
    const client = connect(server);
    await client.until(() => client.hasFrame(3), 5_000, "frame 3");
    client.destroy();
    await until(() => finallyRan, 5_000);
    expect(cuts.map((c) => c.reason)).toEqual(["client_closed"]);
    const after = produced;
    await Bun.sleep(100);
    expect(produced).toBe(after);
  });

  test("a paused client that disconnects with full buffers runs the source's finally", async () => {
    const { state, frames } = countingSource(100_000);
    const server = serve(() => frames, { maxBufferedBytes: 64 * 1024, writeTimeoutMs: 60_000 });
    const client = connect(server, true);
    const { stable } = await settled(() => state.produced, 300, 10_000);
    expect(stable).toBe(true);
    client.destroy();
    await until(() => state.finallyRan, 5_000);
  });
});
