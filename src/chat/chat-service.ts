import { nanoToUsdNumber } from "../billing/money.ts";
import type { CallContext, CallDeps } from "../calls/call-deps.ts";
import { callOptionsFromChat } from "../calls/from-chat-request.ts";
import { runCall } from "../calls/run-call.ts";
import { callStreamFrames } from "../calls/call-stream-frames.ts";
import { streamCall } from "../calls/stream-call.ts";
import type { Catalog } from "../catalog/catalog.ts";
import { resolveModel } from "../catalog/resolve-model.ts";
import type { BilledJson, EventStream } from "../http/reply.ts";
import { newCompletionMeta, toChatCompletion } from "../openai/build-completion.ts";
import type { ChatCompletion } from "../openai/chat-response.ts";
import type { ChatCompletionRequest } from "../openai/chat-request.ts";
import { ChunkEncoder, DONE_FRAME } from "../openai/chunk-encoder.ts";

export interface ChatDeps {
  catalog: Catalog;
  calls: CallDeps;
}

function callOptions(deps: ChatDeps, body: ChatCompletionRequest, ctx: CallContext) {
  return callOptionsFromChat(body, resolveModel(deps.catalog, body.model, "chat", ctx.principal.models));
}

/** POST /v1/chat/completions without streaming: one chat.completion. */
export async function completeChat(deps: ChatDeps, body: ChatCompletionRequest, ctx: CallContext): Promise<BilledJson<ChatCompletion>> {
  const options = callOptions(deps, body, ctx);
  const outcome = await runCall(deps.calls, options, ctx);
  const completion = toChatCompletion(outcome.result, newCompletionMeta(options.model.id, ctx.requestId), nanoToUsdNumber(outcome.cost));
  const { cost, upstreamMs, supplier, attempts } = outcome;
  return { body: completion, cost, upstreamMs, supplier, attempts };
}

/**
 * POST /v1/chat/completions with `stream: true`: chat.completion.chunk
 * frames, one per provider event, the usage chunk when asked for, and
 * `[DONE]`. A failure after the 200 is one error frame before `[DONE]`.
 */
export async function streamChat(deps: ChatDeps, body: ChatCompletionRequest, ctx: CallContext): Promise<EventStream> {
  const options = callOptions(deps, body, ctx);
  const stream = await streamCall(deps.calls, options, ctx);
  const encoder = new ChunkEncoder(newCompletionMeta(options.model.id, ctx.requestId));
  const includeUsage = body.stream_options?.include_usage === true;
  const nonEmpty = (frame: string) => (frame ? [frame] : []);
  const frames = callStreamFrames(stream, ctx.signal, {
    start: () => [encoder.start()],
    encode: (event) =>
      event.type === "billed"
        ? includeUsage ? [encoder.usageFrame(event.usage, nanoToUsdNumber(event.cost))] : []
        : nonEmpty(encoder.encode(event)),
    end: () => [DONE_FRAME],
    fail: (error) => [ChunkEncoder.errorFrame(error), DONE_FRAME],
  });
  return { frames, upstreamMs: stream.upstreamMs, supplier: stream.supplier, attempts: stream.attempts };
}
