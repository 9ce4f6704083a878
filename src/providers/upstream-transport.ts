/**
 * The one place that talks HTTP to the providers. Adapters decide what to
 * send and how to read it, a ProviderClient where and with which
 * credential; this module owns deadlines, abort propagation, redirects,
 * credential redaction and failure classification.
 *
 * Messages never carry the base URL, host, port or API key: the raw fetch
 * errors (which do) are dropped, not wrapped.
 */
import { malformedReply, noSupplier, streamError, upstreamTimeout } from "../errors.ts";
import type { UpstreamCall } from "./adapter.ts";
import type { ProviderClient } from "./provider-client.ts";
import { redactCredential } from "./redact-credential.ts";
import { parseRetryAfter } from "./retry-after.ts";
import { SseParser, type SseEvent } from "./sse.ts";

export type { SseEvent };

export interface UpstreamTransport {
  /**
   * A non-streaming call: resolves with the parsed JSON body of a 2xx reply.
   * Headers and the whole body must arrive within `upstreamTimeoutMs`, and
   * before `deadline` (epoch ms) when one is given. Rejects with an ApiError,
   * except when `signal` aborted: then it rejects with the signal's reason
   * (check `signal.aborted`).
   */
  send(client: ProviderClient, call: UpstreamCall, signal: AbortSignal, deadline?: number): Promise<unknown>;
  /**
   * A streaming call: resolves once 2xx response headers arrived (within the
   * same limits as send), with a generator of the raw SSE events. The generator throws streamError() on a
   * stall longer than `streamIdleTimeoutMs` or a broken connection, and just
   * ends when `signal` aborts. Breaking out of it (return()) or aborting
   * `signal` cancels the upstream request.
   */
  open(
    client: ProviderClient,
    call: UpstreamCall,
    signal: AbortSignal,
    deadline?: number,
  ): Promise<AsyncGenerator<SseEvent, void, undefined>>;
}

export interface TransportOptions {
  upstreamTimeoutMs: number;
  streamIdleTimeoutMs: number;
  /** Replaces the global fetch (tests). */
  fetch?: typeof fetch;
}

/** Why an in-flight call was cut short; the first cause wins. */
type Interrupt = "deadline" | "idle" | "client";

/**
 * Per-call state: one AbortController for the upstream request, driven by
 * the caller's signal and our own timers.
 */
class Call {
  readonly controller = new AbortController();
  private interrupt: Interrupt | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private onInterrupt: (() => void) | undefined;
  private readonly onClientAbort = () => this.stop("client");
  /** The time this attempt was allowed: UPSTREAM_TIMEOUT_MS, or less when the request's deadline leaves less. */
  allowedMs = 0;

  constructor(private readonly clientSignal: AbortSignal) {
    if (clientSignal.aborted) this.interrupt = "client";
    else clientSignal.addEventListener("abort", this.onClientAbort, { once: true });
  }

  /** Why the call was interrupted, if it was (changes asynchronously). */
  why(): Interrupt | undefined {
    return this.interrupt;
  }

  stop(why: Interrupt): void {
    if (this.interrupt !== undefined) return;
    this.interrupt = why;
    this.clearTimer();
    this.controller.abort();
    this.onInterrupt?.();
  }

  /** Runs `fn` (once) when the call is interrupted; replaces any earlier hook. */
  whenInterrupted(fn: (() => void) | undefined): void {
    this.onInterrupt = fn;
  }

  startTimer(why: Interrupt, ms: number): void {
    this.clearTimer();
    this.timer = setTimeout(() => this.stop(why), ms);
  }

  clearTimer(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  /** Stops listening to the caller's signal and to our timers. */
  dispose(): void {
    this.clearTimer();
    this.onInterrupt = undefined;
    this.clientSignal.removeEventListener("abort", this.onClientAbort);
  }

  clientAbortReason(): unknown {
    return this.clientSignal.reason ?? new DOMException("The operation was aborted.", "AbortError");
  }
}

export function createTransport(options: TransportOptions): UpstreamTransport {
  const doFetch = options.fetch ?? fetch;
  const deadlineMs = options.upstreamTimeoutMs;
  const idleMs = options.streamIdleTimeoutMs;

  const timeoutError = (client: ProviderClient, state: Call) =>
    upstreamTimeout(`${client.name} did not respond within ${state.allowedMs} ms${state.allowedMs < deadlineMs ? " (what was left of the request's deadline)" : ""}`);

  /**
   * Sends the request and waits for the response headers. Any non-2xx reply
   * is read (within the deadline) and turned into the adapter's ApiError.
   * Leaves the deadline timer running.
   */
  async function request(client: ProviderClient, call: UpstreamCall, state: Call, deadline: number | undefined): Promise<Response> {
    if (state.why() === "client") throw state.clientAbortReason();

    state.allowedMs = deadline === undefined ? deadlineMs : Math.max(0, Math.min(deadlineMs, deadline - Date.now()));
    state.startTimer("deadline", state.allowedMs);
    let response: Response;
    try {
      response = await doFetch(client.baseUrl + call.path, {
        method: "POST",
        headers: client.headers,
        body: JSON.stringify(call.body),
        signal: state.controller.signal,
        // A redirect would carry the credential to another origin: it is the supplier failing, never followed.
        redirect: "manual",
      });
    } catch {
      // The raw error names the URL; only its cause is reported.
      if (state.why() === "deadline") throw timeoutError(client, state);
      if (state.why() === "client") throw state.clientAbortReason();
      throw noSupplier(`${client.name} could not be reached`, "unreachable");
    }

    if (response.status >= 300 && response.status <= 399) {
      void response.body?.cancel().catch(() => {});
      throw noSupplier(`${client.name} answered with a redirect (${response.status}), which the gateway does not follow`, "redirect");
    }
    if (response.status < 200 || response.status > 299) {
      let text = "";
      try {
        text = redactCredential(await response.text(), client.credential);
      } catch {
        if (state.why() === "deadline") throw timeoutError(client, state);
        if (state.why() === "client") throw state.clientAbortReason();
        // The status alone still says what the provider answered.
      }
      const error = client.mapError(response.status, text);
      const retryAfter = parseRetryAfter(response.headers.get("retry-after"));
      throw error.status === 503 && retryAfter !== undefined ? error.with({ retryAfterSeconds: retryAfter }) : error;
    }
    return response;
  }

  async function send(client: ProviderClient, call: UpstreamCall, signal: AbortSignal, deadline?: number): Promise<unknown> {
    const state = new Call(signal);
    try {
      const response = await request(client, call, state, deadline);
      let text: string;
      try {
        text = await response.text();
      } catch {
        if (state.why() === "deadline") throw timeoutError(client, state);
        if (state.why() === "client") throw state.clientAbortReason();
        throw noSupplier(`${client.name} closed the connection before the response was complete`, "unreachable");
      }
      state.clearTimer();
      try {
        return JSON.parse(redactCredential(text, client.credential));
      } catch {
        throw malformedReply(`${client.name} returned a response that is not valid JSON`);
      }
    } finally {
      state.dispose();
    }
  }

  async function open(
    client: ProviderClient,
    call: UpstreamCall,
    signal: AbortSignal,
    deadline?: number,
  ): Promise<AsyncGenerator<SseEvent, void, undefined>> {
    const state = new Call(signal);
    let response: Response;
    try {
      response = await request(client, call, state, deadline);
    } catch (error) {
      state.dispose();
      throw error;
    }
    state.clearTimer();
    const body = response.body;
    if (body === null) {
      state.dispose();
      // An empty 2xx reply: let the translator's end() judge it.
      return (async function* () {})();
    }
    // Locked now, so an interrupt can cancel it even before the first next().
    const reader = body.getReader() as ReadableStreamDefaultReader<Uint8Array>;
    state.whenInterrupted(() => void reader.cancel().catch(() => {}));
    if (state.why() !== undefined) void reader.cancel().catch(() => {});
    return events(state, reader, client.credential);
  }

  async function* events(
    state: Call,
    reader: ReadableStreamDefaultReader<Uint8Array>,
    credential: string,
  ): AsyncGenerator<SseEvent, void, undefined> {
    const parser = new SseParser();
    let drained = false;
    let waiting = false;
    try {
      while (true) {
        if (state.why() === "client") return;
        // The idle clock measures the gap between two events: it starts when
        // we begin waiting for the next one and keeps running across chunks
        // that complete no event (a trickle of bytes is still a stall). Time
        // the consumer spends on the previous event does not count.
        if (!waiting) {
          state.startTimer("idle", idleMs);
          waiting = true;
        }
        let result: Awaited<ReturnType<typeof reader.read>>;
        try {
          result = await reader.read();
        } catch {
          if (state.why() === "client") return;
          throw state.why() === "idle" ? stalled() : streamError("upstream connection lost mid-stream");
        }
        // A cancelled reader reports done: find out why it was cancelled.
        if (state.why() === "client") return;
        if (state.why() === "idle") throw stalled();
        if (result.done) break;

        let batch: readonly SseEvent[];
        try {
          batch = parser.feed(result.value);
        } catch {
          throw streamError("upstream sent an oversized stream event");
        }
        if (batch.length === 0) continue;
        state.clearTimer();
        waiting = false;
        for (let i = 0; i < batch.length; i++) yield redacted(batch[i]!, credential);
      }
      state.clearTimer();
      drained = true;
      const rest = parser.end();
      for (let i = 0; i < rest.length; i++) yield redacted(rest[i]!, credential);
    } finally {
      state.dispose();
      if (!drained) {
        // Early exit (error, client abort or the consumer's return()):
        // drop the upstream connection rather than leave it half-read.
        state.controller.abort();
        await reader.cancel().catch(() => {});
      }
      reader.releaseLock();
    }
  }

  /** An event whose data quotes the credential, with it removed; any other event as it is. */
  const redacted = (event: SseEvent, credential: string): SseEvent =>
    event.data.includes(credential) ? { ...event, data: redactCredential(event.data, credential) } : event;

  const stalled = () => streamError(`upstream stream stalled for ${idleMs} ms`);

  return { send, open };
}
