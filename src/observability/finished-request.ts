import type { TokenUsage } from "../providers/types.ts";

/**
 * One request as it ended, built once from its RequestContext
 * (http/finish-request.ts) for every observer: metrics, the access log,
 * the request-stats rollup. Never a key, a prompt or a reply.
 */
export interface FinishedRequest {
  requestId: string;
  /** Epoch ms when the request arrived. */
  at: number;
  method: string;
  /** The matched route's template ("/admin/v1/keys/:id"), or "other": never a raw client path. */
  route: string;
  /** The HTTP status sent (200 for a stream, even one that failed or was cut after it began). */
  status: number;
  /** The error's code: the reply's, or the mid-stream error's. */
  errorCode: string | undefined;
  /** The catalog model id, once resolved (an unknown id is never recorded). */
  model: string | undefined;
  workspaceId: string | undefined;
  keyId: string | undefined;
  /** The key's display prefix. */
  keyPrefix: string | undefined;
  /** What the call settled at, when it reached a supplier and was billed. */
  billed: BilledCall | undefined;
  /** From arrival to the end of the reply (a stream's last frame), ms. */
  durationMs: number;
  /** The gateway's own share of the time to the reply's first byte (total minus upstream), ms; set when an upstream was called. */
  overheadMs: number | undefined;
}

/**
 * What a request's call came to, filled in as it runs. One object per
 * request shared by reference, so a call context copied on the way
 * (`{ ...ctx, bodyBytes }`) still reports to its request.
 */
export interface CallRecord {
  /** The catalog model, once resolved. */
  model: string | undefined;
  /** What the call settled at (calls/settle-call.ts). */
  billed: BilledCall | undefined;
  /** A mid-stream error's code (a failed reply's comes with its status). */
  errorCode: string | undefined;
}

export const newCallRecord = (): CallRecord => ({ model: undefined, billed: undefined, errorCode: undefined });

export interface BilledCall {
  supplier: string;
  usage: TokenUsage;
  /** Nano-USD. */
  cost: bigint;
  /** Some counts are the gateway's estimate (a stream cut short). */
  estimated: boolean;
  /** `incomplete`: a stream cut short. */
  status: "completed" | "incomplete";
  /** From arrival to the provider's first byte, ms. */
  ttfbMs: number;
}

/** Called synchronously on a request's path: keep it cheap, never throw. */
export interface RequestObserver {
  /** A request arrived. */
  started?(): void;
  /** It ended: once per request. */
  finished(request: FinishedRequest): void;
}

/** Several observers as one. */
export function allOf(observers: readonly RequestObserver[]): RequestObserver {
  if (observers.length === 1) return observers[0]!;
  const starting = observers.filter((observer) => observer.started);
  return {
    started: () => {
      for (const observer of starting) observer.started!();
    },
    finished: (request) => {
      for (const observer of observers) observer.finished(request);
    },
  };
}
