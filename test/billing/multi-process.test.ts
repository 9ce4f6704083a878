import { afterAll, beforeAll, beforeEach, expect, test } from "bun:test";
import OpenAI from "openai";
import { startGeminiServer } from "../fakes/gemini-server.ts";
import { testDatabase } from "../support/database.ts";
import { newTenant } from "../support/gateway.ts";
import { type GatewayProcess, startGatewayProcess } from "../support/gateway-process.ts";
import { stopStartedProcesses } from "../support/processes.ts";
import { accountState } from "../support/ledger.ts";

// Several gateway processes on one PostgreSQL database: one balance, one
// spend limit, and no credit left blocked by a process killed mid-request.
/** Each test starts real processes: explicit time, so a busy machine slows them down without failing them. */
const SLOW_TEST_MS = 60_000;
const databaseUrl = process.env.DATABASE_URL;
const gemini = startGeminiServer();
const env = {
  DATABASE_URL: databaseUrl ?? "",
  GOOGLE_BASE_URL: gemini.url,
  GOOGLE_API_KEY: gemini.apiKey,
  LEASE_TTL_SECONDS: "2",
};
let first: GatewayProcess;
let second: GatewayProcess;

beforeAll(async () => {
  if (!databaseUrl) return;
  [first, second] = await Promise.all([startGatewayProcess(env), startGatewayProcess(env)]);
}, SLOW_TEST_MS);
beforeEach(() => gemini.reset());
// Every process this file started, including those of a test that failed half-way.
afterAll(async () => {
  await stopStartedProcesses();
  await gemini.stop();
}, SLOW_TEST_MS);

const hello = [{ role: "user" as const, content: "Hello" }];
// An upper bound of one request's worst case: under 200 body bytes × $0.50/M + 1,000 output × $3/M.
const WORST_CASE = 200n * 500n + 1_000n * 3_000n;
const request = (client: OpenAI) =>
  client.chat.completions.create({ model: "google/gemini-3-flash", messages: hello, max_tokens: 1_000 });
const clientOf = (gateway: GatewayProcess, key: string) =>
  new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: key, maxRetries: 0 });

async function burst(key: string, perProcess: number) {
  const clients = [clientOf(first, key), clientOf(second, key)];
  const results = await Promise.allSettled(clients.flatMap((client) => Array.from({ length: perProcess }, () => request(client))));
  const refused = results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason);
  return { admitted: results.length - refused.length, refused };
}

/** Waits until the processes have written their settlements (every SETTLE_INTERVAL_MS). */
async function settledState(workspaceId: string, records: number) {
  const { db } = await testDatabase();
  const deadline = Date.now() + 5_000;
  let state = await accountState(db, workspaceId);
  while (state.records.length < records && Date.now() < deadline) {
    await Bun.sleep(50);
    state = await accountState(db, workspaceId);
  }
  return state;
}

test.skipIf(!databaseUrl)("two processes share one balance: 200 concurrent requests on credit for 20 admit about 20", async () => {
  const { workspace, key } = await newTenant(20n * WORST_CASE + WORST_CASE / 2n);
  gemini.setDefault({ fixture: "google-text.json", delayMs: 500 });
  const { admitted, refused } = await burst(key, 100);
  expect(admitted).toBeGreaterThanOrEqual(18);
  expect(admitted).toBeLessThanOrEqual(24);
  for (const error of refused) expect(error.status).toBe(402);

  const state = await settledState(workspace.id, admitted);
  expect(state.records).toHaveLength(admitted);
  expect(state.balance).toBeGreaterThanOrEqual(0n);
  expect(state.ledgerSum).toBe(state.balance!);
}, SLOW_TEST_MS);

test.skipIf(!databaseUrl)("two processes share one spend limit", async () => {
  const { workspace, key } = await newTenant(1_000_000_000n, { spendLimit: 5n * WORST_CASE });
  gemini.setDefault({ fixture: "google-text.json", delayMs: 300 });
  const { admitted, refused } = await burst(key, 15);
  expect(admitted).toBeGreaterThanOrEqual(4);
  expect(admitted).toBeLessThanOrEqual(6);
  for (const error of refused) expect(error.status).toBe(429);
  const state = await settledState(workspace.id, admitted);
  const spent = state.records.reduce((sum, record) => sum + record.cost, 0n);
  expect(spent).toBeLessThanOrEqual(5n * WORST_CASE);
}, SLOW_TEST_MS);

test.skipIf(!databaseUrl)("a process killed mid-request blocks no credit beyond its lease's expiry", async () => {
  const victim = await startGatewayProcess(env);
  const { workspace, key } = await newTenant(WORST_CASE + WORST_CASE / 2n);
  gemini.setNext({ fixture: "google-text.chunks.txt", pause: { after: 1, until: new Promise(() => {}) } });
  const stream = await clientOf(victim, key).chat.completions.create({
    model: "google/gemini-3-flash",
    messages: hello,
    max_tokens: 1_000,
    stream: true,
  });
  const chunks = stream[Symbol.asyncIterator]();
  await chunks.next();
  await victim.stop("SIGKILL");
  const killedAt = Date.now();

  // The dead process's hold still counts until it expires (LEASE_TTL_SECONDS=2)...
  gemini.setDefault({ fixture: "google-text.json" });
  const blocked = await request(clientOf(first, key)).catch((e) => e);
  expect(blocked.status).toBe(402);
  // ...and then the credit is free again, with no restart or manual repair.
  let admitted = false;
  while (!admitted && Date.now() - killedAt < 6_000) {
    await Bun.sleep(250);
    admitted = await request(clientOf(first, key)).then(() => true, () => false);
  }
  expect(admitted).toBe(true);
  expect(Date.now() - killedAt).toBeLessThan(4_000);
  const state = await settledState(workspace.id, 1);
  expect(state.ledgerSum).toBe(state.balance!);
}, SLOW_TEST_MS);

test.skipIf(!databaseUrl)("SIGTERM lets a request in flight finish and bills it before the process exits", async () => {
  const leaving = await startGatewayProcess(env);
  const { workspace, key } = await newTenant(1_000_000_000n);
  gemini.setNext({ fixture: "google-text.json", delayMs: 800 });
  const pending = request(clientOf(leaving, key));
  while (gemini.requests.length === 0) await Bun.sleep(10);
  const stopped = leaving.stop("SIGTERM");
  const completion = await pending;
  expect(completion.usage?.total_tokens).toBeGreaterThan(0);
  await stopped;
  const { db } = await testDatabase();
  const state = await accountState(db, workspace.id);
  expect(state.records).toHaveLength(1);
  expect(state.holds).toBe(0n);
}, SLOW_TEST_MS);
