import { nanoToUsdNumber } from "../billing/money.ts";
import type { CallContext, CallDeps } from "../calls/call-deps.ts";
import { callStreamFrames } from "../calls/call-stream-frames.ts";
import { callOptionsFromResponses, refuseUnsupportedFields } from "../calls/from-responses-request.ts";
import { runCall } from "../calls/run-call.ts";
import { streamCall } from "../calls/stream-call.ts";
import type { Catalog } from "../catalog/catalog.ts";
import { resolveModel } from "../catalog/resolve-model.ts";
import type { BilledJson, EventStream } from "../http/reply.ts";
import type { ResponseCreateRequest } from "../openai/responses-request.ts";
import type { ResponseObject } from "../openai/responses-response.ts";
import { outputFromChoice } from "./output-items.ts";
import { newResponseMeta, outcomeStatus, type ResponseMeta, type ResponseOutcome, responseObject, textStatus, toResponsesUsage, withOutputText } from "./response-object.ts";
import type { ResponseStore } from "./response-store.ts";
import { type ResolvedInput, resolveInput } from "./resolve-input.ts";
import { ResponsesStreamEncoder } from "./stream-encoder.ts";

export interface ResponsesDeps {
  catalog: Catalog;
  calls: CallDeps;
  store: ResponseStore;
}

/** Everything before the call: the model, the conversation with storage resolved, the call options. */
async function prepare(deps: ResponsesDeps, body: ResponseCreateRequest, ctx: CallContext) {
  const model = resolveModel(deps.catalog, body.model, "chat", ctx.principal.models);
  refuseUnsupportedFields(body);
  const meta = newResponseMeta(body, model.id, ctx.requestId);
  const input = await resolveInput(deps.store, body, meta.id, ctx.principal.workspaceId);
  const options = callOptionsFromResponses(body, model, input);
  // History loaded from storage is input the body did not carry: billing's worst case counts it.
  const callCtx: CallContext = { ...ctx, bodyBytes: ctx.bodyBytes + input.loadedBytes };
  return { meta, input, options, callCtx };
}

/** POST /v1/responses without streaming: one response object, billed once, stored unless `store: false`. */
export async function createResponse(deps: ResponsesDeps, body: ResponseCreateRequest, ctx: CallContext): Promise<BilledJson<ResponseObject>> {
  const { meta, input, options, callCtx } = await prepare(deps, body, ctx);
  const outcome = await runCall(deps.calls, options, callCtx);
  const choice = outcome.result.choices[0]!;
  const status = outcomeStatus(choice.finishReason);
  const output = outputFromChoice(meta.id, choice, textStatus(choice.finishReason));
  const turn: ResponseOutcome = { ...status, output, usage: toResponsesUsage(outcome.result.usage, nanoToUsdNumber(outcome.cost)) };
  remember(deps.store, meta, input, turn, ctx);
  const response = withOutputText(responseObject(meta.fields, meta.model, turn, meta.includeEncrypted));
  const { cost, upstreamMs, supplier, attempts } = outcome;
  return { body: response, cost, upstreamMs, supplier, attempts };
}

/**
 * POST /v1/responses with `stream: true`: the Responses events, each sent as
 * its upstream event arrives; stored when it ends. A failure after the 200
 * ends it with `error` and response.failed, never a clean end, and is stored
 * as failed with the items finished so far. A stream the client left is not
 * stored: it has no end.
 */
export async function streamResponse(deps: ResponsesDeps, body: ResponseCreateRequest, ctx: CallContext): Promise<EventStream> {
  const { meta, input, options, callCtx } = await prepare(deps, body, ctx);
  const stream = await streamCall(deps.calls, options, callCtx);
  const encoder = new ResponsesStreamEncoder(meta, (turn) => remember(deps.store, meta, input, turn, ctx));
  return { frames: callStreamFrames(stream, ctx.signal, encoder), upstreamMs: stream.upstreamMs, supplier: stream.supplier, attempts: stream.attempts };
}

/** Queues a finished response for storage (written after the reply), unless `store: false`. */
function remember(store: ResponseStore, meta: ResponseMeta, input: ResolvedInput, turn: ResponseOutcome, ctx: CallContext): void {
  if (!meta.store) return;
  store.save({
    id: meta.id,
    workspaceId: ctx.principal.workspaceId,
    createdAt: meta.createdAt,
    expiresAt: store.expiryFor(meta.createdAt),
    previousResponseId: meta.fields.previous_response_id,
    model: meta.model,
    status: turn.status,
    input: [...input.own],
    output: turn.output,
    usage: turn.usage,
    response: {
      ...meta.fields,
      ...(turn.incompleteReason && { incomplete_details: { reason: turn.incompleteReason } }),
      ...(turn.error && { error: turn.error }),
    },
  });
}
