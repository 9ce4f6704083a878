import { callWorstCase } from "../billing/estimate.ts";
import type { Reservation } from "../billing/billing.ts";
import type { ChatAdapter, ChatCall } from "../providers/adapter.ts";
import type { ChatResult } from "../providers/types.ts";
import { withFailover } from "../routing/failover.ts";
import { type CallContext, type CallDeps, failoverOptions } from "./call-deps.ts";
import type { CallOptions } from "./call-options.ts";
import { checkSupport } from "./check-support.ts";
import { settleCall } from "./settle-call.ts";

/** Who served a call, after how many attempts (failover). */
export interface ServedBy {
  supplier: string;
  attempts: number;
}

/** A call that was served: what came back, what it cost, who served it. */
export interface CallOutcome extends ServedBy {
  result: ChatResult;
  /** Nano-USD, as settled. */
  cost: bigint;
  upstreamMs: number;
}

/** Checked, translated and admitted: everything before the upstream is contacted. */
export interface AdmittedCall {
  adapter: ChatAdapter;
  call: ChatCall;
  reservation: Reservation;
}

export async function admitCall(deps: CallDeps, options: CallOptions, ctx: CallContext): Promise<AdmittedCall> {
  ctx.record.model = options.model.id;
  const adapter = deps.adapters[options.model.provider];
  checkSupport(options, adapter);
  const call = adapter.buildCall(options);
  const reservation = await deps.billing.admit({
    requestId: ctx.requestId,
    principal: ctx.principal,
    model: options.model,
    worstCase: callWorstCase(options, ctx.bodyBytes, call),
  });
  return { adapter, call, reservation };
}

/**
 * A non-streaming call, billed once at the provider's reported usage, at the
 * supplier that served it; failed attempts bill nothing. A call that fails
 * or is abandoned before a reply arrives is not billed: no usage is known.
 */
export async function runCall(deps: CallDeps, options: CallOptions, ctx: CallContext): Promise<CallOutcome> {
  const { adapter, call, reservation } = await admitCall(deps, options, ctx);
  // The provider's share (Server-Timing): every attempt, failed ones included, as for streams and embeddings.
  const upstreamStart = performance.now();
  try {
    const served = await withFailover(deps.suppliers, options.model, failoverOptions(deps, ctx), async ({ client }, deadline) => {
      const prepared = adapter.prepare ? await adapter.prepare(call, client, ctx.signal) : call;
      const attemptStart = performance.now();
      const reply = await deps.transport.send(client, prepared, ctx.signal, deadline);
      const ttfbMs = performance.now() - attemptStart;
      // Inside the attempt: a malformed reply is the supplier failing, and the next one is tried.
      return { value: adapter.parseResponse(reply, prepared), ttfbMs };
    });
    const upstreamMs = performance.now() - upstreamStart;
    const supplier = served.supplier.config.name;
    const result = served.value;
    const now = performance.now();
    const cost = settleCall(ctx, reservation, result.usage, {
      estimated: false,
      supplier,
      status: "completed",
      durationMs: now - ctx.startedAt,
      // A non-streaming reply's first byte is its whole body: headers come when the provider is done.
      ttfbMs: now - ctx.startedAt,
    });
    return { result, cost, upstreamMs, supplier, attempts: served.attempts };
  } finally {
    reservation.release();
  }
}
