import { describe, expect, test } from "bun:test";
import { readSse, SseOverflowError, SseParser, type SseEvent } from "../../src/providers/sse.ts";
import { fixtureChunks } from "../support/fixtures.ts";

const encoder = new TextEncoder();

/** Feeds `bytes` split at the given offsets and collects every event. */
function parseSplit(bytes: Uint8Array, cuts: number[]): SseEvent[] {
  const parser = new SseParser();
  const out: SseEvent[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    out.push(...parser.feed(bytes.subarray(start, cut)));
    start = cut;
  }
  out.push(...parser.end());
  return out;
}

const parseAll = (text: string) => parseSplit(encoder.encode(text), []);

/** Every way of cutting `text` into two chunks, plus one byte at a time, must parse the same. */
function expectSplitInvariant(text: string, expected: SseEvent[]) {
  const bytes = encoder.encode(text);
  expect(parseSplit(bytes, [])).toEqual(expected);
  for (let cut = 0; cut <= bytes.length; cut++) expect(parseSplit(bytes, [cut])).toEqual(expected);
  expect(parseSplit(bytes, Array.from({ length: bytes.length }, (_, i) => i))).toEqual(expected);
}

/** A source stream the test writes to by hand. */
function manualStream() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    cancel() {
      cancelled = true;
    },
  });
  return {
    stream,
    write: (text: string) => controller.enqueue(encoder.encode(text)),
    close: () => controller.close(),
    get cancelled() {
      return cancelled;
    },
  };
}

describe("SseParser framing", () => {
  const expected = [{ data: "one" }, { data: "two" }];

  test("\\n\\n separators", () => {
    expectSplitInvariant("data: one\n\ndata: two\n\n", expected);
  });

  test("\\r\\n\\r\\n separators (Gemini)", () => {
    expectSplitInvariant("data: one\r\n\r\ndata: two\r\n\r\n", expected);
  });

  test("\\r\\r separators", () => {
    expectSplitInvariant("data: one\r\rdata: two\r\r", expected);
  });

  test("mixed line endings in one stream", () => {
    expectSplitInvariant("data: one\r\n\ndata: two\r\r\n", expected);
  });

  test("event names (Anthropic framing) and reset of the name after each event", () => {
    expectSplitInvariant('event: message_start\ndata: {"a":1}\n\nevent: ping\ndata: {}\n\ndata: plain\n\n', [
      { event: "message_start", data: '{"a":1}' },
      { event: "ping", data: "{}" },
      { data: "plain" },
    ]);
  });

  test("multi-line data is joined with \\n", () => {
    expectSplitInvariant("data: first\r\ndata: second\r\ndata:\r\ndata: fourth\r\n\r\n", [
      { data: "first\nsecond\n\nfourth" },
    ]);
  });

  test("comments, id, retry and unknown fields are ignored", () => {
    expectSplitInvariant(": keep-alive\n:OPENROUTER PROCESSING\n\nid: 7\nretry: 100\nfoo: bar\ndata: x\n\n", [
      { data: "x" },
    ]);
  });

  test("field values: one leading space stripped, no space needed, colons kept", () => {
    expect(parseAll("data:no-space\n\ndata:  two spaces\n\ndata: a: b: c\n\n")).toEqual([
      { data: "no-space" },
      { data: " two spaces" },
      { data: "a: b: c" },
    ]);
  });

  test("a bare `data` line is an empty data line; blank lines without data dispatch nothing", () => {
    expect(parseAll("\n\n\ndata\n\nevent: lonely\n\n")).toEqual([{ data: "" }]);
  });

  test("a final event without a trailing blank line is flushed at EOF", () => {
    expect(parseAll("data: one\n\ndata: last")).toEqual(expected.slice(0, 1).concat({ data: "last" }));
    expect(parseAll("event: x\ndata: last\r\n")).toEqual([{ event: "x", data: "last" }]);
    expectSplitInvariant("data: one\r\n\r\ndata: two", expected);
  });

  test("UTF-8 characters split across chunks", () => {
    const text = "data: héllo 😀 한국어 — ok\n\ndata: ∑\r\n\r\n";
    expectSplitInvariant(text, [{ data: "héllo 😀 한국어 — ok" }, { data: "∑" }]);
  });

  test("a leading byte-order mark is dropped", () => {
    expect(parseSplit(new Uint8Array([0xef, 0xbb, 0xbf, ...encoder.encode("data: x\n\n")]), [1, 2])).toEqual([
      { data: "x" },
    ]);
  });

  test("events are returned by the feed that completes them, not later", () => {
    const parser = new SseParser();
    expect(parser.feed(encoder.encode("data: one\r\n"))).toEqual([]);
    expect(parser.feed(encoder.encode("\r\n"))).toEqual([{ data: "one" }]);
    expect(parser.feed(encoder.encode("event: a\ndata: two\n\ndata: thr"))).toEqual([{ event: "a", data: "two" }]);
    expect(parser.feed(encoder.encode("ee\n\n"))).toEqual([{ data: "three" }]);
    expect(parser.end()).toEqual([]);
  });

  test("a trailing \\r completes the line at once; a following \\n is not a second line", () => {
    const parser = new SseParser();
    expect(parser.feed(encoder.encode("data: one\r"))).toEqual([]);
    // The blank line arrives as a lone \r: dispatch right away.
    expect(parser.feed(encoder.encode("\r"))).toEqual([{ data: "one" }]);
    // This \n pairs with the \r before it (a \r\n break split across chunks), so it is not another blank line.
    expect(parser.feed(encoder.encode("\ndata: two\r\n\r\n"))).toEqual([{ data: "two" }]);
  });

  test("an unterminated event larger than the limit throws", () => {
    const parser = new SseParser(64);
    expect(() => parser.feed(encoder.encode(`data: ${"x".repeat(100)}`))).toThrow(SseOverflowError);
    const multi = new SseParser(64);
    expect(() => multi.feed(encoder.encode("data: 0123456789\n".repeat(10)))).toThrow(SseOverflowError);
  });

  test("recorded fixtures in both framings, cut into odd-sized chunks", () => {
    const cutEvery = (bytes: Uint8Array, size: number) => {
      const cuts: number[] = [];
      for (let i = size; i < bytes.length; i += size) cuts.push(i);
      return cuts;
    };
    for (const file of ["google-text.chunks.txt", "google-stream-no-args-tool-call.chunks.txt", "google-usage-raw-live.chunks.txt"]) {
      const data = fixtureChunks("google", file);
      const bytes = encoder.encode(data.map((d) => `data: ${d}\r\n\r\n`).join(""));
      for (const size of [1, 7, 64, 1000]) {
        expect(parseSplit(bytes, cutEvery(bytes, size))).toEqual(data.map((d) => ({ data: d })));
      }
    }
    const anthropic = fixtureChunks("anthropic", "anthropic-claude-sonnet-5-reasoning-summarized.chunks.txt");
    const bytes = encoder.encode(anthropic.map((d) => `event: ${JSON.parse(d).type}\ndata: ${d}\n\n`).join(""));
    expect(parseSplit(bytes, cutEvery(bytes, 13))).toEqual(
      anthropic.map((d) => ({ event: JSON.parse(d).type, data: d })),
    );
  });
});

describe("readSse", () => {
  test("yields each event as soon as its blank line arrives, while the source is still open", async () => {
    const source = manualStream();
    const events = readSse(source.stream);
    source.write("data: first\r\n");
    const first = events.next();
    source.write("\r\ndata: sec");
    expect(await first).toEqual({ done: false, value: { data: "first" } });

    const second = events.next();
    let settled = false;
    void second.then(() => (settled = true));
    await Bun.sleep(5);
    expect(settled).toBe(false); // half an event is not an event
    source.write("ond\r\n\r\n");
    expect(await second).toEqual({ done: false, value: { data: "second" } });

    source.write("data: tail");
    source.close();
    expect(await events.next()).toEqual({ done: false, value: { data: "tail" } });
    expect(await events.next()).toEqual({ done: true, value: undefined });
    expect(source.cancelled).toBe(false);
  });

  test("breaking out of the loop cancels the source", async () => {
    const source = manualStream();
    source.write("data: a\n\ndata: b\n\n");
    for await (const event of readSse(source.stream)) {
      expect(event).toEqual({ data: "a" });
      break;
    }
    expect(source.cancelled).toBe(true);
  });

  test("a source error propagates", async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(encoder.encode("data: a\n\n"));
        c.error(new Error("socket gone"));
      },
    });
    await expect(
      (async () => {
        for await (const _ of readSse(stream));
      })(),
    ).rejects.toThrow("socket gone");
  });
});
