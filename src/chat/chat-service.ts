import type { Principal } from "../auth/authenticator.ts";
import type { Billing } from "../billing/billing.ts";
import { chatWorstCase, usageSoFar } from "../billing/estimate.ts";
import { StreamMeter } from "../billing/stream-meter.ts";
import { billedJsonResponse } from "../billing/billed-response.ts";
import { nanoToUsdNumber } from "../billing/money.ts";
import type { Catalog } from "../catalog/catalog.ts";
import type { CatalogModel, ProviderName } from "../catalog/model.ts";
import { ApiError, streamError } from "../errors.ts";
import { newCompletionMeta, toChatCompletion } from "../openai/build-completion.ts";
import type { ChatCompletionRequest } from "../openai/chat-request.ts";
import { ChunkEncoder, DONE_FRAME } from "../openai/chunk-encoder.ts";
import type { ChatAdapter, UpstreamCall } from "../providers/adapter.ts";
import type { StreamEvent } from "../providers/types.ts";
import type { SseEvent, Upstream } from "../providers/upstream-client.ts";
import { serverTiming } from "../util/server-timing.ts";
import { withCacheWrites } from "./cache-write-usage.ts";
import { resolveChatModel } from "./resolve-chat-model.ts";

export interface ChatDeps {
  catalog: Catalog;
  upstream: Upstream;
  adapters: Record<ProviderName, ChatAdapter>;
  billing: Billing;
}

/** Who asks, and what the HTTP layer knows about the request. */
export interface ChatContext {
  principal: Principal;
  requestId: string;
  /** The body's size in bytes (billing's worst-case input). */
  bodyBytes: number;
  /** The client's signal: a disconnect aborts the upstream call. */
  signal: AbortSignal;
  /** performance.now() when the request arrived. */
  startedAt: number;
}

const SSE_HEADERS = { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" };

/** Resolution, translation and admission: everything before the upstream call. */
async function admit(deps: ChatDeps, body: ChatCompletionRequest, ctx: ChatContext, stream: boolean) {
  const model = resolveChatModel(deps.catalog, body);
  const adapter = deps.adapters[model.provider];
  const call = adapter.buildRequest(body, model, stream);
  const worstCase = chatWorstCase(body, model, ctx.bodyBytes, call);
  const reservation = await deps.billing.admit({ requestId: ctx.requestId, principal: ctx.principal, model, worstCase });
  return { model, adapter, call, reservation, worstCase };
}

function prepare(deps: ChatDeps, adapter: ChatAdapter, call: UpstreamCall, model: CatalogModel, signal: AbortSignal) {
  return adapter.prepare ? adapter.prepare(call, model, deps.upstream, signal) : call;
}

/**
 * A non-streaming completion, billed at the provider's reported usage. A
 * request that fails or is abandoned before a reply arrives is not billed:
 * no usage is known for it.
 */
export async function completeChat(deps: ChatDeps, body: ChatCompletionRequest, ctx: ChatContext): Promise<Response> {
  const { model, adapter, call, reservation } = await admit(deps, body, ctx, false);
  try {
    const prepared = await prepare(deps, adapter, call, model, ctx.signal);
    const upstreamStart = performance.now();
    const reply = await deps.upstream.send(model.provider, adapter, prepared, ctx.signal);
    const upstreamMs = performance.now() - upstreamStart;
    const result = adapter.parseResponse(reply);
    const usage = withCacheWrites(result.usage, prepared);
    const cost = reservation.settle(usage, false);
    const completion = toChatCompletion({ ...result, usage }, newCompletionMeta(model.id), nanoToUsdNumber(cost));
    return billedJsonResponse(completion, cost, ctx.startedAt, upstreamMs);
  } finally {
    reservation.release();
  }
}

/**
 * A streaming completion. Failures before the upstream accepted the request
 * throw (and get a real HTTP status); after that, the 200 is sent and a
 * failure becomes one error frame followed by `[DONE]`. A stream cut short
 * (client gone, mid-stream error) is billed for the usage known at that
 * point (estimate.ts).
 */
export async function streamChat(deps: ChatDeps, body: ChatCompletionRequest, ctx: ChatContext): Promise<Response> {
  const { model, adapter, call, reservation, worstCase } = await admit(deps, body, ctx, true);
  const { signal } = ctx;
  let events: AsyncGenerator<SseEvent, void, undefined>;
  let prepared: UpstreamCall;
  const upstreamStart = performance.now();
  try {
    prepared = await prepare(deps, adapter, call, model, signal);
    events = await deps.upstream.open(model.provider, adapter, prepared, signal);
  } catch (error) {
    reservation.release();
    throw error;
  }
  const upstreamMs = performance.now() - upstreamStart;
  const translator = adapter.createStreamTranslator();
  const encoder = new ChunkEncoder(newCompletionMeta(model.id));
  const meter = new StreamMeter();
  const includeUsage = body.stream_options?.include_usage === true;
  // Usage as billed and reported (cut short or not): a cache this request wrote counts as a cache write.
  const encode = (event: StreamEvent) => {
    const billed = event.type === "usage" ? { ...event, usage: withCacheWrites(event.usage, prepared) } : event;
    meter.observe(billed);
    return encoder.encode(billed);
  };
  const settleCutShort = () => {
    const { usage, estimated } = usageSoFar(meter, ctx.bodyBytes, worstCase.outputTokens);
    return reservation.settle(usage, estimated);
  };
  // The body may never be pulled if the client left before it started.
  signal.addEventListener("abort", settleCutShort, { once: true });

  async function* frames() {
    let completed = false;
    try {
      yield encoder.start();
      for await (const event of events) {
        for (const translated of translator.push(event.event, event.data)) {
          const frame = encode(translated);
          if (frame) yield frame;
        }
      }
      if (signal.aborted) return;
      for (const translated of translator.end()) {
        const frame = encode(translated);
        if (frame) yield frame;
      }
      completed = true;
      const cost = meter.reported ? reservation.settle(meter.reported, false) : settleCutShort();
      if (includeUsage) yield encoder.usageFrame(meter.reported, nanoToUsdNumber(cost));
    } catch (error) {
      if (signal.aborted) return;
      yield ChunkEncoder.errorFrame(error instanceof ApiError ? error : unexpectedStreamError(error));
    } finally {
      // Ends the upstream request too when the client went away mid-stream.
      await events.return(undefined);
      if (!completed) settleCutShort();
      signal.removeEventListener("abort", settleCutShort);
    }
    yield DONE_FRAME;
  }

  return new Response(frames(), { headers: { ...SSE_HEADERS, "server-timing": serverTiming(ctx.startedAt, upstreamMs) } });
}

function unexpectedStreamError(error: unknown): ApiError {
  console.error("unexpected error in a stream:", error);
  return streamError("the stream failed inside the gateway");
}
