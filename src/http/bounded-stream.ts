/**
 * Backpressure for streamed replies: a source of SSE frames becomes a
 * response body that pulls the next frame only when the client has room for
 * it, and that is cut when the client stops taking data.
 *
 * How Bun 1.4 consumes a body (measured with a client that never reads, a
 * 16 MiB source of 16 KiB frames): it reads a pull-based ReadableStream (and
 * an async generator) only as the socket drains, so what the gateway holds
 * is the stream's queue plus what Bun's response sink took from it (up to
 * ~270 KB seen); the rest sits in the kernel's socket buffers (~3.9 MB on
 * loopback). A `type: "direct"` stream is not bounded: `flush()` resolves at
 * once, and all 16 MiB were pulled into Bun. This module is the pull form,
 * with a queue bounded in bytes.
 *
 * A stalled client is detected from the queue alone: data is waiting and
 * the amount the server has taken from the queue has not grown for
 * `writeTimeoutMs`. One timer per stream, armed while frames flow (it
 * re-arms at most every quarter of the timeout, never per frame). Nothing
 * in JavaScript can close a socket whose writes are stalled: erroring the
 * stream only takes effect at the next write, so a cut also calls
 * `closeConnection` (with Bun: `IdleTimer.close`).
 */

/**
 * Default bound on what one stream queues in the gateway, in string length
 * (bytes for ASCII frames). The source is not pulled while this much waits;
 * one frame may cross it. Small on purpose: Bun's sink and the kernel buffer
 * more behind it, and frames are forwarded as they come, so a larger queue
 * only holds more for a slow client (64 KiB: ~90 KB held in all, measured).
 */
export const MAX_BUFFERED_BYTES = 64 * 1024;

/** How often a finished stream checks whether its tail has been written (it holds the request until then). */
const TAIL_CHECK_MS = 50;

/** Default time a client may take nothing while frames wait for it. */
export const WRITE_TIMEOUT_MS = 30_000;

/** Why a stream stopped before its last frame was handed to the server. */
export type CutReason = "write_timeout" | "client_closed";

export interface StreamCut {
  reason: CutReason;
  /** The source had already ended (everything was produced; some was not delivered). */
  sourceDone: boolean;
  /** What was still queued in the gateway at the cut. */
  queuedBytes: number;
}

export interface BoundedSseOptions {
  /** The queue's bound; the source is not pulled while this much waits. Default MAX_BUFFERED_BYTES. */
  maxBufferedBytes?: number;
  /**
   * A client that takes nothing for this long while frames wait is cut (after
   * between 1 and 1.5 times this: progress is sampled). Default WRITE_TIMEOUT_MS.
   */
  writeTimeoutMs?: number;
  /** The request's signal: an abort ends the stream like a disconnect. */
  signal?: AbortSignal;
  /**
   * Called once when the stream is cut (write timeout, disconnect or abort), not when it completes;
   * the source's return() has been started by then, its finally may still be running.
   */
  onCut?: (cut: StreamCut) => void;
  /**
   * Called once when the stream is over: the source ended or threw, or the
   * stream was cut and the source's return() has finished (its finally blocks ran).
   */
  onEnd?: () => void;
  /** Closes the client connection on a write timeout (see IdleTimer.close). */
  closeConnection?: () => void;
}

/**
 * A response body (`new Response(boundedSseBody(frames, ...))`) that forwards
 * each frame of `source` as soon as it is produced and pulls the next one
 * only while less than `maxBufferedBytes` waits. A cut (write timeout,
 * disconnect, `signal`) calls the source's `return()`, so its `finally`
 * blocks run; a source busy awaiting inside `next()` finishes that first
 * (async generator semantics). A source that throws errors the body.
 */
export function boundedSseBody(source: AsyncIterable<string>, options: BoundedSseOptions = {}): ReadableStream<string> {
  const limit = options.maxBufferedBytes ?? MAX_BUFFERED_BYTES;
  const writeTimeoutMs = options.writeTimeoutMs ?? WRITE_TIMEOUT_MS;
  if (!(limit > 0)) throw new RangeError("maxBufferedBytes must be positive");
  if (!(writeTimeoutMs > 0)) throw new RangeError("writeTimeoutMs must be positive");
  const checkEveryMs = Math.max(1, writeTimeoutMs / 4);
  // Once the source is done the timer is all that still references the stream (and through the source, the
  // request): checked often, it lets go as soon as the tail is written, not a quarter timeout later.
  const tailCheckMs = Math.min(checkEveryMs, TAIL_CHECK_MS);
  const { signal, onCut, closeConnection } = options;
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    options.onEnd?.();
  };

  const iterator = source[Symbol.asyncIterator]();
  let controller!: ReadableStreamDefaultController<string>;
  /** Total length of the frames enqueued so far. */
  let enqueued = 0;
  let sourceDone = false;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** What the server had taken from the queue at the last check, and when that last changed. */
  let lastTaken = 0;
  let lastProgressAt = 0;

  /**
   * What waits in the queue. Errored: null, nothing. Once the source ended the
   * queue only shrinks from below the bound, so 0 then means closed (drained).
   */
  const queued = () => {
    const desired = controller.desiredSize;
    if (desired === null || (sourceDone && desired === 0)) return 0;
    return limit - desired;
  };

  const arm = () => {
    timer = setTimeout(check, sourceDone ? tailCheckMs : checkEveryMs);
    timer.unref?.();
  };

  function check(): void {
    timer = undefined;
    if (stopped) return;
    const waiting = queued();
    const taken = enqueued - waiting;
    const now = performance.now();
    if (taken !== lastTaken) {
      lastTaken = taken;
      lastProgressAt = now;
    }
    // Nothing waits: the client keeps up. The next frame re-arms.
    if (waiting <= 0) return;
    if (now - lastProgressAt >= writeTimeoutMs) cut("write_timeout");
    else arm();
  }

  const onAbort = () => cut("client_closed");

  function release(): void {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    signal?.removeEventListener("abort", onAbort);
  }

  function cut(reason: CutReason): void {
    if (stopped) return;
    stopped = true;
    const queuedBytes = Math.max(0, queued());
    release();
    // error(undefined): drops the queue; Bun resets the connection at its next write, without logging.
    try {
      controller.error(undefined);
    } catch {
      // Already closed or errored by the server.
    }
    if (reason === "write_timeout") closeConnection?.();
    if (sourceDone) end();
    else
      void Promise.resolve(iterator.return?.())
        .catch(() => {})
        .finally(end);
    onCut?.({ reason, sourceDone, queuedBytes });
  }

  const underlying: Bun.UnderlyingSource<string> = {
    start(c) {
      controller = c;
    },
    // One call fills the queue up to the bound; the server calls again once it has taken some.
    async pull(c) {
      while (!stopped && (c.desiredSize ?? 0) > 0) {
        let result: IteratorResult<string>;
        try {
          result = await iterator.next();
        } catch (error) {
          if (stopped) return;
          stopped = true;
          sourceDone = true;
          release();
          c.error(error);
          end();
          return;
        }
        if (stopped) return;
        if (result.done) {
          sourceDone = true;
          // The tail may still stall: keep the write-timeout check (at the tail's pace), drop the abort listener.
          signal?.removeEventListener("abort", onAbort);
          c.close();
          if (timer !== undefined) {
            clearTimeout(timer);
            if (queued() > 0) arm();
            else timer = undefined;
          }
          end();
          return;
        }
        const frame = result.value;
        if (frame.length === 0) continue;
        c.enqueue(frame);
        enqueued += frame.length;
        if (timer === undefined) {
          // Restarting after a quiet spell: progress counts from now.
          lastTaken = enqueued - queued();
          lastProgressAt = performance.now();
          arm();
        }
      }
    },
    cancel() {
      cut("client_closed");
    },
  };
  const stream = new ReadableStream<string>(underlying, { highWaterMark: limit, size: (frame?: string) => frame?.length ?? 0 });

  if (signal?.aborted) cut("client_closed");
  else signal?.addEventListener("abort", onAbort, { once: true });
  return stream;
}
