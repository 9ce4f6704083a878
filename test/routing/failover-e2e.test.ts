import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { eq, inArray } from "drizzle-orm";
import OpenAI from "openai";
import { suppliers as suppliersTable } from "../../src/db/schema.ts";
import { runCli } from "../../src/cli/run.ts";
import { addSupplier, setSupplierEnabled } from "../../src/routing/supplier-store.ts";
import { supplierViews } from "../../src/routing/supplier-stats.ts";
import { startAnthropicServer } from "../fakes/anthropic-server.ts";
import type { FakeResponse, FakeServer } from "../fakes/fake-server.ts";
import { geminiErrorResponse, startGeminiServer } from "../fakes/gemini-server.ts";
import { apiError } from "../support/api-error.ts";
import { newTenant, startTestGateway, type TestGateway } from "../support/gateway.ts";
import { accountState } from "../support/ledger.ts";

// Several suppliers of one model on fake Gemini servers with switchable
// faults, driven through the official client: what is retried where, what
// is not, health, weights, and billing once at the serving supplier.
const MODEL = "google/gemini-3-flash";
const TIMEOUT_MS = 400;
const NAMES = ["fo-a", "fo-b", "fo-c"] as const;
type Name = (typeof NAMES)[number];

const servers = {} as Record<Name, FakeServer>;
let anthropic: FakeServer;
let gateway: TestGateway;
let client: OpenAI;
let workspaceId: string;

beforeAll(async () => {
  for (const name of NAMES) servers[name] = startGeminiServer({ apiKey: `key-${name}` });
  anthropic = startAnthropicServer();
  // No GOOGLE_API_KEY: the model's only suppliers are the three below, whose keys only this gateway has.
  gateway = await startTestGateway({
    FO_A_KEY: "key-fo-a",
    FO_B_KEY: "key-fo-b",
    FO_C_KEY: "key-fo-c",
    FO_UNSET_KEY: "",
    ANTHROPIC_API_KEY: anthropic.apiKey,
    ANTHROPIC_BASE_URL: anthropic.url,
    UPSTREAM_TIMEOUT_MS: String(TIMEOUT_MS),
    STREAM_IDLE_TIMEOUT_MS: String(TIMEOUT_MS),
  });
  // Enough credit for 50 concurrent worst cases (no max_tokens: 65,536 output tokens each).
  const tenant = await newTenant(1_000_000_000_000n);
  workspaceId = tenant.workspace.id;
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: tenant.key, maxRetries: 0 });
});
afterEach(async () => {
  for (const server of Object.values(servers)) server.reset();
  await gateway.db.delete(suppliersTable).where(inArray(suppliersTable.name, [...NAMES, "fo-keyless"]));
  await gateway.suppliers.load();
});
afterAll(async () => {
  await gateway.stop();
  await Promise.all([...Object.values(servers), anthropic].map((server) => server.stop()));
});

/** Registers suppliers (priority, weight) and reloads the gateway's registry, as a refresh would. */
async function useSuppliers(...configs: { name: Name; priority?: number; weight?: number }[]) {
  const known = new Set([MODEL, "google/gemini-2.5-pro"]);
  for (const { name, priority, weight } of configs) {
    const keyEnv = `FO_${name.slice(3).toUpperCase()}_KEY`;
    await addSupplier(gateway.db, { name, provider: "google", baseUrl: servers[name].url, keyEnv, priority, weight, models: [MODEL] }, known);
  }
  await gateway.suppliers.load();
}

const hello = [{ role: "user" as const, content: "Hello" }];
const chat = () => client.chat.completions.create({ model: MODEL, messages: hello }).withResponse();
const served = (response: Response) => ({
  supplier: response.headers.get("x-opentoken-supplier"),
  attempts: response.headers.get("x-opentoken-attempts"),
});

/** A fault the first supplier shows; the second serves. Each class is retried for plain and streamed requests. */
const FAULTS: [string, () => FakeResponse | "closed"][] = [
  ["connection refused", () => "closed"],
  ["no response headers within the timeout", () => ({ fixture: "google-text.json", delayMs: TIMEOUT_MS * 4 })],
  ["HTTP 500", () => geminiErrorResponse(500, "INTERNAL", "An internal error has occurred.")],
  ["HTTP 503", () => geminiErrorResponse(503, "UNAVAILABLE", "The model is overloaded.")],
  ["HTTP 429", () => ({ fixture: "google-429-retry-info.json" })],
  ["HTTP 401 (a bad supplier credential)", () => ({ status: 401, json: { error: { code: 401, status: "UNAUTHENTICATED", message: "no" } } })],
  ["HTTP 403", () => ({ status: 403, json: { error: { code: 403, status: "PERMISSION_DENIED", message: "no" } } })],
  ["a redirect", () => ({ status: 302, headers: { location: "http://127.0.0.1:9/" }, text: "" })],
  ["a 2xx that is not JSON", () => ({ text: "<html>maintenance</html>", headers: { "content-type": "text/html" } })],
];

describe("failover before the first byte", () => {
  for (const [fault, reply] of FAULTS) {
    for (const stream of [false, true]) {
      test(`${fault}${stream ? " (streaming)" : ""} → served by the next supplier, billed once there`, async () => {
        await useSuppliers({ name: "fo-a", priority: 0 }, { name: "fo-b", priority: 1 });
        const fault = reply();
        if (fault === "closed") await servers["fo-a"].stop();
        else servers["fo-a"].setDefault(fault);
        servers["fo-b"].setDefault({ fixture: stream ? "google-text.chunks.txt" : "google-text.json" });
        try {
          const { workspace, key } = await newTenant();
          const own = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: key, maxRetries: 0 });
          const { data, response } = await own.chat.completions.create({ model: MODEL, messages: hello, stream }).withResponse();
          if (stream) for await (const _chunk of data as AsyncIterable<unknown>);
          expect(served(response)).toEqual({ supplier: "fo-b", attempts: "2" });
          expect(servers["fo-b"].requests).toHaveLength(1);

          await gateway.billing.flush();
          const state = await accountState(gateway.db, workspace.id);
          expect(state.records).toHaveLength(1);
          expect(state.records[0]!.supplier).toBe("fo-b");
          expect(state.debits).toHaveLength(1);
        } finally {
          if (fault === "closed") servers["fo-a"] = startGeminiServer({ apiKey: "key-fo-a" });
        }
      });
    }
  }

  test("a stream that fails before its first event fails over; one that fails after its first chunk ends with an error frame", async () => {
    await useSuppliers({ name: "fo-a", priority: 0 }, { name: "fo-b", priority: 1 });
    servers["fo-a"].setDefault({ fixture: "google-text.chunks.txt", errorAfter: 0 });
    servers["fo-b"].setDefault({ fixture: "google-text.chunks.txt" });
    const { data, response } = await client.chat.completions.create({ model: MODEL, messages: hello, stream: true }).withResponse();
    for await (const _chunk of data);
    expect(served(response)).toEqual({ supplier: "fo-b", attempts: "2" });

    servers["fo-a"].setDefault({ fixture: "google-text.chunks.txt", errorAfter: 1 });
    servers["fo-b"].reset();
    const broken = await client.chat.completions.create({ model: MODEL, messages: hello, stream: true }).withResponse();
    expect(served(broken.response)).toEqual({ supplier: "fo-a", attempts: "1" });
    const error = await (async () => {
      for await (const _chunk of broken.data);
    })().catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(servers["fo-b"].requests).toHaveLength(0);
  });

  test("a request error (400) and a client that leaves are never retried", async () => {
    await useSuppliers({ name: "fo-a", priority: 0 }, { name: "fo-b", priority: 1 });
    servers["fo-a"].setNext({ fixture: "issue-8943-gemini-2.5-flash-error.json", status: 400 });
    expect((await apiError(chat())).status).toBe(400);

    servers["fo-a"].setNext({ fixture: "google-text.json", delayMs: 300 });
    const controller = new AbortController();
    const pending = client.chat.completions.create({ model: MODEL, messages: hello }, { signal: controller.signal }).catch((e) => e);
    while (servers["fo-a"].requests.length < 2) await Bun.sleep(5);
    controller.abort();
    await pending;
    await Bun.sleep(TIMEOUT_MS);
    expect(servers["fo-b"].requests).toHaveLength(0);
  });
});

test("429 with Retry-After: served by the second supplier, the first skipped until the time passes", async () => {
  await useSuppliers({ name: "fo-a", priority: 0 }, { name: "fo-b", priority: 1 });
  servers["fo-a"].setNext({ status: 429, headers: { "retry-after": "1" }, json: { error: { code: 429, status: "RESOURCE_EXHAUSTED", message: "slow down" } } });
  expect(served((await chat()).response)).toEqual({ supplier: "fo-b", attempts: "2" });
  for (let i = 0; i < 3; i++) expect(served((await chat()).response)).toEqual({ supplier: "fo-b", attempts: "1" });
  expect(servers["fo-a"].requests).toHaveLength(1);
  await Bun.sleep(1_100);
  expect(served((await chat()).response)).toEqual({ supplier: "fo-a", attempts: "1" });
});

test("the breaker opens after repeated 5xx, then lets one probe through and closes on its success", async () => {
  await useSuppliers({ name: "fo-a", priority: 0 }, { name: "fo-b", priority: 1 });
  servers["fo-a"].setDefault(geminiErrorResponse(500, "INTERNAL", "An internal error has occurred."));
  // Five failures in a row open it (at least half of at least five)...
  for (let i = 0; i < 5; i++) expect(served((await chat()).response).supplier).toBe("fo-b");
  expect(servers["fo-a"].requests).toHaveLength(5);
  // ...and while open, fo-a is not even tried.
  for (let i = 0; i < 3; i++) expect(served((await chat()).response)).toEqual({ supplier: "fo-b", attempts: "1" });
  expect(servers["fo-a"].requests).toHaveLength(5);
  const state = gateway.suppliers.all().find((s) => s.config.name === "fo-a")!.health.state();
  expect(state).toBe("open");

  // After the cooldown (5 s) one probe goes through; it succeeds and the breaker closes.
  servers["fo-a"].setDefault(undefined);
  await Bun.sleep(5_100);
  expect(served((await chat()).response)).toEqual({ supplier: "fo-a", attempts: "1" });
  expect(gateway.suppliers.all().find((s) => s.config.name === "fo-a")!.health.state()).toBe("closed");
}, 20_000);

test("a supplier that never answers: the next one serves within the deadline", async () => {
  await useSuppliers({ name: "fo-a", priority: 0 }, { name: "fo-b", priority: 1 });
  servers["fo-a"].setDefault({ fixture: "google-text.json", delayMs: 30_000 });
  const started = performance.now();
  expect(served((await chat()).response)).toEqual({ supplier: "fo-b", attempts: "2" });
  expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + 1_500);
});

test("weights are honoured within ±10 % over 1,000 requests at one priority", async () => {
  await useSuppliers({ name: "fo-a", weight: 1 }, { name: "fo-b", weight: 3 });
  const counts = { "fo-a": 0, "fo-b": 0 } as Record<string, number>;
  for (let batch = 0; batch < 20; batch++) {
    const responses = await Promise.all(Array.from({ length: 50 }, () => chat()));
    for (const { response } of responses) counts[served(response).supplier!]!++;
  }
  expect(counts["fo-a"]! + counts["fo-b"]!).toBe(1_000);
  expect(Math.abs(counts["fo-b"]! - 750)).toBeLessThanOrEqual(75);
}, 60_000);

test("disabled, removed and key-less suppliers are never called", async () => {
  await useSuppliers({ name: "fo-a", priority: 0 }, { name: "fo-b", priority: 1 }, { name: "fo-c", priority: 2 });
  await addSupplier(
    gateway.db,
    { name: "fo-keyless", provider: "google", baseUrl: servers["fo-a"].url, keyEnv: "FO_UNSET_KEY", priority: -1, models: [MODEL] },
    new Set([MODEL]),
  );
  await setSupplierEnabled(gateway.db, "fo-a", false);
  await gateway.db.delete(suppliersTable).where(eq(suppliersTable.name, "fo-b"));
  await gateway.suppliers.load();
  for (let i = 0; i < 5; i++) expect(served((await chat()).response).supplier).toBe("fo-c");
  expect(servers["fo-a"].requests).toHaveLength(0);
  expect(servers["fo-b"].requests).toHaveLength(0);
});

test("every supplier down: 503 listing each attempt's supplier and reason (no URL, no key), with the soonest Retry-After", async () => {
  await useSuppliers({ name: "fo-a", priority: 0 }, { name: "fo-b", priority: 1 });
  servers["fo-a"].setDefault({ status: 429, headers: { "retry-after": "20" }, json: { error: { code: 429, status: "RESOURCE_EXHAUSTED", message: "quota" } } });
  servers["fo-b"].setDefault({ status: 503, headers: { "retry-after": "7" }, json: { error: { code: 503, status: "UNAVAILABLE", message: "down" } } });
  await gateway.billing.flush();
  const before = (await accountState(gateway.db, workspaceId)).records.length;
  const error = await apiError(chat());
  expect(error.status).toBe(503);
  expect(error.code).toBe("no_supplier");
  expect(error.message).toContain("2 attempts");
  expect(error.message).toMatch(/1\. fo-a: google returned 429.*2\. fo-b: google returned 503/);
  expect(error.headers?.get("retry-after")).toBe("7");
  for (const leak of ["127.0.0.1", "key-fo-a", "key-fo-b"]) expect(error.message).not.toContain(leak);
  await gateway.billing.flush();
  expect((await accountState(gateway.db, workspaceId)).records).toHaveLength(before);
});

test("what the gateway saw is reported for `supplier list`: state, error rate and time to first byte per supplier", async () => {
  await useSuppliers({ name: "fo-a", priority: 0 }, { name: "fo-b", priority: 1 });
  // Earlier tests of this file used the same names within the last five minutes: compare against them.
  await gateway.supplierStats.report();
  const before = await supplierViews(gateway.db);
  const count = (views: typeof before, name: string) => ({
    attempts: views.get(name)?.attempts ?? 0,
    failures: views.get(name)?.failures ?? 0,
  });
  servers["fo-a"].setNext(geminiErrorResponse(500, "INTERNAL", "An internal error has occurred."));
  for (let i = 0; i < 3; i++) await chat();
  await gateway.supplierStats.report();
  const views = await supplierViews(gateway.db);
  const grew = (name: string) => ({
    attempts: count(views, name).attempts - count(before, name).attempts,
    failures: count(views, name).failures - count(before, name).failures,
  });
  expect(grew("fo-a")).toEqual({ attempts: 3, failures: 1 });
  expect(grew("fo-b")).toEqual({ attempts: 1, failures: 0 });
  // Each live process says closed (earlier runs on a shared database may still count as live).
  expect(new Set(views.get("fo-a")!.states)).toEqual(new Set(["closed"]));
  expect(views.get("fo-b")!.ttfbMs).toBeGreaterThanOrEqual(0);

  if (process.env.DATABASE_URL) {
    // The CLI, as an operator runs it in another process on the same database.
    const lines: string[] = [];
    expect(await runCli(["supplier", "list"], (text) => lines.push(text))).toBe(0);
    expect(lines.join("\n")).toMatch(/fo-a\s+google\s+\S+\s+0\s+1\s+yes\s+google\/gemini-3-flash\s+FO_A_KEY\s+closed \(\d+ gateways?\), \d+% errors of \d+ in 5 min/);
  }
});

test("a stream's time to first byte counts from sending the request: the wait for the provider's headers is in it", async () => {
  await useSuppliers({ name: "fo-a", priority: 0 });
  const supplier = gateway.suppliers.all().find((s) => s.config.name === "fo-a")!;
  supplier.health.takeCounters();
  servers["fo-a"].setNext({ fixture: "google-text.chunks.txt", delayMs: 300 });
  const stream = await client.chat.completions.create({ model: MODEL, messages: hello, stream: true });
  for await (const _ of stream);
  const { ttfbCount, ttfbMsSum } = supplier.health.takeCounters();
  expect(ttfbCount).toBe(1);
  expect(ttfbMsSum).toBeGreaterThanOrEqual(300);
});
