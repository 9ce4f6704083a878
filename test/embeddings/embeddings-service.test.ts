import { newCallRecord } from "../../src/observability/finished-request.ts";
import { expect, test } from "bun:test";
import type { Principal } from "../../src/auth/authenticator.ts";
import type { AdmissionRequest, Billing } from "../../src/billing/billing.ts";
import type { Catalog } from "../../src/catalog/catalog.ts";
import { createEmbeddings } from "../../src/embeddings/embeddings-service.ts";
import { ApiError, insufficientCredit, noSupplier } from "../../src/errors.ts";
import type { EmbeddingRequest } from "../../src/openai/embeddings.ts";
import type { UpstreamCall } from "../../src/providers/adapter.ts";
import type { ProviderClient } from "../../src/providers/provider-client.ts";
import type { TokenUsage } from "../../src/providers/types.ts";
import type { UpstreamTransport } from "../../src/providers/upstream-transport.ts";
import type { Supplier } from "../../src/routing/supplier.ts";
import { SupplierHealth } from "../../src/routing/supplier-health.ts";
import { textEmbedding004 } from "./support.ts";

// The service's billing contract, with a Billing that records every call and
// a transport that answers each batchEmbedContents call from its body.

const principal: Principal = { keyId: "key_1", workspaceId: "ws_1", spendLimit: null, limitReset: null, keyPrefix: "sk-optk-test", models: null };
const catalog = { get: (id: string) => (id === textEmbedding004.id ? textEmbedding004 : undefined) } as Catalog;

function recordingBilling() {
  const log: { admitted: AdmissionRequest[]; settled: { usage: TokenUsage; estimated: boolean }[]; released: number } = {
    admitted: [],
    settled: [],
    released: 0,
  };
  const billing: Billing = {
    async admit(request) {
      log.admitted.push(request);
      return {
        settle(usage, { estimated }) {
          log.settled.push({ usage, estimated });
          return 1_500n;
        },
        release() {
          log.released++;
        },
      };
    },
  };
  return { billing, log };
}

/** Upstream that embeds text i as [i] (its position in the call) and reports `tokens` per call when given. */
function fakeUpstream(options: { tokens?: number; fail?: (call: UpstreamCall) => ApiError | undefined } = {}) {
  const calls: UpstreamCall[] = [];
  const aborted: boolean[] = [];
  const upstream: UpstreamTransport = {
    async send(_client, call, signal) {
      calls.push(call);
      const requests = (call.body as any).requests as { content: { parts: { text: string }[] } }[];
      const failure = options.fail?.(call);
      if (failure) throw failure;
      // Let sibling calls start (and get aborted) before this one answers.
      await Bun.sleep(5);
      aborted.push(signal.aborted);
      const body: any = { embeddings: requests.map((r) => ({ values: [Number(r.content.parts[0]!.text), 1] })) };
      if (options.tokens !== undefined) body.usageMetadata = { promptTokenCount: options.tokens };
      return body;
    },
    open: () => Promise.reject(new Error("not used")),
  };
  return { upstream, calls, aborted };
}

const client = { name: "google" } as ProviderClient;
const supplier = { config: { name: "google" }, client, health: new SupplierHealth() } as Supplier;
const suppliers = { candidates: () => [supplier] };

const run = (billing: Billing, transport: UpstreamTransport, body: Partial<EmbeddingRequest>) =>
  createEmbeddings(
    { catalog, calls: { suppliers, transport, billing, routing: { maxAttempts: 1, deadlineMs: 60_000 } } },
    { model: "google/text-embedding-004", input: "1", ...body } as EmbeddingRequest,
    { requestId: "req_test", principal, signal: new AbortController().signal, bodyBytes: 0, startedAt: performance.now(), record: newCallRecord() },
  );

test("admits the UTF-8 byte worst case, settles the estimate as estimated, answers in input order with the cost", async () => {
  const { billing, log } = recordingBilling();
  const { upstream, calls } = fakeUpstream();
  const inputs = Array.from({ length: 250 }, (_, i) => String(i));
  const response = await run(billing, upstream, { input: inputs, encoding_format: "float" });
  const list = response.body as any;

  expect(calls.map((c) => (c.body as any).requests.length)).toEqual([100, 100, 50]);
  expect(list.data.map((d: any) => d.embedding[0])).toEqual(inputs.map(Number));
  expect(list.data.map((d: any) => d.index)).toEqual(inputs.map((_, i) => i));

  const bytes = inputs.join("").length;
  expect(log.admitted).toEqual([
    { requestId: "req_test", principal, model: textEmbedding004, worstCase: { inputTokens: bytes, outputTokens: 0 } },
  ]);
  // Every input is 1-3 bytes: the estimate is 1 token each.
  expect(log.settled).toEqual([
    {
      usage: { promptTokens: 250, completionTokens: 0, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
      estimated: true,
    },
  ]);
  expect(log.released).toBe(1);
  expect(list.usage).toEqual({ prompt_tokens: 250, total_tokens: 250, cost: 0.0000015 });
});

test("provider token counts are summed over the calls and settled as exact", async () => {
  const { billing, log } = recordingBilling();
  const { upstream } = fakeUpstream({ tokens: 7 });
  const response = await run(billing, upstream, { input: Array(150).fill("9") });
  expect((response.body as any).usage.prompt_tokens).toBe(14);
  expect(log.settled[0]).toMatchObject({ usage: { promptTokens: 14 }, estimated: false });
});

test("a failed call fails the request: the other calls are cancelled, nothing is settled, the hold is released", async () => {
  const { billing, log } = recordingBilling();
  const { upstream, calls, aborted } = fakeUpstream({
    fail: (call) => ((call.body as any).requests[0].content.parts[0].text === "100" ? noSupplier("google returned 503", "overloaded") : undefined),
  });
  const inputs = Array.from({ length: 250 }, (_, i) => String(i));
  const error = await run(billing, upstream, { input: inputs }).catch((e) => e);
  expect(error).toBeInstanceOf(ApiError);
  expect(error.status).toBe(503);
  expect(calls).toHaveLength(3);
  await Bun.sleep(20);
  expect(aborted).toEqual([true, true]);
  expect(log.settled).toEqual([]);
  expect(log.released).toBe(1);
});

test("validation failures happen before admission: nothing is reserved or sent", async () => {
  const { billing, log } = recordingBilling();
  const { upstream, calls } = fakeUpstream();
  for (const body of [{ input: "" }, { input: [1, 2] }, { model: "openai/x" }]) {
    const error = await run(billing, upstream, body as Partial<EmbeddingRequest>).catch((e) => e);
    expect(error.status).toBe(400);
  }
  expect(log.admitted).toEqual([]);
  expect(calls).toEqual([]);
});

test("a refused admission (402) sends nothing upstream", async () => {
  const { upstream, calls } = fakeUpstream();
  const refusing: Billing = {
    admit: async () => {
      throw insufficientCredit("insufficient credit");
    },
  };
  const error = await run(refusing, upstream, {}).catch((e) => e);
  expect(error.status).toBe(402);
  expect(calls).toEqual([]);
});
