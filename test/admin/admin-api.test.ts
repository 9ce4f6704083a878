import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import OpenAI from "openai";
import { createAdminKey, revokeAdminKey } from "../../src/auth/admin-keys.ts";
import { periodStart } from "../../src/billing/limit-period.ts";
import { parseUsd } from "../../src/billing/money.ts";
import { randomBase62 } from "../../src/util/random.ts";
import { accountState } from "../support/ledger.ts";
import { type ProviderGateway, startProviderGateway } from "../support/provider-gateway.ts";

// The admin API end to end over HTTP: what an operator's signup flow,
// payment webhook and customer dashboard call.
let setup: ProviderGateway;
let base: string;
let adminKey: string;

beforeAll(async () => {
  setup = await startProviderGateway();
  base = setup.gateway.url;
  ({ key: adminKey } = await createAdminKey(setup.gateway.db, "test operator"));
});
afterAll(() => setup.stop());

type Init = { method?: string; body?: unknown; key?: string | null; headers?: Record<string, string> };
async function call(path: string, { method = "GET", body, key = adminKey, headers = {} }: Init = {}) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(key === null ? {} : { authorization: `Bearer ${key}` }),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await response.json()) as any;
  return { status: response.status, json, headers: response.headers };
}

async function expectError(promise: ReturnType<typeof call>, status: number, code: string, param?: string) {
  const { status: got, json, headers } = await promise;
  expect({ status: got, code: json.error?.code }).toEqual({ status, code });
  expect(typeof json.error.message).toBe("string");
  expect(headers.get("x-request-id")).toMatch(/^req_/);
  if (param) expect(json.error.param).toBe(param);
  return json.error;
}

const name = () => `adm-${randomBase62(8)}`;

describe("auth boundaries", () => {
  test("a management key cannot call /v1, a customer key cannot call /admin/v1, and no key gets 401", async () => {
    await expectError(call("/v1/models"), 401, "invalid_key");
    await expectError(call("/admin/v1/workspaces", { key: setup.key }), 401, "invalid_key");
    await expectError(call("/admin/v1/workspaces", { key: null }), 401, "missing_auth");
    await expectError(call("/admin/v1/nope"), 404, "not_found");
  });

  test("a revoked management key is refused once the key cache refreshes", async () => {
    const { key, row } = await createAdminKey(setup.gateway.db, "short-lived");
    expect((await call("/admin/v1/workspaces", { key })).status).toBe(200);
    await revokeAdminKey(setup.gateway.db, row.id);
    await setup.gateway.adminAuthenticator.refresh();
    await expectError(call("/admin/v1/workspaces", { key }), 401, "invalid_key");
  });
});

describe("workspaces and credits", () => {
  test("create, get and list a workspace; money as exact decimal strings", async () => {
    const ws = name();
    const created = await call("/admin/v1/workspaces", { method: "POST", body: { name: ws, credit_usd: "12.500000001" } });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ name: ws, balance_usd: "12.500000001", held_usd: "0.00", available_usd: "12.500000001" });
    expect(created.json.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect((await call(`/admin/v1/workspaces/${ws}`)).json).toEqual(created.json);
    const list = await call(`/admin/v1/workspaces?prefix=${ws}`);
    expect(list.json.object).toBe("list");
    expect(list.json.data.find((w: any) => w.name === ws)).toEqual(created.json);
  });

  test("the list is a page in name order: limit, after (next_after), prefix; bounded", async () => {
    const prefix = `${name()}-`;
    const names = ["c", "a", "b"].map((suffix) => `${prefix}${suffix}`);
    for (const ws of names) await call("/admin/v1/workspaces", { method: "POST", body: { name: ws } });
    const first = await call(`/admin/v1/workspaces?prefix=${prefix}&limit=2`);
    expect(first.json).toMatchObject({ object: "list", has_more: true, next_after: `${prefix}b` });
    expect(first.json.data.map((w: any) => w.name)).toEqual([`${prefix}a`, `${prefix}b`]);
    const rest = await call(`/admin/v1/workspaces?prefix=${prefix}&limit=2&after=${first.json.next_after}`);
    expect(rest.json).toMatchObject({ has_more: false, next_after: null, data: [expect.objectContaining({ name: `${prefix}c` })] });
    // A prefix is literal: "_" and "%" match only themselves.
    expect((await call(`/admin/v1/workspaces?prefix=${prefix.replace("adm-", "adm_")}`)).json.data).toEqual([]);
    expect((await call("/admin/v1/workspaces?prefix=%25")).json.data).toEqual([]);
    // Without a prefix: a page of at most 100.
    const all = await call("/admin/v1/workspaces");
    expect(all.json.data.length).toBeLessThanOrEqual(100);
    for (const query of ["limit=0", "limit=501", "limit=x"]) await expectError(call(`/admin/v1/workspaces?${query}`), 400, "invalid_request", "limit");
    await expectError(call(`/admin/v1/workspaces?prefix=${"a".repeat(201)}`), 400, "invalid_request", "prefix");
  });

  test("validation errors name the field; unknown workspaces are 404; a taken name is 409", async () => {
    await expectError(call("/admin/v1/workspaces", { method: "POST", body: { name: "bad name!" } }), 400, "invalid_request", "name");
    await expectError(call("/admin/v1/workspaces", { method: "POST", body: { name: name(), credit_usd: "ten" } }), 400, "invalid_request", "credit_usd");
    await expectError(call("/admin/v1/workspaces", { method: "POST", body: { name: name(), credits_usd: "1" } }), 400, "invalid_request", "credits_usd");
    await expectError(call("/admin/v1/workspaces/no-such-ws"), 404, "not_found");
    const ws = name();
    await call("/admin/v1/workspaces", { method: "POST", body: { name: ws } });
    await expectError(call("/admin/v1/workspaces", { method: "POST", body: { name: ws } }), 409, "conflict", "name");
    await expectError(call(`/admin/v1/workspaces/${ws}/credits`, { method: "POST", body: { amount_usd: "0" } }), 400, "invalid_request", "amount_usd");
    await expectError(call(`/admin/v1/workspaces/${ws}/credits`, { method: "POST", body: { amount_usd: "1.0000000001" } }), 400, "invalid_request", "amount_usd");
  });

  test("20 concurrent identical credits with one Idempotency-Key credit once and return the same entry; another body with the key is 409", async () => {
    const ws = name();
    const { json: workspace } = await call("/admin/v1/workspaces", { method: "POST", body: { name: ws } });
    const credit = () =>
      call(`/admin/v1/workspaces/${ws}/credits`, {
        method: "POST",
        body: { amount_usd: "7.25", note: "stripe pi_123" },
        headers: { "idempotency-key": "pi_123" },
      });
    const results = await Promise.all(Array.from({ length: 20 }, credit));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 200)).toHaveLength(19);
    const ids = new Set(results.map((r) => r.json.entry.id));
    expect(ids.size).toBe(1);
    for (const r of results.filter((r) => r.status === 200)) expect(r.headers.get("idempotent-replayed")).toBe("true");
    expect(results[0]!.json.entry).toMatchObject({ kind: "credit", amount_usd: "7.25", note: "stripe pi_123" });

    const state = await accountState(setup.gateway.db, workspace.id);
    expect(state.balance).toBe(7_250_000_000n);
    expect(state.ledgerSum).toBe(state.balance!);

    await expectError(
      call(`/admin/v1/workspaces/${ws}/credits`, { method: "POST", body: { amount_usd: "9" }, headers: { "idempotency-key": "pi_123" } }),
      409,
      "conflict",
    );
    // Without a key, every call credits.
    await call(`/admin/v1/workspaces/${ws}/credits`, { method: "POST", body: { amount_usd: "1" } });
    await call(`/admin/v1/workspaces/${ws}/credits`, { method: "POST", body: { amount_usd: 1 } });
    expect((await call(`/admin/v1/workspaces/${ws}`)).json.balance_usd).toBe("9.25");
  });

  test("the ledger pages newest first with a cursor, over every entry exactly once", async () => {
    const ws = name();
    await call("/admin/v1/workspaces", { method: "POST", body: { name: ws } });
    for (let i = 1; i <= 7; i++) await call(`/admin/v1/workspaces/${ws}/credits`, { method: "POST", body: { amount_usd: String(i) } });
    const seen: string[] = [];
    let before: string | null = null;
    do {
      const page = await call(`/admin/v1/workspaces/${ws}/ledger?limit=3${before ? `&before=${before}` : ""}`);
      expect(page.json.data.length).toBeLessThanOrEqual(3);
      seen.push(...page.json.data.map((entry: any) => entry.amount_usd));
      before = page.json.next_before;
      expect(page.json.has_more).toBe(before !== null);
    } while (before);
    expect(seen).toEqual(["7.00", "6.00", "5.00", "4.00", "3.00", "2.00", "1.00"]);
    await expectError(call(`/admin/v1/workspaces/${ws}/ledger?limit=0`), 400, "invalid_request", "limit");
    await expectError(call(`/admin/v1/workspaces/${ws}/ledger?limit=x`), 400, "invalid_request", "limit");
  });
});

describe("keys", () => {
  test("create (the key once), list (never the key), change and revoke; the gateway follows", async () => {
    const ws = name();
    await call("/admin/v1/workspaces", { method: "POST", body: { name: ws, credit_usd: "5" } });
    const created = await call(`/admin/v1/workspaces/${ws}/keys`, {
      method: "POST",
      body: { name: "signup-42", spend_limit_usd: "2", limit_reset: "daily", models: ["google/*"] },
    });
    expect(created.status).toBe(201);
    const { key, id } = created.json;
    expect(key).toMatch(/^sk-optk-[0-9A-Za-z]{40}$/);
    expect(created.json).toMatchObject({ name: "signup-42", status: "active", spend_limit_usd: "2.00", limit_reset: "daily", models: ["google/*"] });
    const list = await call(`/admin/v1/workspaces/${ws}/keys`);
    expect(JSON.stringify(list.json)).not.toContain(key);
    expect(list.json.data.map((k: any) => k.id)).toEqual([id]);

    const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: key, maxRetries: 0 });
    expect((await client.chat.completions.create({ model: "google/gemini-3-flash", messages: [{ role: "user", content: "Hi" }] })).object).toBe(
      "chat.completion",
    );

    const changed = await call(`/admin/v1/keys/${id}`, { method: "PATCH", body: { name: "renamed", spend_limit_usd: null, limit_reset: null, models: null } });
    expect(changed.json).toMatchObject({ name: "renamed", spend_limit_usd: null, limit_reset: null, models: null });
    await expectError(call(`/admin/v1/keys/${id}`, { method: "PATCH", body: { limit_reset: "weekly" } }), 400, "invalid_request", "limit_reset");
    // Clearing the limit while another change sets a reset: whichever lands second is refused, never both kept.
    for (let round = 0; round < 10; round++) {
      await call(`/admin/v1/keys/${id}`, { method: "PATCH", body: { spend_limit_usd: "1", limit_reset: null } });
      await Promise.all([
        call(`/admin/v1/keys/${id}`, { method: "PATCH", body: { spend_limit_usd: null } }),
        call(`/admin/v1/keys/${id}`, { method: "PATCH", body: { limit_reset: "weekly" } }),
      ]);
      const now = (await call(`/admin/v1/workspaces/${ws}/keys`)).json.data[0];
      expect(now.limit_reset === null || now.spend_limit_usd !== null).toBe(true);
    }
    await call(`/admin/v1/keys/${id}`, { method: "PATCH", body: { spend_limit_usd: null, limit_reset: null } });
    await expectError(call(`/admin/v1/keys/${id}`, { method: "PATCH", body: { models: ["not a model"] } }), 400, "invalid_request", "models");

    const revoked = await call(`/admin/v1/keys/${id}`, { method: "DELETE" });
    expect(revoked.json.status).toBe("revoked");
    await setup.gateway.authenticator.refresh();
    const refused = await client.chat.completions.create({ model: "google/gemini-3-flash", messages: [{ role: "user", content: "Hi" }] }).catch((e) => e);
    expect(refused.status).toBe(401);
    await expectError(call("/admin/v1/keys/key_nope", { method: "DELETE" }), 404, "not_found");
    await expectError(call("/admin/v1/keys/key_nope", { method: "PATCH", body: { name: "x" } }), 404, "not_found");
    await expectError(call(`/admin/v1/workspaces/${ws}/keys`, { method: "POST", body: { expires_at: "tomorrow" } }), 400, "invalid_request", "expires_at");
  });
});

describe("usage, requests and /v1/key", () => {
  test("usage grouped by day, model, key and supplier sums to the usage records; a request's record by its id", async () => {
    const ws = name();
    await call("/admin/v1/workspaces", { method: "POST", body: { name: ws, credit_usd: "10" } });
    const keys = await Promise.all(
      [1, 2].map(async (n) => (await call(`/admin/v1/workspaces/${ws}/keys`, { method: "POST", body: { name: `k${n}` } })).json),
    );
    const requestIds: string[] = [];
    for (const [i, model] of ["google/gemini-3-flash", "anthropic/claude-haiku-4-5", "google/gemini-3-flash"].entries()) {
      const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: keys[i % 2].key, maxRetries: 0 });
      const { response } = await client.chat.completions.create({ model, messages: [{ role: "user", content: "Hi" }] }).withResponse();
      requestIds.push(response.headers.get("x-request-id")!);
    }
    await setup.gateway.billing.flush();
    const { json: workspace } = await call(`/admin/v1/workspaces/${ws}`);
    const records = (await accountState(setup.gateway.db, workspace.id)).records;
    expect(records).toHaveLength(3);
    const totalCost = records.reduce((sum, r) => sum + r.cost, 0n);

    const [all] = (await call(`/admin/v1/workspaces/${ws}/usage`)).json.data;
    expect(all).toMatchObject({ group: "all", requests: 3, input_tokens: records.reduce((s, r) => s + r.promptTokens, 0) });
    expect(BigInt(Math.round(Number(all.cost_usd) * 1e9))).toBe(totalCost);
    for (const group of ["day", "model", "key", "supplier"]) {
      const rows = (await call(`/admin/v1/workspaces/${ws}/usage?group_by=${group}`)).json.data;
      expect(rows.reduce((s: number, r: any) => s + r.requests, 0)).toBe(3);
      expect(rows.reduce((s: number, r: any) => s + r.output_tokens, 0)).toBe(all.output_tokens);
    }
    const byModel = (await call(`/admin/v1/workspaces/${ws}/usage?group_by=model`)).json.data;
    expect(byModel.map((r: any) => [r.group, r.requests])).toEqual([["anthropic/claude-haiku-4-5", 1], ["google/gemini-3-flash", 2]]);
    const bySupplier = (await call(`/admin/v1/workspaces/${ws}/usage?group_by=supplier`)).json.data;
    expect(bySupplier.map((r: any) => r.group)).toEqual(["anthropic", "google"]);
    expect((await call(`/admin/v1/workspaces/${ws}/usage?until=2000-01-01T00:00:00Z`)).json.data[0].requests).toBe(0);
    await expectError(call(`/admin/v1/workspaces/${ws}/usage?group_by=hour`), 400, "invalid_request", "group_by");
    await expectError(call(`/admin/v1/workspaces/${ws}/usage?since=yesterday`), 400, "invalid_request", "since");

    const record = (await call(`/admin/v1/requests/${requestIds[1]}`)).json;
    expect(record).toMatchObject({ request_id: requestIds[1], model: "anthropic/claude-haiku-4-5", supplier: "anthropic", status: "completed", estimated: false });
    expect(record.duration_ms).toBeGreaterThanOrEqual(record.ttfb_ms);
    expect(record.cost_usd).toMatch(/^\d+\.\d+$/);
    await expectError(call("/admin/v1/requests/req_nope"), 404, "not_found");
  });

  test("GET /v1/key: the caller's key, its limit left and what it spent, matching the ledger", async () => {
    const ws = name();
    await call("/admin/v1/workspaces", { method: "POST", body: { name: ws, credit_usd: "10" } });
    const created = (await call(`/admin/v1/workspaces/${ws}/keys`, { method: "POST", body: { name: "self", spend_limit_usd: "1", limit_reset: "monthly" } })).json;
    const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: created.key, maxRetries: 0 });
    for (let i = 0; i < 2; i++) await client.chat.completions.create({ model: "google/gemini-3-flash", messages: [{ role: "user", content: "Hi" }] });
    await setup.gateway.billing.flush();
    const { json: workspace } = await call(`/admin/v1/workspaces/${ws}`);
    const spent = -(await accountState(setup.gateway.db, workspace.id)).debits.reduce((s, d) => s + d.amount, 0n);

    const info = await call("/v1/key", { key: created.key });
    expect(info.status).toBe(200);
    const usd = (nano: bigint) => (Number(nano) / 1e9).toString();
    expect(info.json).toMatchObject({ name: "self", prefix: created.prefix, workspace: ws, spend_limit_usd: "1.00", limit_reset: "monthly", models: null, expires_at: null });
    for (const period of ["day", "week", "month", "total"]) expect(Number(info.json.usage_usd[period])).toBe(Number(usd(spent)));
    expect(Number(info.json.limit_remaining_usd)).toBeCloseTo(1 - Number(usd(spent)), 9);
    await expectError(call("/v1/key", { key: adminKey }), 401, "invalid_key");

    // The limit left is what enforcement counts (key_spend for this period), and the total is every period's:
    // spend of an earlier month, and more in this one than the usage records of this month show.
    const lastMonth = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() - 1, 1));
    await setup.gateway.db.execute(sql`insert into key_spend (api_key_id, period_start, spent_nano) values (${created.id}, ${lastMonth.toISOString()}::timestamptz, 7000000000)`);
    await setup.gateway.db.execute(sql`update key_spend set spent_nano = spent_nano + 100000000 where api_key_id = ${created.id} and period_start = ${periodStart("monthly", new Date()).toISOString()}::timestamptz`);
    const after = (await call("/v1/key", { key: created.key })).json;
    expect(parseUsd(after.usage_usd.month)).toBe(spent);
    expect(parseUsd(after.usage_usd.total)).toBe(spent + 7_100_000_000n);
    expect(parseUsd(after.limit_remaining_usd)).toBe(1_000_000_000n - spent - 100_000_000n);
  });
});

describe("per-key model lists", () => {
  test("a key with models sees only those in /v1/models and is refused others with 400 model_not_found, on chat and embeddings", async () => {
    const ws = name();
    await call("/admin/v1/workspaces", { method: "POST", body: { name: ws, credit_usd: "10" } });
    const { key } = (await call(`/admin/v1/workspaces/${ws}/keys`, { method: "POST", body: { models: ["anthropic/*", "google/gemini-3-flash"] } })).json;
    const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: key, maxRetries: 0 });
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids.sort()).toEqual(
      ["anthropic/claude-haiku-4-5", "anthropic/claude-opus-4-6", "anthropic/claude-opus-4-7", "anthropic/claude-sonnet-4-5", "anthropic/claude-sonnet-4-6", "google/gemini-3-flash"],
    );
    expect((await client.chat.completions.create({ model: "google/gemini-3-flash", messages: [{ role: "user", content: "Hi" }] })).object).toBe("chat.completion");
    for (const attempt of [
      () => client.chat.completions.create({ model: "google/gemini-2.5-pro", messages: [{ role: "user", content: "Hi" }] }),
      () => client.chat.completions.create({ model: "google/gemini-2.5-pro", messages: [{ role: "user", content: "Hi" }], stream: true }),
      () => client.embeddings.create({ model: "google/text-embedding-004", input: "x" }),
    ]) {
      const error = await attempt().catch((e) => e);
      expect(error.status).toBe(400);
      expect(error.code).toBe("model_not_found");
    }
  });
});

describe("bad input is a 400 naming what it can, never a 500", () => {
  test("an empty change, cursors and amounts past what the database holds, NUL bytes, oversized names", async () => {
    const ws = name();
    await call("/admin/v1/workspaces", { method: "POST", body: { name: ws } });
    const key = (await call(`/admin/v1/workspaces/${ws}/keys`, { method: "POST", body: { name: "k" } })).json;
    await expectError(call(`/admin/v1/keys/${key.id}`, { method: "PATCH", body: {} }), 400, "invalid_request");
    const huge = "9".repeat(23);
    await expectError(call(`/admin/v1/workspaces/${ws}/ledger?before=${huge}`), 400, "invalid_request", "before");
    await expectError(call(`/admin/v1/requests?before=${huge}`), 400, "invalid_request", "before");
    await expectError(call("/admin/v1/workspaces", { method: "POST", body: { name: name(), credit_usd: "999999999999" } }), 400, "invalid_request", "credit_usd");
    await expectError(call(`/admin/v1/keys/${key.id}`, { method: "PATCH", body: { spend_limit_usd: "1000000000.000000001" } }), 400, "invalid_request", "spend_limit_usd");
    await expectError(call(`/admin/v1/workspaces/${ws}/keys`, { method: "POST", body: { name: "n".repeat(201) } }), 400, "invalid_request", "name");
    // Each credit is allowed, but ten of them pass the ledger's range: the one that would is refused, the balance intact.
    const credit = (n: number) => call(`/admin/v1/workspaces/${ws}/credits`, { method: "POST", body: { amount_usd: "1000000000", note: `c${n}` } });
    for (let n = 1; n <= 9; n++) expect((await credit(n)).status).toBe(201);
    await expectError(credit(10), 400, "invalid_request");
    expect((await call(`/admin/v1/workspaces/${ws}`)).json.balance_usd).toBe("9000000000.00");
    // NUL bytes in a path, a query and a body.
    for (const bad of [call(`/admin/v1/workspaces/a%00b`), call(`/admin/v1/workspaces?prefix=a%00b`), call(`/admin/v1/requests?workspace=a%00b`)]) {
      expect((await bad).status).toBeLessThan(500);
    }
    await expectError(call(`/admin/v1/workspaces/${ws}/credits`, { method: "POST", body: { amount_usd: "1", note: "a\u0000b" } }), 400, "invalid_request");
  });
});
