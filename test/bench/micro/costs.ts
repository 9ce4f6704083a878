/**
 * Sizes, in isolation, the pieces of work the gateway does per
 * non-streaming chat completion beyond what bare-proxy.ts does, on the
 * bench's own request (google/gemini-3-flash, max_tokens 64) and the fake
 * upstream's reply (test/fixtures/google/google-text.json).
 *
 *   bun test/bench/micro/costs.ts
 *
 * Uses the gateway's own functions where they can be imported (src/ may be
 * mid-refactor: a module that moved is skipped, not fatal) and otherwise
 * the same calls the gateway makes. Not part of `bun test`.
 */
import { timingSafeEqual } from "node:crypto";
import { TypeCompiler } from "@sinclair/typebox/compiler";
import { Value } from "@sinclair/typebox/value";
import { fixtureText } from "../../support/fixtures.ts";
import { keep, optionalImport, printResults, time, type MicroResult } from "./harness.ts";

const SRC = "../../../src";
const PROMPT = "How many r's are in strawberry?";
const chatBody = { model: "google/gemini-3-flash", messages: [{ role: "user", content: PROMPT }], max_tokens: 64 };
const chatText = JSON.stringify(chatBody);
const chatBytes = new TextEncoder().encode(chatText);
const geminiBody = {
  contents: [{ role: "user", parts: [{ text: PROMPT }] }],
  generationConfig: { maxOutputTokens: 64, thinkingConfig: { includeThoughts: true } },
};
const replyText = fixtureText("google", "google-text.json");
const replyJson = JSON.parse(replyText);
const apiKey = `sk-optk-${"a1B2c3D4e5".repeat(4)}`; // 48 characters, the gateway's key format
const upstreamKey = "bench-google-key";
const model = {
  id: "google/gemini-3-flash",
  provider: "google",
  upstreamModel: "gemini-3-flash",
  kind: "chat",
  prices: { input: 500_000_000n, output: 3_000_000_000n, cacheRead: 50_000_000n, cacheWrite: null },
  supportsTools: true,
  supportsReasoning: true,
  supportsCaching: true,
  supportsStreaming: true,
  maxOutputTokens: 65_536,
  enabled: true,
} as const;
const usage = { promptTokens: 9, completionTokens: 272, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 244 };

/** A gateway module, loosely typed: src/ may be mid-refactor, and a missing export only skips its line. */
// biome-ignore lint/suspicious/noExplicitAny: see above
type Gateway = Record<string, any>;

const results: MicroResult[] = [];
function add(r: MicroResult | (() => MicroResult)) {
  let result: MicroResult;
  try {
    result = typeof r === "function" ? r() : r;
  } catch (error) {
    console.error(`skipped: ${error instanceof Error ? error.message.split("\n")[0] : error}`);
    return;
  }
  results.push(result);
  console.error(`${result.nsPerOp.toFixed(0).padStart(7)} ns  ${result.name}`);
}

const clientSignalForRouting = new AbortController().signal;

// --- identity and auth (onRequest) -------------------------------------------------------------
add(time("crypto.randomUUID()", () => crypto.randomUUID()));
add(time("`req_${crypto.randomUUID().replaceAll('-', '')}`", () => `req_${crypto.randomUUID().replaceAll("-", "")}`, { note: "×2: request id and chatcmpl id" }));
let counter = 0;
add(time("prefix + (++counter).toString(36) (an id without randomness)", () => `req_${(++counter).toString(36)}`));
add(time("sha256 hex of a 48-char key (new Bun.CryptoHasher)", () => new Bun.CryptoHasher("sha256").update(apiKey).digest("hex"), { note: "×1 (hashApiKey)" }));
add(time("sha256 hex (Bun.CryptoHasher.hash static)", () => Bun.CryptoHasher.hash("sha256", apiKey, "hex")));
const digest = new Bun.CryptoHasher("sha256").update(apiKey).digest("hex");
add(
  time(
    "constant-time compare of two digests: 2 × Buffer.from(hex) + timingSafeEqual",
    () => {
      const a = Buffer.from(digest, "hex");
      const b = Buffer.from(digest, "hex");
      return a.length === b.length && timingSafeEqual(a, b);
    },
    { note: "×0: a key is found by its hash, with nothing to compare" },
  ),
);
const byToken = new Map([[apiKey, { keyId: "k" }]]);
const byHash = new Map([[digest, { keyId: "k" }]]);
add(time("Map.get by the 64-char hash", () => byHash.get(digest)));
add(time("Map.get by the 48-char token", () => byToken.get(apiKey)));
add(time("Bearer regex /^Bearer\\s+(\\S+)\\s*$/i", () => /^Bearer\s+(\S+)\s*$/i.exec(`Bearer ${apiKey}`)?.[1]));

// --- body (onParse) ----------------------------------------------------------------------------
const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const jsonBody = await optionalImport<Gateway>(`${SRC}/http/json-body.ts`);
if (jsonBody) add(() => time("exceedsDepth scan of the 107-byte body", () => jsonBody.exceedsDepth(chatBytes, 64)));
add(time("TextDecoder(fatal).decode + JSON.parse of the body", () => JSON.parse(strict.decode(chatBytes))));
add(time("JSON.parse of the body (string)", () => JSON.parse(chatText)));
add(time("content-type regex", () => /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test("application/json")));

// --- validation --------------------------------------------------------------------------------
const chatRequest = await optionalImport<Gateway>(`${SRC}/openai/chat-request.ts`);
if (chatRequest?.ChatCompletionRequest) {
  const compiled = TypeCompiler.Compile(chatRequest.ChatCompletionRequest);
  add(time("TypeBox compiled Check(ChatCompletionRequest) of the body", () => compiled.Check(chatBody), { note: "×1 (Elysia's body validator)" }));
  add(time("TypeBox Value.Check (uncompiled)", () => Value.Check(chatRequest.ChatCompletionRequest, chatBody)));
}

// --- translation and admission -----------------------------------------------------------------
const fromChat = await optionalImport<Gateway>(`${SRC}/calls/from-chat-request.ts`);
const build = await optionalImport<Gateway>(`${SRC}/providers/google/build-gemini-request.ts`);
if (fromChat) add(() => time("callOptionsFromChat (read the request once)", () => fromChat.callOptionsFromChat(chatBody, model)));
const options = fromChat?.callOptionsFromChat(chatBody, model);
if (build && options) add(() => time("buildGeminiRequest (the gateway's translation)", () => build.buildGeminiRequest(options)));
const estimate = await optionalImport<Gateway>(`${SRC}/billing/estimate.ts`);
if (estimate && options) add(() => time("callWorstCase", () => estimate.callWorstCase(options, chatBytes.length, { path: "", body: {}, maxOutputTokens: 64 })));

// --- routing: what failover costs a healthy request -------------------------------------------
const failover = await optionalImport<Gateway>(`${SRC}/routing/failover.ts`);
const health = await optionalImport<Gateway>(`${SRC}/routing/supplier-health.ts`);
if (failover && health) {
  const healthy = (name: string) => ({ config: { name, priority: 0, weight: 1 }, client: {}, health: new health.SupplierHealth() });
  const one = { candidates: () => [healthy("google")] };
  const three = { candidates: () => [healthy("a"), healthy("b"), healthy("c")] };
  const served = { value: 1, ttfbMs: 0.1 };
  const attempt = async () => served;
  const opts = () => ({ requestId: "req_x", signal: clientSignalForRouting, maxAttempts: 3, deadline: Date.now() + 300_000 });
  add(() => time("withFailover, one healthy supplier (route order, health, bookkeeping)", () => failover.withFailover(one, model, opts(), attempt), { note: "×1" }));
  add(() => time("withFailover, three healthy suppliers at one priority (weighted order)", () => failover.withFailover(three, model, opts(), attempt)));
}
const cost = await optionalImport<Gateway>(`${SRC}/billing/cost.ts`);
if (cost) add(() => time("costOf (BigInt arithmetic)", () => cost.costOf(usage, model.prices), { note: "×2: admission estimate and settlement" }));
const period = await optionalImport<Gateway>(`${SRC}/billing/limit-period.ts`);
if (period) add(() => time("periodStart(null, new Date())", () => period.periodStart(null, new Date()), { note: "×2: admission and LeaseReservation" }));
add(time("Date.now()", () => Date.now(), { note: "×4–5" }));
add(time("performance.now()", () => performance.now(), { note: "×4" }));
add(time("Promise.resolve(obj) + new object (the admission fast path)", () => Promise.resolve({ a: 1, b: 2 })));

// --- the upstream call's bookkeeping (upstream-client.ts) --------------------------------------
const clientSignal = new AbortController().signal;
const onAbort = () => {};
add(
  time(
    "new AbortController + add/removeEventListener on the client signal",
    () => {
      const c = new AbortController();
      clientSignal.addEventListener("abort", onAbort, { once: true });
      clientSignal.removeEventListener("abort", onAbort);
      return c;
    },
    { note: "×1 (class Call)" },
  ),
);
add(time("new AbortController()", () => new AbortController()));
add(time("AbortSignal.any([signal, AbortSignal.timeout(120000)])", () => AbortSignal.any([clientSignal, AbortSignal.timeout(120_000)]), { iterations: 5_000 }));
add(time("setTimeout + clearTimeout pair", () => clearTimeout(setTimeout(onAbort, 120_000)), { note: "×1 (deadline timer)" }));
const headers = { "x-goog-api-key": upstreamKey };
add(time("{ ...adapter.headers(key), 'content-type' } spread", () => ({ ...{ "x-goog-api-key": upstreamKey }, "content-type": "application/json" })));
add(time("JSON.stringify of the Gemini body", () => JSON.stringify(geminiBody), { note: "×1 (bare proxy does it too)" }));
add(time("redactCredential on the reply (text.includes(key))", () => replyText.includes(upstreamKey), { note: "×1" }));
add(time("JSON.parse of the Gemini reply text (742 bytes)", () => JSON.parse(replyText), { note: "×1 (bare: res.json())" }));
keep(headers);

// --- reply ---------------------------------------------------------------------------------------
const parse = await optionalImport<Gateway>(`${SRC}/providers/google/parse-gemini-response.ts`);
if (parse) add(() => time("parseGeminiResponse (events + collect)", () => parse.parseGeminiResponse(replyJson)));
const completion = await optionalImport<Gateway>(`${SRC}/openai/build-completion.ts`);
const money = await optionalImport<Gateway>(`${SRC}/billing/money.ts`);
if (money) {
  add(() => time("formatUsd(cost)", () => money.formatUsd(1_000_123n), { note: "×1: the cost header" }));
  add(() => time("nanoToUsdNumber(cost)", () => money.nanoToUsdNumber(1_000_123n), { note: "×1: usage.cost" }));
}
let completionValue: unknown;
if (parse && completion) {
  let result: unknown;
  try {
    result = parse.parseGeminiResponse(replyJson);
  } catch {}
  add(() => time("newCompletionMeta + toChatCompletion", () => (completionValue = completion.toChatCompletion(result, completion.newCompletionMeta(model.id, "req_0123456789abcdef0123456789abcdef"), 0.000816))));
  add(time("JSON.stringify of the chat.completion", () => JSON.stringify(completionValue), { note: "×1 (bare proxy does it too)" }));
}
const started = performance.now();
add(time("Server-Timing text (2 × toFixed)", () => `gateway;dur=${(performance.now() - started).toFixed(3)}, upstream;dur=${(0.25).toFixed(3)}`));
const replyBody = JSON.stringify(completionValue ?? replyJson);
add(time("new Response(text, { headers: 3 entries })", () => new Response(replyBody, { headers: { "content-type": "application/json", "x-opentoken-cost-usd": "0.000816", "server-timing": "gateway;dur=0.1, upstream;dur=0.2" } })));
add(time("Response.json(obj) (bare proxy)", () => Response.json(completionValue ?? replyJson)));
add(
  time(
    "… + response.headers.set(x-request-id) (Elysia's mergeHeaders)",
    () => {
      const r = new Response(replyBody, { headers: { "content-type": "application/json", "x-opentoken-cost-usd": "0.000816", "server-timing": "gateway;dur=0.1" } });
      r.headers.set("x-request-id", "req_0123456789abcdef0123456789abcdef");
      return r;
    },
  ),
);

// --- the request's end: metrics and the access log (observability/) ---------------------------
const observability = await optionalImport<Gateway>(`${SRC}/observability/gateway-metrics.ts`);
const accessLog = await optionalImport<Gateway>(`${SRC}/observability/access-log.ts`);
const finished = {
  requestId: "req_0123456789abcdef0123456789abcdef",
  at: Date.now(),
  method: "POST",
  route: "/v1/chat/completions",
  status: 200,
  errorCode: undefined,
  model: model.id,
  workspaceId: "ws_0123456789abcdef",
  keyId: "key_0123456789abcdef",
  keyPrefix: "sk-optk-a1B2",
  billed: { supplier: "google", usage, cost: 816_000n, estimated: false, status: "completed", ttfbMs: 0.25 },
  durationMs: 0.6,
  overheadMs: 0.2,
};
if (observability) {
  const metrics = new observability.GatewayMetrics({ suppliers: () => [], settlementBacklog: () => ({ depth: 0, oldestAgeMs: 0 }) });
  add(() => time("GatewayMetrics started + finished (a billed chat completion: 10 series)", () => (metrics.started(), metrics.finished(finished)), { note: "×1, always on" }));
  add(() => time("GatewayMetrics.upstreamAttempt (TTFB histogram)", () => metrics.upstreamAttempt("google", { ok: true, ttfbMs: 0.25 }), { note: "×1" }));
}
if (accessLog) {
  const log = new accessLog.AccessLog({ write: keep, stop: async () => {} });
  add(() => time("AccessLog.finished (the JSON line, to a buffer)", () => log.finished(finished), { note: "×1 with LOG_FORMAT=json" }));
}

// --- settlement (settlement-writer.ts, per row of a batch) -------------------------------------
const periodStartDate = new Date(0);
add(
  time(
    "settlement row object + its share of JSON.stringify",
    () =>
      JSON.stringify({
        request_id: "req_0123456789abcdef0123456789abcdef",
        workspace_id: "ws_0123456789abcdef",
        api_key_id: "key_0123456789abcdef",
        model_id: model.id,
        prompt_tokens: usage.promptTokens,
        completion_tokens: usage.completionTokens,
        cached_tokens: 0,
        cache_write_tokens: 0,
        reasoning_tokens: usage.reasoningTokens,
        cost_nano: (1_000_123n).toString(),
        estimated: false,
        hold_id: "hold_01234567890123456789",
        hold_used: (1_000_123n).toString(),
        period_start: periodStartDate.toISOString(),
      }),
    { note: "×1 per request, written every 20 ms" },
  ),
);

printResults(`Micro-benchmarks (Bun ${Bun.version}; median of 7 loops)`, results);
keep(undefined);
