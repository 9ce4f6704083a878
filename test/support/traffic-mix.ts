import OpenAI from "openai";
import { formatUsd } from "../../src/billing/money.ts";
import { geminiErrorResponse } from "../fakes/gemini-server.ts";
import { geminiEmbeddingReply } from "../fakes/gemini-embeddings.ts";
import { newTenant } from "./gateway.ts";
import type { ProviderGateway } from "./provider-gateway.ts";

/** One request of the mix as the client saw it. */
export interface MixRequest {
  requestId: string;
  status: number;
  /** Billed ones: the catalog model and what the reply said it cost (exact decimal). */
  model?: string;
  costUsd?: string;
  workspace: string;
}

/**
 * A scripted mix of /v1 traffic over two funded workspaces and a broke one:
 * non-streaming chat on Gemini and Claude, a stream, an embedding, a
 * refusal (402, no credit) and an upstream failure (503). The gateway must
 * run with UPSTREAM_MAX_ATTEMPTS=1 so the failure is one attempt. Billing
 * and the stats are flushed before it returns.
 */
export async function runTrafficMix(setup: ProviderGateway) {
  const { gateway, gemini } = setup;
  const [a, b, broke] = await Promise.all([newTenant(5_000_000_000n), newTenant(5_000_000_000n), newTenant(0n)]);
  const clientOf = (key: string) => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: key, maxRetries: 0 });
  const requests: MixRequest[] = [];

  const chat = async (tenant: typeof a, model: string) => {
    const { data, response } = await clientOf(tenant.key).chat.completions.create({ model, messages: [{ role: "user", content: "Hi" }] }).withResponse();
    requests.push({ requestId: response.headers.get("x-request-id")!, status: 200, model, costUsd: response.headers.get("x-opentoken-cost-usd")!, workspace: tenant.workspace.name });
    return data;
  };
  await chat(a, "google/gemini-3-flash");
  await chat(a, "google/gemini-3-flash");
  await chat(b, "anthropic/claude-haiku-4-5");

  const stream = await clientOf(b.key)
    .chat.completions.create({ model: "google/gemini-3-flash", messages: [{ role: "user", content: "Hi" }], stream: true, stream_options: { include_usage: true } })
    .withResponse();
  let streamCost = "";
  // usage.cost is a JSON number; below 2^53 nano-USD it rounds back to the exact amount.
  for await (const chunk of stream.data) if (chunk.usage) streamCost = formatUsd(BigInt(Math.round((chunk.usage as unknown as { cost: number }).cost * 1e9)));
  requests.push({ requestId: stream.response.headers.get("x-request-id")!, status: 200, model: "google/gemini-3-flash", costUsd: streamCost, workspace: b.workspace.name });

  gemini.enqueue(geminiEmbeddingReply());
  const embedding = await clientOf(a.key).embeddings.create({ model: "google/text-embedding-004", input: "hello" }).withResponse();
  requests.push({
    requestId: embedding.response.headers.get("x-request-id")!,
    status: 200,
    model: "google/text-embedding-004",
    costUsd: embedding.response.headers.get("x-opentoken-cost-usd")!,
    workspace: a.workspace.name,
  });

  const refused = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${broke.key}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "google/gemini-3-flash", messages: [{ role: "user", content: "Hi" }] }),
  });
  requests.push({ requestId: refused.headers.get("x-request-id")!, status: refused.status, workspace: broke.workspace.name });

  gemini.enqueue(geminiErrorResponse(503, "UNAVAILABLE", "The model is overloaded."));
  const failed = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${a.key}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "google/gemini-3-flash", messages: [{ role: "user", content: "Hi" }] }),
  });
  requests.push({ requestId: failed.headers.get("x-request-id")!, status: failed.status, workspace: a.workspace.name });

  await gateway.billing.flush();
  await gateway.requestStats.flush();
  await gateway.supplierStats.report();
  return { tenants: { a, b, broke }, requests, billed: requests.filter((r) => r.costUsd !== undefined) };
}

export type TrafficMix = Awaited<ReturnType<typeof runTrafficMix>>;
