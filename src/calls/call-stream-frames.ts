import { ApiError, streamError } from "../errors.ts";
import type { CallStream, CallStreamEvent } from "./stream-call.ts";

/** A wire format's SSE frames for a call's stream (chat.completion.chunk, the Responses events). */
export interface StreamFrameEncoder {
  /** Sent as soon as the upstream accepted the request. */
  start(): string[];
  encode(event: CallStreamEvent): string[];
  /** After the last event of a stream that completed. */
  end(): string[];
  /** A failure after the 200: the stream must not end cleanly. */
  fail(error: ApiError): string[];
}

/**
 * A call's stream as SSE frames, each produced as its upstream event arrives.
 * A failure mid-stream becomes the format's error frames; a client that left
 * gets nothing more; either way the call is stopped (and bills what it
 * consumed) when the frames stop.
 */
export async function* callStreamFrames(stream: CallStream, signal: AbortSignal, encoder: StreamFrameEncoder): AsyncGenerator<string> {
  try {
    yield* encoder.start();
    for await (const event of stream.events) yield* encoder.encode(event);
    if (signal.aborted) return;
  } catch (error) {
    if (!signal.aborted) yield* encoder.fail(error instanceof ApiError ? error : unexpectedStreamError(error));
    return;
  } finally {
    await stream.events.return(undefined);
  }
  yield* encoder.end();
}

function unexpectedStreamError(error: unknown): ApiError {
  console.error("unexpected error in a stream:", error);
  return streamError("the stream failed inside the gateway");
}
