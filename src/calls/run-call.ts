import { callWorstCase } from "../billing/estimate.ts";
import type { Reservation } from "../billing/billing.ts";
import type { ChatAdapter, ChatCall } from "../providers/adapter.ts";
import type { ChatResult } from "../providers/types.ts";
import type { CallContext, CallDeps } from "./call-deps.ts";
import type { CallOptions } from "./call-options.ts";
import { checkSupport } from "./check-support.ts";

/** A call that was served: what came back, what it cost, who served it. */
export interface CallOutcome {
  result: ChatResult;
  /** Nano-USD, as settled. */
  cost: bigint;
  upstreamMs: number;
  supplier: string;
}

/** Checked, translated and admitted: everything before the upstream is contacted. */
export interface AdmittedCall {
  adapter: ChatAdapter;
  call: ChatCall;
  reservation: Reservation;
}

export async function admitCall(deps: CallDeps, options: CallOptions, ctx: CallContext): Promise<AdmittedCall> {
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
 * A non-streaming call, billed at the provider's reported usage. A call that
 * fails or is abandoned before a reply arrives is not billed: no usage is
 * known for it.
 */
export async function runCall(deps: CallDeps, options: CallOptions, ctx: CallContext): Promise<CallOutcome> {
  const { adapter, call, reservation } = await admitCall(deps, options, ctx);
  try {
    const client = deps.suppliers.clientFor(options.model);
    const prepared = adapter.prepare ? await adapter.prepare(call, client, ctx.signal) : call;
    const upstreamStart = performance.now();
    const reply = await deps.transport.send(client, prepared, ctx.signal);
    const upstreamMs = performance.now() - upstreamStart;
    const result = adapter.parseResponse(reply, prepared);
    const cost = reservation.settle(result.usage, false);
    return { result, cost, upstreamMs, supplier: client.name };
  } finally {
    reservation.release();
  }
}
