import { formatUsd } from "../billing/money.ts";
import type { FinishedRequest, RequestObserver } from "./finished-request.ts";

/** Where access-log lines go (stdoutSink). */
export interface LineSink {
  write(text: string): void;
  /** Writes out what is buffered; the sink is not used after. */
  stop(): Promise<void>;
}

/**
 * LOG_FORMAT=json: one JSON object per line per request, written when it
 * finishes (a stream at its end). Never a key (only its display prefix), a
 * prompt or a reply.
 */
export class AccessLog implements RequestObserver {
  constructor(private readonly sink: LineSink) {}

  finished(request: FinishedRequest): void {
    this.sink.write(`${JSON.stringify(accessLine(request))}\n`);
  }

  stop() {
    return this.sink.stop();
  }
}

export function accessLine(request: FinishedRequest) {
  const billed = request.billed;
  const usage = billed?.usage;
  return {
    time: new Date().toISOString(),
    request_id: request.requestId,
    method: request.method,
    route: request.route,
    status: request.status,
    error: request.errorCode ?? null,
    model: request.model ?? null,
    supplier: billed?.supplier ?? null,
    workspace: request.workspaceId ?? null,
    key: request.keyPrefix ?? null,
    input_tokens: usage?.promptTokens ?? null,
    cached_tokens: usage?.cachedTokens ?? null,
    cache_write_tokens: usage?.cacheWriteTokens ?? null,
    output_tokens: usage?.completionTokens ?? null,
    reasoning_tokens: usage?.reasoningTokens ?? null,
    cost_usd: billed ? formatUsd(billed.cost) : null,
    estimated: billed?.estimated ?? null,
    outcome: billed?.status ?? null,
    duration_ms: round(request.durationMs),
    ttfb_ms: billed ? round(billed.ttfbMs) : null,
  };
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

/**
 * Standard output through Bun's buffered file sink, flushed every
 * `flushMs` rather than one write(2) per line: a line reaches the log within
 * that delay, and the request path only appends to a buffer.
 */
export function stdoutSink(flushMs = 100): LineSink {
  const writer = Bun.stdout.writer();
  const timer = setInterval(() => writer.flush(), flushMs);
  timer.unref();
  return {
    write: (text) => void writer.write(text),
    stop: async () => {
      clearInterval(timer);
      await writer.flush();
    },
  };
}
