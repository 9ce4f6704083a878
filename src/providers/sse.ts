/**
 * Incremental Server-Sent Events parsing (the WHATWG event-stream format)
 * for upstream provider streams. Lines may end in `\n`, `\r\n` or `\r`
 * (Gemini sends `\r\n\r\n`), and any byte may be split across network
 * chunks, including inside a UTF-8 sequence or between `\r` and `\n`.
 *
 * Each event is emitted as soon as the blank line that ends it has been
 * read: nothing is held back waiting for more input.
 */

export interface SseEvent {
  /** The `event:` field, when the upstream sent a non-empty one. */
  event?: string;
  /** The `data:` lines joined with "\n". */
  data: string;
}

const LF = 10;
const CR = 13;
const COLON = 58;
const SPACE = 32;
const NO_EVENTS: readonly SseEvent[] = Object.freeze([]);

/** Upper bound on one unterminated line / event, so a broken upstream cannot exhaust memory. */
const DEFAULT_MAX_PENDING_CHARS = 16 * 1024 * 1024;

export class SseOverflowError extends Error {
  constructor(limit: number) {
    super(`SSE event exceeds ${limit} characters`);
    this.name = "SseOverflowError";
  }
}

/**
 * Push bytes in, get completed events out. One instance per stream.
 * `feed` returns a shared empty array when no event completed, so the
 * common "half an event arrived" case allocates nothing.
 */
export class SseParser {
  private readonly decoder = new TextDecoder();
  /** The start of a line whose end has not arrived yet. */
  private pending = "";
  /** The previous chunk ended in `\r`: a leading `\n` belongs to that line break. */
  private skipLf = false;
  /** Data of the event being assembled; undefined until a `data` field arrives. */
  private data: string | undefined;
  private event: string | undefined;
  private out: SseEvent[] | undefined;

  constructor(private readonly maxPendingChars = DEFAULT_MAX_PENDING_CHARS) {}

  /** Parses one network chunk; returns the events it completed, in order. */
  feed(chunk: Uint8Array): readonly SseEvent[] {
    const text = this.decoder.decode(chunk, { stream: true });
    return text.length === 0 ? NO_EVENTS : this.feedText(text);
  }

  /** Parses already-decoded text (tests, or a caller that decodes itself). */
  feedText(chunk: string): readonly SseEvent[] {
    this.scan(chunk);
    return this.take();
  }

  /** The input ended: flushes a last line and a last event lacking their terminators. */
  end(): readonly SseEvent[] {
    const tail = this.decoder.decode();
    if (tail.length > 0) this.scan(tail);
    if (this.pending.length > 0) {
      const line = this.pending;
      this.pending = "";
      this.line(line, 0, line.length);
    }
    this.skipLf = false;
    this.dispatch();
    return this.take();
  }

  private scan(chunk: string): void {
    let text = chunk;
    let pos = 0;
    if (this.skipLf) {
      this.skipLf = false;
      if (text.charCodeAt(0) === LF) pos = 1;
    }
    // The carried-over partial line holds no line break: search only the new text.
    let searchFrom = pos;
    if (this.pending.length > 0) {
      text = this.pending + (pos === 0 ? text : text.slice(pos));
      pos = 0;
      searchFrom = this.pending.length;
      this.pending = "";
    }

    const length = text.length;
    let lf = text.indexOf("\n", searchFrom);
    let cr = text.indexOf("\r", searchFrom);
    while (pos < length) {
      // Next line break: the earlier of the cached `\n` / `\r` positions.
      if (lf !== -1 && lf < pos) lf = text.indexOf("\n", pos);
      if (cr !== -1 && cr < pos) cr = text.indexOf("\r", pos);
      let end: number;
      if (lf === -1) end = cr;
      else if (cr === -1) end = lf;
      else end = lf < cr ? lf : cr;
      if (end === -1) break;

      this.line(text, pos, end);
      if (end === cr) {
        if (end + 1 < length) pos = text.charCodeAt(end + 1) === LF ? end + 2 : end + 1;
        else {
          // `\r` was the last character: its `\n` may be in the next chunk.
          this.skipLf = true;
          pos = end + 1;
        }
      } else {
        pos = end + 1;
      }
    }

    if (pos < length) this.pending = pos === 0 ? text : text.slice(pos);
    const size = this.pending.length + (this.data === undefined ? 0 : this.data.length);
    if (size > this.maxPendingChars) throw new SseOverflowError(this.maxPendingChars);
  }

  private take(): readonly SseEvent[] {
    const out = this.out;
    if (out === undefined) return NO_EVENTS;
    this.out = undefined;
    return out;
  }

  /** Handles the line text[start, end). */
  private line(text: string, start: number, end: number): void {
    if (start === end) {
      this.dispatch();
      return;
    }
    const first = text.charCodeAt(start);
    if (first === COLON) return; // comment / keep-alive

    // Fast path for the two fields that matter.
    if (first === 100 /* d */ && text.startsWith("data:", start)) {
      this.addData(text, start + 5, end);
      return;
    }
    if (first === 101 /* e */ && text.startsWith("event:", start)) {
      const value = this.value(text, start + 6, end);
      this.event = value.length > 0 ? value : undefined;
      return;
    }

    // General form: `field` or `field: value`.
    let colon = text.indexOf(":", start);
    if (colon === -1 || colon > end) colon = end;
    const field = text.slice(start, colon);
    if (field === "data") this.addData(text, colon + 1, end);
    else if (field === "event") {
      const value = colon < end ? this.value(text, colon + 1, end) : "";
      this.event = value.length > 0 ? value : undefined;
    }
    // `id`, `retry` and unknown fields are ignored.
  }

  private addData(text: string, valueStart: number, end: number): void {
    const value = valueStart <= end ? this.value(text, valueStart, end) : "";
    this.data = this.data === undefined ? value : this.data + "\n" + value;
  }

  /** The field value from `from` to `end`, minus one leading space. */
  private value(text: string, from: number, end: number): string {
    if (from < end && text.charCodeAt(from) === SPACE) from++;
    return text.slice(from, end);
  }

  private dispatch(): void {
    if (this.data !== undefined) {
      const event: SseEvent = this.event === undefined ? { data: this.data } : { event: this.event, data: this.data };
      (this.out ??= []).push(event);
    }
    this.data = undefined;
    this.event = undefined;
  }
}

/**
 * Reads a byte stream as SSE, yielding each event the moment it completes.
 * Returning early (break) cancels the stream.
 */
export async function* readSse(stream: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent, void, undefined> {
  const parser = new SseParser();
  const reader = stream.getReader();
  let finished = false;
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      const events = parser.feed(value);
      for (let i = 0; i < events.length; i++) yield events[i]!;
    }
    finished = true;
    const events = parser.end();
    for (let i = 0; i < events.length; i++) yield events[i]!;
  } finally {
    if (!finished) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}
