import { nanoToUsdNumber } from "../billing/money.ts";
import { type CallContext, type CallDeps, failoverOptions } from "../calls/call-deps.ts";
import { settleCall } from "../calls/settle-call.ts";
import type { Catalog } from "../catalog/catalog.ts";
import { resolveModel } from "../catalog/resolve-model.ts";
import type { ProviderName } from "../catalog/model.ts";
import type { BilledJson } from "../http/reply.ts";
import { toEmbeddingList } from "../openai/build-embedding-list.ts";
import type { EmbeddingList, EmbeddingRequest } from "../openai/embeddings.ts";
import { ZERO_USAGE } from "../openai/usage.ts";
import type { EmbeddingAdapter, EmbeddingBatch, EmbeddingCall } from "../providers/embedding-adapter.ts";
import { googleEmbeddingAdapter } from "../providers/google/embeddings/index.ts";
import type { ProviderClient } from "../providers/provider-client.ts";
import type { UpstreamTransport } from "../providers/upstream-transport.ts";
import { withFailover } from "../routing/failover.ts";
import { readInputs } from "./read-inputs.ts";
import { embeddingsUnsupported } from "../errors.ts";
import { estimatePromptTokens, worstCaseInputTokens } from "./token-estimate.ts";

export interface EmbeddingsDeps {
  catalog: Catalog;
  calls: Pick<CallDeps, "suppliers" | "routing" | "transport" | "billing" | "observeAttempt">;
}

/** Providers with an embeddings API; a catalog embedding model on any other provider is unsupported. */
const ADAPTERS: Partial<Record<ProviderName, EmbeddingAdapter>> = { google: googleEmbeddingAdapter };

/**
 * `POST /v1/embeddings`: validate, reserve the worst-case cost, embed every
 * input (batches sent concurrently), settle the actual usage. The
 * reservation is released on every path; after a settle that is a no-op.
 */
export async function createEmbeddings(
  deps: EmbeddingsDeps,
  body: EmbeddingRequest,
  context: CallContext,
): Promise<BilledJson<EmbeddingList>> {
  const model = resolveModel(deps.catalog, body.model, "embedding", context.principal.models);
  context.record.model = model.id;
  const adapter = ADAPTERS[model.provider];
  if (!adapter) throw embeddingsUnsupported(model.id);
  const inputs = readInputs(body.input);
  const dimensions = body.dimensions ?? undefined;
  const calls = adapter.buildCalls(inputs, model, dimensions);

  const reservation = await deps.calls.billing.admit({
    requestId: context.requestId,
    principal: context.principal,
    model,
    worstCase: { inputTokens: worstCaseInputTokens(inputs), outputTokens: 0 },
  });
  try {
    const upstreamStart = performance.now();
    // Every batch of a request goes to the same supplier; a failure of one is a failure of the attempt.
    const served = await withFailover(deps.calls.suppliers, model, failoverOptions(deps.calls, context), async ({ client }, deadline) => {
      const attemptStart = performance.now();
      const value = await sendAll(deps.calls.transport, client, adapter, calls, dimensions, context.signal, deadline);
      return { value, ttfbMs: performance.now() - attemptStart };
    });
    const upstreamMs = performance.now() - upstreamStart;
    const batches = served.value;
    const supplier = served.supplier.config.name;
    const { promptTokens, estimated } = countPromptTokens(batches, calls, inputs);
    const durationMs = performance.now() - context.startedAt;
    const cost = settleCall(context, reservation, { ...ZERO_USAGE, promptTokens }, { estimated, supplier, status: "completed", durationMs, ttfbMs: durationMs });
    const list = toEmbeddingList(
      batches.flatMap((batch) => batch.vectors),
      body.encoding_format ?? "float",
      model.id,
      { prompt_tokens: promptTokens, total_tokens: promptTokens, cost: nanoToUsdNumber(cost) },
    );
    // upstream = the wall time of the concurrent calls, from the first sent to the last answered.
    return { body: list, cost, upstreamMs, supplier, attempts: served.attempts };
  } finally {
    reservation.release();
  }
}

/**
 * Every call at once; the batches come back in call order, hence input
 * order. The first failure cancels the calls still in flight: the request
 * fails as a whole, so their results would be thrown away anyway.
 */
async function sendAll(
  transport: UpstreamTransport,
  client: ProviderClient,
  adapter: EmbeddingAdapter,
  calls: EmbeddingCall[],
  dimensions: number | undefined,
  clientSignal: AbortSignal,
  deadline: number,
): Promise<EmbeddingBatch[]> {
  const siblings = new AbortController();
  const signal = AbortSignal.any([clientSignal, siblings.signal]);
  try {
    return await Promise.all(
      calls.map(async (call) =>
        adapter.parseResponse(await transport.send(client, call, signal, deadline), call, dimensions),
      ),
    );
  } catch (error) {
    siblings.abort();
    throw error;
  }
}

/** The provider's counts where it gave them, the documented estimate for the rest (which marks the usage estimated). */
function countPromptTokens(batches: EmbeddingBatch[], calls: EmbeddingCall[], inputs: string[]) {
  let promptTokens = 0;
  let estimated = false;
  let offset = 0;
  batches.forEach((batch, i) => {
    const count = calls[i]!.count;
    if (batch.promptTokens === undefined) {
      promptTokens += estimatePromptTokens(inputs.slice(offset, offset + count));
      estimated = true;
    } else {
      promptTokens += batch.promptTokens;
    }
    offset += count;
  });
  return { promptTokens, estimated };
}
