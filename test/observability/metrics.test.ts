import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { parseUsd } from "../../src/billing/money.ts";
import { geminiEmbeddingReply } from "../fakes/gemini-embeddings.ts";
import { geminiErrorResponse } from "../fakes/gemini-server.ts";
import { findWorkspace } from "../../src/workspaces/workspaces.ts";
import { accountState } from "../support/ledger.ts";
import { newTenant, startTestGateway } from "../support/gateway.ts";
import { type ProviderGateway, startProviderGateway } from "../support/provider-gateway.ts";
import { parseExposition, promtoolCheck, sample } from "./exposition.ts";

// GET /metrics after a scripted mix of requests: every figure against what the
// requests did and what the ledger holds, and the text accepted by promtool.
const TOKEN = "scrape-token-for-tests";
let setup: ProviderGateway;

beforeAll(async () => {
  setup = await startProviderGateway({ METRICS_TOKEN: TOKEN });
});
afterAll(() => setup.stop());

const scrape = async () => {
  const response = await fetch(`${setup.gateway.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
  return response.text();
};

const hi = [{ role: "user" as const, content: "Hi" }];

describe("after a mixed run", () => {
  let text: string;
  const workspaces: string[] = [];

  beforeAll(async () => {
    const { client, gemini, key } = setup;
    const own = (await setup.gateway.request("/v1/key", { headers: { authorization: `Bearer ${key}` } }).then((r) => r.json())) as { workspace: string };
    workspaces.push((await findWorkspace(setup.gateway.db, own.workspace)).id);
    await client.chat.completions.create({ model: "google/gemini-3-flash", messages: hi });
    await client.chat.completions.create({ model: "google/gemini-3-flash", messages: hi });
    // The first attempt fails upstream, the repeat on the same (only) supplier serves it.
    gemini.enqueue(geminiErrorResponse(503, "UNAVAILABLE", "The model is overloaded."));
    await client.chat.completions.create({ model: "google/gemini-3-flash", messages: hi });
    const stream = await client.chat.completions.create({ model: "anthropic/claude-sonnet-4-5", messages: hi, stream: true });
    for await (const _ of stream);
    gemini.enqueue(geminiEmbeddingReply());
    await client.embeddings.create({ model: "google/text-embedding-004", input: "x" });
    await client.responses.create({ model: "google/gemini-3-flash", input: "Hi" });

    const url = setup.gateway.url;
    expect((await fetch(`${url}/v1/chat/completions`, { method: "POST", headers: { authorization: "Bearer sk-optk-wrong" } })).status).toBe(401);
    expect((await fetch(`${url}/nowhere`)).status).toBe(404);
    const badJson = await fetch(`${url}/v1/chat/completions`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: "{" });
    expect(badJson.status).toBe(400);
    const broke = await newTenant(0n);
    const refusedCredit = await new OpenAI({ baseURL: `${url}/v1`, apiKey: broke.key, maxRetries: 0 }).chat.completions.create({ model: "google/gemini-3-flash", messages: hi }).catch((e) => e);
    expect(refusedCredit.status).toBe(402);
    const limited = await newTenant(10_000_000_000n, { spendLimit: 1n });
    const refusedLimit = await new OpenAI({ baseURL: `${url}/v1`, apiKey: limited.key, maxRetries: 0 }).chat.completions.create({ model: "google/gemini-3-flash", messages: hi }).catch((e) => e);
    expect(refusedLimit.status).toBe(429);
    workspaces.push(broke.workspace.id, limited.workspace.id);

    // Every settlement written, so the ledger and the counters can be compared.
    for (let i = 0; i < 200 && setup.gateway.billing.settlementBacklog().depth > 0; i++) await Bun.sleep(10);
    text = await scrape();
  });

  test("requests by route, model and status; unrouted paths are 'other'", () => {
    const metrics = parseExposition(text);
    const requests = (route: string, model: string, status: string) => sample(metrics, "opentoken_http_requests_total", { route, model, status });
    expect(requests("/v1/chat/completions", "google/gemini-3-flash", "200")).toBe(3);
    expect(requests("/v1/chat/completions", "anthropic/claude-sonnet-4-5", "200")).toBe(1);
    expect(requests("/v1/embeddings", "google/text-embedding-004", "200")).toBe(1);
    expect(requests("/v1/responses", "google/gemini-3-flash", "200")).toBe(1);
    expect(requests("/v1/chat/completions", "", "401")).toBe(1);
    expect(requests("/v1/chat/completions", "", "400")).toBe(1);
    expect(requests("/v1/chat/completions", "google/gemini-3-flash", "402")).toBe(1);
    expect(requests("/v1/chat/completions", "google/gemini-3-flash", "429")).toBe(1);
    expect(requests("other", "", "404")).toBe(1);
    expect(sample(metrics, "opentoken_http_request_duration_seconds_count", { route: "/v1/chat/completions" })).toBe(8);
    // Only requests that reached an upstream have an overhead.
    expect(sample(metrics, "opentoken_gateway_overhead_seconds_count", { route: "/v1/chat/completions" })).toBe(4);
    // The scrape itself is the one request in flight.
    expect(sample(metrics, "opentoken_http_requests_in_flight", {})).toBe(1);
  });

  test("tokens and cost by model equal the usage records of the run", async () => {
    const metrics = parseExposition(text);
    const records = (await Promise.all(workspaces.map((id) => accountState(setup.gateway.db, id)))).flatMap((s) => s.records);
    expect(records.length).toBe(6);
    const models = [...new Set(records.map((r) => r.modelId))];
    for (const model of models) {
      const mine = records.filter((r) => r.modelId === model);
      const total = (pick: (r: (typeof mine)[number]) => number) => mine.reduce((sum, r) => sum + pick(r), 0);
      const tokens = (kind: string) => sample(metrics, "opentoken_tokens_total", { model, kind });
      expect(tokens("input")).toBe(total((r) => r.promptTokens));
      expect(tokens("cached")).toBe(total((r) => r.cachedTokens));
      expect(tokens("cache_write")).toBe(total((r) => r.cacheWriteTokens));
      expect(tokens("output")).toBe(total((r) => r.completionTokens));
      expect(tokens("reasoning")).toBe(total((r) => r.reasoningTokens));
      const cost = mine.reduce((sum, r) => sum + r.cost, 0n);
      // Exact to the nano: the exposition's decimal text, not a float.
      expect(parseUsd(metrics.get("opentoken_cost_usd_total")!.find((s) => s.labels.model === model)!.raw)).toBe(cost);
    }
  });

  test("upstream attempts, refusals, billing internals and supplier state", () => {
    const metrics = parseExposition(text);
    const googleErrors = metrics.get("opentoken_upstream_errors_total")!.filter((s) => s.labels.supplier === "google");
    expect(googleErrors.map((s) => [s.labels.reason, s.value])).toEqual([["overloaded", 1]]);
    // chat ×3, embeddings and responses succeeded on google; the stream on anthropic.
    expect(sample(metrics, "opentoken_upstream_ttfb_seconds_count", { supplier: "google" })).toBe(5);
    expect(sample(metrics, "opentoken_upstream_ttfb_seconds_count", { supplier: "anthropic" })).toBe(1);
    expect(sample(metrics, "opentoken_billing_refusals_total", { code: "insufficient_credit" })).toBe(1);
    expect(sample(metrics, "opentoken_billing_refusals_total", { code: "spend_limit_exceeded" })).toBe(1);
    expect(sample(metrics, "opentoken_lease_extensions_total", { result: "granted" })).toBeGreaterThanOrEqual(1);
    expect(sample(metrics, "opentoken_lease_extensions_total", { result: "short" })).toBeGreaterThanOrEqual(2);
    expect(sample(metrics, "opentoken_settlement_batches_total", { result: "ok" })).toBeGreaterThanOrEqual(1);
    expect(sample(metrics, "opentoken_settlement_queue_depth", {})).toBe(0);
    expect(sample(metrics, "opentoken_settlement_lag_seconds", {})).toBe(0);
    expect(sample(metrics, "opentoken_supplier_state", { supplier: "google", state: "closed" })).toBe(1);
    expect(sample(metrics, "opentoken_supplier_state", { supplier: "google", state: "open" })).toBe(0);
  });

  test("no key, workspace or client path appears in any label", () => {
    for (const id of workspaces) expect(text).not.toContain(id);
    expect(text).not.toContain("sk-optk-");
    expect(text).not.toContain("nowhere");
  });

  test("promtool check metrics accepts the exposition", async () => {
    expect(await promtoolCheck(text)).toEqual({ ok: true, output: "" });
  });
});

describe("who may scrape", () => {
  test("with METRICS_TOKEN: the token as a bearer, else 401 in the envelope", async () => {
    const url = `${setup.gateway.url}/metrics`;
    const missing = await fetch(url);
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as any).error.code).toBe("missing_auth");
    const wrong = await fetch(url, { headers: { authorization: "Bearer nope" } });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as any).error.code).toBe("invalid_key");
    // A customer key is not the metrics token.
    expect((await fetch(url, { headers: { authorization: `Bearer ${setup.key}` } })).status).toBe(401);
  });

  test("without METRICS_TOKEN: direct loopback clients only, never through a proxy", async () => {
    const gateway = await startTestGateway();
    try {
      expect((await fetch(`${gateway.url}/metrics`)).status).toBe(200);
      for (const header of ["x-forwarded-for", "forwarded", "x-real-ip"]) {
        const proxied = await fetch(`${gateway.url}/metrics`, { headers: { [header]: "203.0.113.7" } });
        expect(proxied.status).toBe(403);
        expect(((await proxied.json()) as any).error).toMatchObject({ code: "forbidden", type: "authentication_error" });
      }
      // No socket, no address: refused.
      expect((await gateway.request("/metrics")).status).toBe(403);
    } finally {
      await gateway.stop();
    }
  });
});
