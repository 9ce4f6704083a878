/**
 * A generated bad-input corpus (hardening issue): well over 300 hostile or
 * malformed requests across every route, field and header class, sent over
 * real sockets to a gateway wired to the fake providers. Every case asserts:
 *
 * - no 5xx;
 * - every app-level 4xx is the OpenAI envelope {"error":{"message","type","code"}}
 *   with an `x-request-id: req_…` header, and its message stays short
 *   (attacker input is not echoed back unbounded);
 * - the case's own expectation (status, type, code, the field named);
 * - no invalid case reaches a provider (the fakes' request counts grow only for
 *   the valid control cases, which must get a 200).
 *
 * Nesting cases also time a concurrent GET /health while the hostile request
 * is in flight; size cases check that bodies are refused without being read;
 * the corpus as a whole must keep RSS bounded. Framing errors that Bun's HTTP
 * parser answers before the app are sent over a raw socket and recorded (see
 * the comment above class 9 for what Bun answers).
 *
 * Classes are `describe` blocks with one generated test per case, so a
 * failure names its case, status and body. A summary per class is printed at
 * the end.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { MAX_JSON_DEPTH } from "../../src/http/json-body.ts";
import { geminiEmbeddingReply } from "../fakes/gemini-embeddings.ts";
import { rawRequest, type RawReply } from "../support/corpus/raw-http.ts";
import { startTestGateway, type TestGateway } from "../support/gateway.ts";
import { type ProviderGateway, startProviderGateway } from "../support/provider-gateway.ts";

// ───────────────────────────── setup ─────────────────────────────

/** The size-limited gateway of class 5. */
const SMALL_LIMIT = 65_536;
const GEMINI = "google/gemini-3-flash";
const CLAUDE = "anthropic/claude-sonnet-4-5";
const EMBED = "google/text-embedding-004";
/** A 1×1 PNG. */
const PNG_DATA_URI =
  "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";
/** An error message longer than this echoes client input back unbounded. */
const MAX_ERROR_MESSAGE = 1024;
/** Median /health latency allowed while a hostile request is in flight. */
const HEALTH_BUDGET_MS = 100;

let setup: ProviderGateway;
let small: TestGateway;
let key: string;
let rssAtStart = 0;

/** Upstream requests seen by both fakes (both gateways share them). */
const upstreamCount = () => setup.gemini.requests.length + setup.anthropic.requests.length;
/** Upstream requests made by cases allowed to reach a provider (the controls). */
let upstreamByControls = 0;
let upstreamAtStart = 0;

const rss = () => {
  Bun.gc(true);
  return process.memoryUsage().rss;
};
const MB = 1024 * 1024;

beforeAll(async () => {
  setup = await startProviderGateway();
  key = setup.key;
  small = await startTestGateway({
    GOOGLE_API_KEY: setup.gemini.apiKey,
    GOOGLE_BASE_URL: setup.gemini.url,
    ANTHROPIC_API_KEY: setup.anthropic.apiKey,
    ANTHROPIC_BASE_URL: setup.anthropic.url,
    MAX_BODY_BYTES: String(SMALL_LIMIT),
  });
  // Chat calls get the default fixtures; batchEmbedContents calls get vectors computed from their texts.
  const embeddings = geminiEmbeddingReply();
  setup.gemini.setDefault({ reply: (request) => (request.path.includes(":batchEmbedContents") ? embeddings.reply!(request) : {}) });
  // Warm both gateways (key cache, JIT) so RSS is measured from a steady state.
  for (const base of [setup.gateway.url, small.url]) {
    await (await fetch(`${base}/v1/models`, { headers: { authorization: `Bearer ${key}` } })).text();
  }
  upstreamAtStart = upstreamCount();
  rssAtStart = rss();
});

afterAll(async () => {
  printSummary();
  await small?.stop();
  await setup?.stop();
});

// ───────────────────────────── the case model ─────────────────────────────

type Pair = [string, string];

interface Expect {
  /** Allowed statuses; unset = any status below 500. */
  status?: number[];
  type?: string;
  code?: (string | null)[];
  /** The field the error must name: `param` equal to it (or to a sub-field), or the message containing it. */
  field?: string;
  /** Whether the case may reach a provider: "none" (default unless status is [200]), "some" (must), "any". */
  upstream?: "none" | "some" | "any";
  /** Raw-socket cases: Bun's parser may answer first (no x-request-id, not JSON); only "no 5xx" is then checked. */
  bunMayAnswer?: boolean;
}

type Body = string | Uint8Array | (() => ReadableStream<Uint8Array>);

interface Case {
  name: string;
  method?: string;
  path: string;
  /** Adds `Authorization: Bearer <the funded key>` unless "none" or `headers` carry an authorization. */
  auth?: "key" | "none";
  /** Sent in order; `{KEY}` in a value becomes the funded key, `{KEY_B64}` base64 of `user:<key>`. */
  headers?: Pair[];
  body?: Body;
  /** Content-Type of a body case; default application/json; null sends none (raw only). */
  contentType?: string | null;
  /** Over a raw socket instead of fetch (exact bytes, duplicate headers, no Content-Type...). */
  raw?: boolean;
  /** Which gateway: the default one (20 MB limit) or the one with MAX_BODY_BYTES=65536. */
  target?: "main" | "small";
  expect: Expect;
}

interface Outcome {
  status: number;
  headers: Record<string, string>;
  text: string;
  ms: number;
  upstreamDelta: number;
  error?: string;
}

const baseUrl = (c: Case) => (c.target === "small" ? small.url : setup.gateway.url);
const portOf = (url: string) => Number(new URL(url).port);

function headerPairs(c: Case): Pair[] {
  const pairs: Pair[] = (c.headers ?? []).map(([name, value]) => [
    name,
    value.replaceAll("{KEY_B64}", Buffer.from(`user:${key}`).toString("base64")).replaceAll("{KEY}", key),
  ]);
  const has = (name: string) => pairs.some(([n]) => n.toLowerCase() === name);
  if ((c.auth ?? "key") === "key" && !has("authorization")) pairs.push(["authorization", `Bearer ${key}`]);
  if (c.body !== undefined && c.contentType !== null && !has("content-type")) {
    pairs.push(["content-type", c.contentType ?? "application/json"]);
  }
  return pairs;
}

async function send(c: Case): Promise<Outcome> {
  const before = upstreamCount();
  const started = performance.now();
  const method = c.method ?? (c.body === undefined ? "GET" : "POST");
  const pairs = headerPairs(c);
  let outcome: Omit<Outcome, "upstreamDelta">;
  if (c.raw) {
    const body = typeof c.body === "function" ? undefined : c.body;
    const bytes = body === undefined ? undefined : typeof body === "string" ? Buffer.from(body, "utf8") : Buffer.from(body);
    const hasHost = pairs.some(([n]) => n.toLowerCase() === "host");
    const head =
      `${method} ${c.path} HTTP/1.1\r\n${hasHost ? "" : `Host: 127.0.0.1:${portOf(baseUrl(c))}\r\n`}` +
      pairs.map(([n, v]) => `${n}: ${v}\r\n`).join("") +
      (bytes ? `Content-Length: ${bytes.byteLength}\r\n` : "") +
      "Connection: close\r\n\r\n";
    const reply = await rawRequest(portOf(baseUrl(c)), bytes ? [head, bytes] : [head], { timeoutMs: 10_000 });
    outcome = {
      status: reply.status ?? 0,
      headers: reply.headers,
      text: reply.body,
      ms: reply.ms,
      ...(reply.status === null && { error: `no reply (${reply.ended}${reply.error ? `: ${reply.error}` : ""})` }),
    };
  } else {
    const headers = new Headers();
    for (const [name, value] of pairs) headers.append(name, value);
    try {
      const body = typeof c.body === "function" ? c.body() : c.body;
      const response = await fetch(`${baseUrl(c)}${c.path}`, {
        method,
        headers,
        body,
        redirect: "manual",
        signal: AbortSignal.timeout(15_000),
        duplex: "half",
      });
      const text = await response.text();
      const responseHeaders: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        responseHeaders[name] = value;
      });
      outcome = { status: response.status, headers: responseHeaders, text, ms: performance.now() - started };
    } catch (error) {
      outcome = { status: 0, headers: {}, text: "", ms: performance.now() - started, error: String(error) };
    }
  }
  return { ...outcome, upstreamDelta: upstreamCount() - before };
}

const isJson = (o: Outcome) => /application\/json/i.test(o.headers["content-type"] ?? "");
const appAnswered = (o: Outcome) => o.headers["x-request-id"] !== undefined || isJson(o);

/** Every assertion of one case; empty when it passes. */
function check(c: Case, o: Outcome): string[] {
  const problems: string[] = [];
  const want = c.expect;
  const byBun = c.raw && want.bunMayAnswer && !appAnswered(o);
  if (byBun) bunAnswered.push(`${c.name}: ${o.status ? `${o.status} ${snippet(o.text, 80)}` : o.error}`);
  if (o.error) return byBun ? [] : [`no response: ${o.error}`];
  if (o.status >= 500) problems.push(`5xx: got ${o.status}`);
  if (byBun) return problems;
  const head = (c.method ?? "") === "HEAD";

  let envelope: { message?: unknown; type?: unknown; code?: unknown; param?: unknown } | undefined;
  if (o.status >= 400 && o.status < 500) {
    if (!isJson(o)) problems.push(`4xx is not JSON (content-type ${o.headers["content-type"] ?? "none"})`);
    if (!/^req_/.test(o.headers["x-request-id"] ?? "")) problems.push(`x-request-id missing or not req_… (${o.headers["x-request-id"]})`);
    try {
      // A HEAD reply has no body to hold the envelope.
      if (!head) envelope = (JSON.parse(o.text) as { error?: typeof envelope })?.error;
    } catch {
      problems.push("4xx body is not JSON");
    }
    if (!head && (envelope !== undefined || isJson(o))) {
      if (typeof envelope !== "object" || envelope === null) problems.push("no error object in the body");
      else {
        if (typeof envelope.message !== "string") problems.push("error.message is not a string");
        if (typeof envelope.type !== "string") problems.push("error.type is not a string");
        if (!(typeof envelope.code === "string" || envelope.code === null)) problems.push("error.code is not a string or null");
        if (typeof envelope.message === "string" && envelope.message.length > MAX_ERROR_MESSAGE) {
          problems.push(`error.message is ${envelope.message.length} chars (> ${MAX_ERROR_MESSAGE}): client input echoed unbounded`);
        }
      }
    }
  }
  if (want.status && !want.status.includes(o.status)) problems.push(`status: expected ${want.status.join("|")}, got ${o.status}`);
  if (o.status >= 400 && envelope && typeof envelope === "object") {
    if (want.type && envelope.type !== want.type) problems.push(`error.type: expected ${want.type}, got ${envelope.type}`);
    if (want.code && !want.code.includes(envelope.code as string | null)) {
      problems.push(`error.code: expected ${want.code.join("|")}, got ${envelope.code}`);
    }
    if (want.field !== undefined) {
      const param = typeof envelope.param === "string" ? envelope.param : undefined;
      const named =
        param === want.field ||
        param?.startsWith(`${want.field}.`) ||
        (typeof envelope.message === "string" && envelope.message.includes(want.field));
      if (!named) problems.push(`field: expected param/message to name '${want.field}', got param=${param ?? "(none)"}`);
    }
  }
  if (o.status === 200 && want.status && !want.status.includes(200)) problems.push("invalid request answered 200");
  const upstream = want.upstream ?? (want.status?.length === 1 && want.status[0] === 200 ? "some" : "none");
  if (upstream === "none" && o.upstreamDelta > 0) problems.push(`reached a provider (${o.upstreamDelta} upstream request(s))`);
  if (upstream === "some" && o.upstreamDelta === 0) problems.push("control case did not reach a provider");
  return problems;
}

// ───────────────────────────── reporting ─────────────────────────────

interface ClassStats {
  cases: number;
  requests: number;
  failures: string[];
}
const stats = new Map<string, ClassStats>();
/** Raw-socket cases of classes 1-8 that Bun's parser answered (or closed) before the app. */
const bunAnswered: string[] = [];
const statsOf = (cls: string) => {
  let s = stats.get(cls);
  if (!s) stats.set(cls, (s = { cases: 0, requests: 0, failures: [] }));
  return s;
};
const snippet = (text: string, max = 300) => {
  const flat = text.replace(/\s+/g, " ");
  return flat.length > max ? `${flat.slice(0, max)}… (${text.length} chars)` : flat;
};
const describeCase = (c: Case) => {
  const body = typeof c.body === "function" ? "<stream>" : c.body === undefined ? "" : ` body=${snippet(typeof c.body === "string" ? c.body : Buffer.from(c.body).toString("latin1"), 160)}`;
  return `${c.method ?? (c.body === undefined ? "GET" : "POST")} ${c.path.length > 120 ? `${c.path.slice(0, 120)}…(${c.path.length})` : c.path}${body}`;
};

/** Records the result and throws a readable error when the case failed. */
function conclude(cls: string, c: Case, o: Outcome, problems: string[], requests = 1) {
  // CORPUS_VERBOSE=1 prints every case's answer.
  if (process.env.CORPUS_VERBOSE) console.log(`[${cls}] ${c.name} → ${o.status || o.error} ${snippet(o.text, 160)}`);
  const s = statsOf(cls);
  s.cases++;
  s.requests += requests;
  if (problems.length === 0) return;
  const line = `[${cls}] ${c.name}\n    request: ${describeCase(c)}\n    got: ${o.status} ${snippet(o.text)}\n    problems: ${problems.join("; ")}`;
  s.failures.push(line);
  throw new Error(line);
}

/** Runs a list of cases as one test each. */
function runCases(cls: string, cases: Case[]) {
  for (const c of cases) {
    test(c.name, async () => {
      const o = await send(c);
      if ((c.expect.upstream ?? "none") !== "none" || c.expect.status?.join() === "200") upstreamByControls += o.upstreamDelta;
      conclude(cls, c, o, check(c, o));
    });
  }
}

function printSummary() {
  const lines = ["", "══ bad-input corpus summary ══"];
  let cases = 0;
  let requests = 0;
  let failures = 0;
  for (const [cls, s] of stats) {
    lines.push(`${cls.padEnd(40)} ${String(s.cases).padStart(4)} cases ${String(s.requests).padStart(5)} requests ${String(s.failures.length).padStart(4)} failing`);
    cases += s.cases;
    requests += s.requests;
    failures += s.failures.length;
  }
  lines.push(`${"total".padEnd(40)} ${String(cases).padStart(4)} cases ${String(requests).padStart(5)} requests ${String(failures).padStart(4)} failing`);
  console.log(lines.join("\n"));
  for (const line of bunAnswered) console.log(`answered by Bun, not the app · ${line}`);
  for (const line of framingLog) console.log(line);
}

// ───────────────────────────── body builders ─────────────────────────────

/** A raw JSON token (1e309, 2^64...) that JSON.stringify cannot produce. */
class RawJson {
  constructor(readonly text: string) {}
}
const raw = (text: string) => new RawJson(text);

/** JSON.stringify, with RawJson values written verbatim. */
function stringify(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, v) => {
    if (v instanceof RawJson) {
      raws.push(v.text);
      return `__RAW_${raws.length - 1}__`;
    }
    return v;
  });
  return text.replace(/"__RAW_(\d+)__"/g, (_m, i) => raws[Number(i)]!);
}

const clone = <T>(value: T): T => structuredClone(value);

/** Sets `path` ("a.0.b") in a copy of `base`. */
function withPath(base: object, path: string, value: unknown): object {
  const copy = clone(base) as Record<string, any>;
  const keys = path.split(".");
  let target: any = copy;
  for (const k of keys.slice(0, -1)) target = target[/^\d+$/.test(k) ? Number(k) : k];
  const last = keys.at(-1)!;
  target[/^\d+$/.test(last) ? Number(last) : last] = value;
  return copy;
}

/** Deepest nesting of arrays+objects in a JSON text, ignoring brackets inside strings. */
function maxDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === "[" || ch === "{") max = Math.max(max, ++depth);
    else if (ch === "]" || ch === "}") depth--;
  }
  return max;
}

const hello = [{ role: "user", content: "hi" }];
const chatBody = (extra: object = {}, model = GEMINI) => ({ model, messages: hello, ...extra });
const embedBody = (extra: object = {}) => ({ model: EMBED, input: "hi", ...extra });
const CHAT = "/v1/chat/completions";
const EMBEDDINGS = "/v1/embeddings";
const long = (n: number) => "x".repeat(n);

const WEATHER_TOOL = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Weather in a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
    strict: false,
  },
};

// ═════════════════ 1. Authorization ═════════════════

const AUTH_VARIANTS: { name: string; headers: Pair[]; raw?: boolean }[] = [
  { name: "no Authorization", headers: [] },
  { name: "empty Authorization", headers: [["authorization", ""]] },
  { name: "'Bearer' alone", headers: [["authorization", "Bearer"]] },
  { name: "'Bearer' and spaces", headers: [["authorization", "Bearer    "]] },
  { name: "Basic xyz", headers: [["authorization", "Basic xyz"]] },
  { name: "Basic with the key as user:password", headers: [["authorization", "Basic {KEY_B64}"]] },
  { name: "wrong key", headers: [["authorization", "Bearer wrong-key"]] },
  { name: "well-formed unknown key", headers: [["authorization", `Bearer sk-optk-${"A1b2C3d4E5".repeat(4)}`]] },
  { name: "the key plus one character", headers: [["authorization", "Bearer {KEY}x"]] },
  { name: "the key without a scheme", headers: [["authorization", "{KEY}"]] },
  { name: "Token scheme", headers: [["authorization", "Token {KEY}"]] },
  { name: "lowercase bearer, wrong key", headers: [["authorization", "bearer wrong-key"]] },
  { name: "key with inner spaces", headers: [["authorization", "Bearer sk-optk- abc def"]] },
  { name: "the key then another word", headers: [["authorization", "Bearer {KEY} extra"]] },
  { name: "key with a tab inside", headers: [["authorization", "Bearer sk-optk-\tabc"]] },
  { name: "Latin-1 key bytes", headers: [["authorization", "Bearer sk-optk-\xe9\xe8\xff"]], raw: true },
  { name: "UTF-8 unicode key", headers: [["authorization", `Bearer ${Buffer.from("sk-optk-ключ🔑", "utf8").toString("latin1")}`]], raw: true },
  { name: "key with \\x01", headers: [["authorization", "Bearer sk-optk-\x01abc"]], raw: true },
  { name: "key with DEL (\\x7f)", headers: [["authorization", "Bearer sk-optk-\x7fabc"]], raw: true },
  { name: "key with ESC (\\x1b)", headers: [["authorization", "Bearer \x1b[31msk-optk-abc"]], raw: true },
  { name: "10 KB key", headers: [["authorization", `Bearer ${"a".repeat(10_240)}`]] },
  { name: "10 KB key starting with the real key", headers: [["authorization", `Bearer {KEY}${"a".repeat(10_240)}`]] },
  { name: "two Authorization headers (key, key)", headers: [["authorization", "Bearer {KEY}"], ["authorization", "Bearer {KEY}"]], raw: true },
  { name: "two Authorization headers (wrong, key)", headers: [["authorization", "Bearer wrong"], ["authorization", "Bearer {KEY}"]], raw: true },
  { name: "two Authorization headers (key, wrong)", headers: [["authorization", "Bearer {KEY}"], ["authorization", "Bearer wrong"]], raw: true },
  { name: "the key in x-api-key", headers: [["x-api-key", "{KEY}"]] },
];

const AUTH_ROUTES: { name: string; method: string; path: string; body?: string; statuses: number[] }[] = [
  { name: "GET /v1/models", method: "GET", path: "/v1/models", statuses: [401] },
  { name: "POST chat", method: "POST", path: CHAT, body: stringify(chatBody()), statuses: [401] },
  { name: "POST chat stream", method: "POST", path: CHAT, body: stringify(chatBody({ stream: true })), statuses: [401] },
  { name: "POST embeddings", method: "POST", path: EMBEDDINGS, body: stringify(embedBody()), statuses: [401] },
  // Auth runs before routing on /v1/*: an unknown /v1 route may answer 401 or 404.
  { name: "GET /v1/nope", method: "GET", path: "/v1/nope", statuses: [401, 404] },
];

const authCases: Case[] = AUTH_ROUTES.flatMap((route) =>
  AUTH_VARIANTS.map((variant) => ({
    name: `${route.name} · ${variant.name}`,
    method: route.method,
    path: route.path,
    body: route.body,
    auth: "none" as const,
    headers: variant.headers,
    raw: variant.raw,
    expect: {
      status: route.statuses,
      ...(route.statuses.length === 1 && { type: "authentication_error", code: ["missing_auth", "invalid_key"] }),
      bunMayAnswer: variant.raw,
    },
  })),
);
// Controls: the auth scheme is case-insensitive (RFC 9110 §11.1), so these must pass.
authCases.push(
  { name: "control · valid key", path: "/v1/models", expect: { status: [200], upstream: "none" } },
  { name: "control · lowercase 'bearer' + valid key", path: "/v1/models", auth: "none", headers: [["authorization", "bearer {KEY}"]], expect: { status: [200], upstream: "none" } },
  { name: "control · 'BEARER' + valid key", path: "/v1/models", auth: "none", headers: [["authorization", "BEARER {KEY}"]], expect: { status: [200], upstream: "none" } },
  { name: "control · valid key, chat", path: CHAT, body: stringify(chatBody()), expect: { status: [200] } },
);

describe("1. authorization", () => runCases("1. authorization", authCases));

// ═════════════════ 2. Content types ═════════════════

const BAD_CONTENT_TYPES = [
  "text/plain",
  "text/plain; charset=utf-8",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/xml",
  "text/xml",
  "text/html",
  "application/octet-stream",
  "application/javascript",
  "application/x-ndjson",
  "application/jsonx",
  "application/json-seq",
  "text/json",
  "json",
  "*/*",
  "application/",
  "image/png",
  "; charset=utf-8",
  "garbage",
  "\u00e9\u00e8/\u00e0",
];
const JSON_CONTENT_TYPES = [
  "application/json",
  "application/json; charset=utf-8",
  "application/json;charset=UTF-8",
  "APPLICATION/JSON",
  "application/vnd.api+json",
  "application/merge-patch+json",
];
const CT_ROUTES: { name: string; path: string; body: string }[] = [
  { name: "chat", path: CHAT, body: stringify(chatBody()) },
  { name: "chat stream", path: CHAT, body: stringify(chatBody({ stream: true })) },
  { name: "embeddings", path: EMBEDDINGS, body: stringify(embedBody()) },
];

const contentTypeCases: Case[] = [
  ...CT_ROUTES.flatMap((route) =>
    BAD_CONTENT_TYPES.map((contentType) => ({
      name: `${route.name} · Content-Type ${JSON.stringify(contentType)}`,
      path: route.path,
      body: route.body,
      contentType,
      raw: /[^\x20-\x7e]/.test(contentType),
      expect: { status: [415], type: "invalid_request_error", code: ["unsupported_media_type"] },
    })),
  ),
  ...CT_ROUTES.map((route) => ({
    name: `${route.name} · text/plain with a form body`,
    path: route.path,
    body: "model=google%2Fgemini-3-flash&messages=hi",
    contentType: "application/x-www-form-urlencoded",
    expect: { status: [415], type: "invalid_request_error", code: ["unsupported_media_type"] },
  })),
  ...CT_ROUTES.map((route) => ({
    name: `${route.name} · multipart with a real multipart body`,
    path: route.path,
    body: `--x\r\nContent-Disposition: form-data; name="model"\r\n\r\n${GEMINI}\r\n--x--\r\n`,
    contentType: "multipart/form-data; boundary=x",
    expect: { status: [415], type: "invalid_request_error", code: ["unsupported_media_type"] },
  })),
  ...CT_ROUTES.map((route) => ({
    name: `${route.name} · text/plain without a key (auth first)`,
    path: route.path,
    body: route.body,
    auth: "none" as const,
    contentType: "text/plain",
    expect: { status: [401, 415], code: ["missing_auth", "unsupported_media_type"] },
  })),
  ...CT_ROUTES.map((route) => ({
    name: `${route.name} · text/plain with malformed JSON`,
    path: route.path,
    body: "{not json",
    contentType: "text/plain",
    expect: { status: [415, 400], type: "invalid_request_error" },
  })),
  // Controls: JSON content types and a missing Content-Type (read as JSON) are accepted.
  ...CT_ROUTES.flatMap((route) =>
    JSON_CONTENT_TYPES.map((contentType) => ({
      name: `control · ${route.name} · Content-Type ${JSON.stringify(contentType)}`,
      path: route.path,
      body: route.body,
      contentType,
      expect: { status: [200] },
    })),
  ),
  ...CT_ROUTES.map((route) => ({
    name: `control · ${route.name} · no Content-Type (raw socket)`,
    path: route.path,
    body: route.body,
    contentType: null,
    raw: true,
    expect: { status: [200] },
  })),
];

describe("2. content types", () => runCases("2. content types", contentTypeCases));

// ═════════════════ 3. Malformed JSON ═════════════════

const utf8 = (s: string) => new TextEncoder().encode(s);
const bytes = (...parts: (string | number[])[]) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === "string" ? [...utf8(p)] : p)));
/** `valid` with the "hi" text replaced by raw bytes. */
const withRawText = (valid: string, raw: number[]) => {
  const [before, after] = valid.split('"hi"') as [string, string];
  return bytes(`${before}"h`, raw, `i"${after}`);
};

const MALFORMED: { name: string; body: (valid: string) => string | Uint8Array }[] = [
  { name: "empty body", body: () => "" },
  { name: "whitespace only", body: () => "  \n\t  " },
  { name: "a lone {", body: () => "{" },
  { name: "truncated in a key", body: () => '{"mod' },
  { name: "truncated after a colon", body: () => '{"model":' },
  { name: "truncated by one byte", body: (v) => v.slice(0, -1) },
  { name: "truncated by half", body: (v) => v.slice(0, Math.floor(v.length / 2)) },
  { name: "unterminated string", body: () => '{"model":"google/gemini-3-flash' },
  { name: "trailing garbage", body: (v) => `${v}garbage` },
  { name: "trailing }", body: (v) => `${v}}` },
  { name: "two objects", body: (v) => v + v },
  { name: "trailing comma", body: (v) => `${v.slice(0, -1)},}` },
  { name: "bare string", body: () => '"hello"' },
  { name: "bare number", body: () => "42" },
  { name: "bare negative number", body: () => "-1" },
  { name: "bare null", body: () => "null" },
  { name: "bare true", body: () => "true" },
  { name: "bare empty array", body: () => "[]" },
  { name: "the valid body inside an array", body: (v) => `[${v}]` },
  { name: "empty object", body: () => "{}" },
  { name: "NaN", body: (v) => `${v.slice(0, -1)},"x":NaN}` },
  { name: "Infinity", body: (v) => `${v.slice(0, -1)},"x":Infinity}` },
  { name: "-Infinity", body: (v) => `${v.slice(0, -1)},"x":-Infinity}` },
  { name: "undefined", body: () => "undefined" },
  { name: "block comment", body: (v) => `/* c */${v}` },
  { name: "line comment", body: (v) => `${v.slice(0, -1)}// c\n}` },
  { name: "single quotes", body: (v) => v.replaceAll('"', "'") },
  { name: "unquoted keys", body: (v) => v.replace(/"(\w+)":/g, "$1:") },
  { name: "hex number", body: (v) => `${v.slice(0, -1)},"x":0x10}` },
  { name: "leading zero", body: (v) => `${v.slice(0, -1)},"x":010}` },
  { name: "leading plus", body: (v) => `${v.slice(0, -1)},"x":+5}` },
  { name: "leading dot", body: (v) => `${v.slice(0, -1)},"x":.5}` },
  { name: "raw newline inside a string", body: (v) => v.replace('"hi"', '"h\ni"') },
  { name: "raw NUL after the object", body: (v) => `${v}\0` },
  { name: "bad escape \\x41", body: (v) => v.replace('"hi"', '"\\x41"') },
  { name: "short unicode escape \\u12", body: (v) => v.replace('"hi"', '"\\u12"') },
  { name: "BOM then valid JSON", body: (v) => bytes([0xef, 0xbb, 0xbf], v) },
  { name: "BOM then garbage", body: () => bytes([0xef, 0xbb, 0xbf], "{nope") },
  { name: "BOM only", body: () => bytes([0xef, 0xbb, 0xbf]) },
  { name: "UTF-16LE with BOM", body: (v) => new Uint8Array([0xff, 0xfe, ...Buffer.from(v, "utf16le")]) },
  { name: "UTF-16LE without BOM", body: (v) => new Uint8Array(Buffer.from(v, "utf16le")) },
  { name: "invalid UTF-8 (\\xff\\xfe) in a string", body: (v) => withRawText(v, [0xff, 0xfe]) },
  { name: "overlong UTF-8 (\\xc0\\xaf) in a string", body: (v) => withRawText(v, [0xc0, 0xaf]) },
  { name: "lone continuation byte in a string", body: (v) => withRawText(v, [0x80]) },
  { name: "UTF-8-encoded surrogate (CESU) in a string", body: (v) => withRawText(v, [0xed, 0xa0, 0x80]) },
  { name: "truncated multi-byte sequence in a string", body: (v) => withRawText(v, [0xe2, 0x82]) },
  { name: "Latin-1 é in a string", body: (v) => withRawText(v, [0xe9]) },
  { name: "invalid UTF-8 byte before the object", body: (v) => bytes([0xff], v) },
];
const MALFORMED_ROUTES = [
  { name: "chat", path: CHAT, valid: stringify(chatBody()) },
  { name: "embeddings", path: EMBEDDINGS, valid: stringify(embedBody()) },
];
const malformedCases: Case[] = MALFORMED_ROUTES.flatMap((route) =>
  MALFORMED.map((m) => ({
    name: `${route.name} · ${m.name}`,
    path: route.path,
    body: m.body(route.valid),
    expect: { status: [400], type: "invalid_request_error", code: ["invalid_json", "invalid_request"] },
  })),
);
malformedCases.push(
  ...MALFORMED_ROUTES.map((route) => ({ name: `control · ${route.name} · the valid body`, path: route.path, body: route.valid, expect: { status: [200] } })),
  ...MALFORMED_ROUTES.map((route) => ({
    name: `control · ${route.name} · escaped unicode and a valid 4-byte character`,
    path: route.path,
    body: route.valid.replace('"hi"', '"h\\u00e9\\ud83d\\ude00 🔑 i"'),
    expect: { status: [200] },
  })),
  { name: "chat · POST without any body", path: CHAT, method: "POST", expect: { status: [400], type: "invalid_request_error", code: ["invalid_json", "invalid_request"] } },
  { name: "embeddings · POST without any body", path: EMBEDDINGS, method: "POST", expect: { status: [400], type: "invalid_request_error", code: ["invalid_json", "invalid_request"] } },
);

describe("3. malformed JSON", () => runCases("3. malformed JSON", malformedCases));

// ═════════════════ 4. Nesting ═════════════════

type Shape = "array" | "object" | "mixed";
/** A JSON value nested `depth` levels of arrays/objects around `1`. */
function nested(depth: number, shape: Shape): string {
  const open: string[] = [];
  const close: string[] = [];
  for (let i = 0; i < depth; i++) {
    const array = shape === "array" || (shape === "mixed" && i % 2 === 0);
    open.push(array ? "[" : '{"a":');
    close.push(array ? "]" : "}");
  }
  return `${open.join("")}1${close.reverse().join("")}`;
}

const NEST = "__NEST__";
/** Where a nested value goes: a JSON template with `"__NEST__"` replaced, on a route. */
const NEST_LOCATIONS: { name: string; path: string; template: string }[] = [
  { name: "chat · the root", path: CHAT, template: `"${NEST}"` },
  { name: "chat · metadata", path: CHAT, template: stringify(chatBody({ metadata: NEST })) },
  {
    name: "chat · tools[0].function.parameters",
    path: CHAT,
    template: stringify(chatBody({ tools: [{ type: "function", function: { name: "f", parameters: { type: "object", properties: { a: NEST } } } }] })),
  },
  { name: "chat · messages[0].content", path: CHAT, template: stringify({ model: GEMINI, messages: [{ role: "user", content: NEST }] }) },
  {
    name: "chat · response_format.json_schema.schema",
    path: CHAT,
    template: stringify(chatBody({ response_format: { type: "json_schema", json_schema: { name: "x", schema: { type: "object", x: NEST } } } })),
  },
  { name: "embeddings · the root", path: EMBEDDINGS, template: `"${NEST}"` },
  { name: "embeddings · input", path: EMBEDDINGS, template: stringify({ model: EMBED, input: NEST }) },
  { name: "embeddings · metadata", path: EMBEDDINGS, template: stringify(embedBody({ metadata: NEST })) },
];
const fill = (template: string, value: string) => template.replace(`"${NEST}"`, value);
/** How many arrays/objects are open where the nested value goes. */
const depthOfSlot = (template: string) => {
  const before = template.slice(0, template.indexOf(`"${NEST}"`));
  let open = 0;
  let inString = false;
  for (let i = 0; i < before.length; i++) {
    const ch = before[i];
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === "[" || ch === "{") open++;
    else if (ch === "]" || ch === "}") open--;
  }
  return open;
};

interface NestCase extends Case {
  depth: number;
}
const nestingCases: NestCase[] = [];
for (const depth of [65, 1_000, 20_000, 100_000]) {
  for (const shape of ["array", "object", "mixed"] as const) {
    for (const location of NEST_LOCATIONS) {
      const body = fill(location.template, nested(depth, shape));
      nestingCases.push({
        name: `${location.name} · ${shape} ${depth.toLocaleString("en")} deep`,
        path: location.path,
        body,
        depth: maxDepth(body),
        expect: { status: [400], type: "invalid_request_error", code: ["invalid_json", "invalid_request"] },
      });
    }
  }
}
// Boundary controls: a valid request whose total depth is exactly the limit passes; one more level is refused.
for (const location of NEST_LOCATIONS.filter((l) => !l.name.endsWith("root") && !l.name.includes("content") && !l.name.includes("input"))) {
  const outer = depthOfSlot(location.template);
  for (const total of [MAX_JSON_DEPTH, MAX_JSON_DEPTH + 1]) {
    const body = fill(location.template, nested(total - outer, "mixed"));
    const ok = total <= MAX_JSON_DEPTH;
    nestingCases.push({
      name: `${ok ? "control · " : ""}${location.name} · total depth ${total} (limit ${MAX_JSON_DEPTH})`,
      path: location.path,
      body,
      depth: maxDepth(body),
      expect: ok ? { status: [200] } : { status: [400], type: "invalid_request_error", code: ["invalid_json"] },
    });
  }
}
// Brackets inside strings are not nesting.
nestingCases.push({
  name: "control · chat · 100,000 brackets inside a string",
  path: CHAT,
  body: stringify({ model: GEMINI, messages: [{ role: "user", content: `${"[{".repeat(50_000)}\\"` }] }),
  depth: 2,
  expect: { status: [200] },
});

async function timeHealth(): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${setup.gateway.url}/health`, { signal: AbortSignal.timeout(10_000) });
  await response.text();
  if (response.status !== 200) throw new Error(`/health answered ${response.status}`);
  return performance.now() - started;
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

describe("4. nesting", () => {
  for (const c of nestingCases) {
    test(c.name, async () => {
      // Fire the hostile request, then time /health while it is outstanding.
      const hostile = send(c);
      const probes: number[] = [];
      for (let i = 0; i < 3; i++) probes.push(await timeHealth());
      const o = await hostile;
      if (c.expect.status?.join() === "200") upstreamByControls += o.upstreamDelta;
      const problems = check(c, o);
      const health = median(probes);
      if (health >= HEALTH_BUDGET_MS) problems.push(`concurrent /health took ${health.toFixed(1)} ms (median of ${probes.map((p) => p.toFixed(1)).join(", ")}) ≥ ${HEALTH_BUDGET_MS} ms`);
      if (o.ms > 2000) problems.push(`the hostile request itself took ${o.ms.toFixed(0)} ms`);
      const timing = `depth ${c.depth}; answered in ${o.ms.toFixed(1)} ms; /health median ${health.toFixed(1)} ms`;
      conclude("4. nesting", { ...c, name: `${c.name} (${timing})` }, o, problems, 4);
    });
  }
});

// ═════════════════ 5. Size ═════════════════

/** A valid chat body of exactly `size` bytes. */
function chatOfSize(size: number, model = GEMINI): string {
  const empty = stringify({ model, messages: [{ role: "user", content: "" }] });
  return stringify({ model, messages: [{ role: "user", content: "a".repeat(size - empty.length) }] });
}
function embedOfSize(size: number): string {
  const empty = stringify({ model: EMBED, input: "" });
  return stringify({ model: EMBED, input: "a".repeat(size - empty.length) });
}
/** A chunked body: the bytes in 16 KB pieces, pulled lazily. */
const chunked = (data: string) => () => {
  const all = utf8(data);
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= all.byteLength) return controller.close();
      controller.enqueue(all.slice(offset, offset + 16_384));
      offset += 16_384;
    },
  });
};

const SIZE_ROUTES = [
  { name: "chat", path: CHAT, json: chatOfSize },
  { name: "embeddings", path: EMBEDDINGS, json: embedOfSize },
];
const SIZE_BODIES = [
  { name: "JSON body, application/json", contentType: "application/json", make: (route: (typeof SIZE_ROUTES)[number], size: number) => route.json(size) },
  { name: "garbage body, application/json", contentType: "application/json", make: (_r: unknown, size: number) => "z".repeat(size) },
  { name: "text body, text/plain", contentType: "text/plain", make: (_r: unknown, size: number) => "z".repeat(size) },
];
const sizeCases: Case[] = [];
for (const route of SIZE_ROUTES) {
  for (const size of [SMALL_LIMIT + 1, 2 * SMALL_LIMIT, 1024 * 1024]) {
    for (const kind of SIZE_BODIES) {
      for (const framing of ["Content-Length", "chunked"] as const) {
        for (const auth of ["key", "none"] as const) {
          const data = kind.make(route, size);
          const statuses = [413, ...(auth === "none" ? [401] : []), ...(kind.contentType === "text/plain" ? [415] : [])];
          sizeCases.push({
            name: `${route.name} · ${size} bytes · ${kind.name} · ${framing} · ${auth === "key" ? "with key" : "no key"}`,
            path: route.path,
            target: "small",
            auth,
            body: framing === "chunked" ? chunked(data) : data,
            contentType: kind.contentType,
            expect: { status: statuses, code: ["request_too_large", "missing_auth", "unsupported_media_type"] },
          });
        }
      }
    }
  }
  for (const framing of ["Content-Length", "chunked"] as const) {
    const data = route.json(SMALL_LIMIT);
    sizeCases.push({
      name: `control · ${route.name} · exactly ${SMALL_LIMIT} bytes · ${framing}`,
      path: route.path,
      target: "small",
      body: framing === "chunked" ? chunked(data) : data,
      expect: { status: [200] },
    });
  }
}

/** A lazily generated body of `total` bytes that counts what was pulled from it. */
function countingStream(total: number) {
  const counter = { pulled: 0, cancelled: false };
  let chunk = new Uint8Array(64 * 1024).fill(0x7a);
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (counter.pulled >= total) return controller.close();
        if (chunk.byteLength === 0) chunk = new Uint8Array(64 * 1024).fill(0x7a); // transferred away
        const n = Math.min(chunk.byteLength, total - counter.pulled);
        controller.enqueue(n === chunk.byteLength ? chunk : chunk.subarray(0, n));
        counter.pulled += n;
      },
      cancel() {
        counter.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, counter };
}

const HUGE = 100 * MB;
const HUGE_CASES: { name: string; auth: "key" | "none"; contentType: string; statuses: number[] }[] = [
  { name: "no key, text/plain", auth: "none", contentType: "text/plain", statuses: [401] },
  { name: "no key, application/json", auth: "none", contentType: "application/json", statuses: [401] },
  { name: "with key, text/plain", auth: "key", contentType: "text/plain", statuses: [415] },
  { name: "with key, application/json", auth: "key", contentType: "application/json", statuses: [413] },
];

describe("5. size", () => {
  runCases("5. size", sizeCases);

  for (const huge of HUGE_CASES) {
    test(
      `100 MB chunked body · ${huge.name} → ${huge.statuses.join("|")}, read only in part, RSS bounded`,
      async () => {
        const { stream, counter } = countingStream(HUGE);
        const c: Case = {
          name: `100 MB chunked · ${huge.name}`,
          path: CHAT,
          target: "small",
          auth: huge.auth,
          body: () => stream,
          contentType: huge.contentType,
          expect: { status: huge.statuses },
        };
        const rssBefore = rss();
        const controller = new AbortController();
        const before = upstreamCount();
        const started = performance.now();
        let o: Outcome;
        try {
          const headers = new Headers(headerPairs(c));
          const response = await fetch(`${small.url}${CHAT}`, {
            method: "POST",
            headers,
            body: stream,
            signal: AbortSignal.any([controller.signal, AbortSignal.timeout(20_000)]),
            duplex: "half",
          });
          const text = await response.text();
          const responseHeaders: Record<string, string> = {};
          response.headers.forEach((v, k) => {
            responseHeaders[k] = v;
          });
          o = { status: response.status, headers: responseHeaders, text, ms: performance.now() - started, upstreamDelta: 0 };
        } catch (error) {
          o = { status: 0, headers: {}, text: "", ms: performance.now() - started, upstreamDelta: 0, error: String(error) };
        }
        const pulledAtReply = counter.pulled;
        // Does the gateway keep reading after it answered? Give it time, then stop the upload.
        await Bun.sleep(300);
        const pulledAfter = counter.pulled;
        controller.abort();
        o.upstreamDelta = upstreamCount() - before;
        const growth = rss() - rssBefore;
        const problems = check(c, o);
        if (pulledAfter >= 8 * MB) {
          problems.push(`the body was read: ${(pulledAtReply / MB).toFixed(1)} MB pulled at the reply, ${(pulledAfter / MB).toFixed(1)} MB 300 ms later (limit 8 MB)`);
        }
        if (growth > 50 * MB) problems.push(`RSS grew by ${(growth / MB).toFixed(1)} MB (limit 50 MB)`);
        console.log(`[5. size] ${c.name}: ${o.status || o.error} in ${o.ms.toFixed(0)} ms; pulled ${(pulledAtReply / MB).toFixed(2)} MB at the reply, ${(pulledAfter / MB).toFixed(2)} MB after 300 ms; RSS ${growth >= 0 ? "+" : ""}${(growth / MB).toFixed(1)} MB`);
        conclude("5. size", c, o, problems);
      },
      60_000,
    );
  }

  // Declared Content-Length of 100 MB, only the head and 1 KB sent: the answer must come without the rest.
  for (const auth of ["key", "none"] as const) {
    for (const contentType of ["application/json", "text/plain"]) {
      const c: Case = {
        name: `declared 100 MB, 1 KB sent · ${auth === "key" ? "with key" : "no key"} · ${contentType}`,
        path: CHAT,
        target: "small",
        raw: true,
        expect: { status: [413, 401, 415] },
      };
      test(c.name, async () => {
        const port = portOf(small.url);
        const head =
          `POST ${CHAT} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: ${contentType}\r\nContent-Length: ${HUGE}\r\n` +
          (auth === "key" ? `Authorization: Bearer ${key}\r\n` : "") +
          "\r\n";
        const before = upstreamCount();
        const reply = await rawRequest(port, [head, "z".repeat(1024)], { timeoutMs: 5000 });
        const o: Outcome = {
          status: reply.status ?? 0,
          headers: reply.headers,
          text: reply.body,
          ms: reply.ms,
          upstreamDelta: upstreamCount() - before,
          ...(reply.status === null && { error: `no reply within 5 s (${reply.ended})` }),
        };
        conclude("5. size", c, o, check(c, o));
      });
    }
  }
});

// ═════════════════ 6. Wrong types, every field ═════════════════

type JsonType = "string" | "number" | "integer" | "boolean" | "null" | "array" | "object";
const SAMPLES: [JsonType, unknown][] = [
  ["string", "x"],
  ["number", 1.5],
  ["integer", 5],
  ["boolean", true],
  ["null", null],
  ["array", []],
  ["object", {}],
];
/** One sample of each JSON type the field does not take. */
const wrongTypes = (allowed: JsonType[]) =>
  SAMPLES.filter(([type]) => !allowed.includes(type) && !(type === "integer" && allowed.includes("number"))).map(([, v]) => v);

interface Bad {
  value: unknown;
  /** The field the error must name, when not the field itself (e.g. a missing sub-field). */
  field?: string;
  /** Documented leniency (e.g. max_tokens clamped): 200 or 400, never 5xx. */
  lenient?: boolean;
}
interface FieldSpec {
  path: string;
  base: keyof typeof BASES;
  allowed: JsonType[];
  extra?: (unknown | Bad)[];
}

const TOOL_HISTORY = [
  { role: "user", content: "weather in Paris?" },
  { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }] },
  { role: "tool", tool_call_id: "call_1", content: "sunny" },
];
const BASES = {
  chat: chatBody(),
  parts: { model: GEMINI, messages: [{ role: "user", content: [{ type: "text", text: "hi", cache_control: { type: "ephemeral", ttl: "5m" } }] }] },
  image: { model: GEMINI, messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: PNG_DATA_URI, detail: "low" } }] }] },
  toolHistory: { model: GEMINI, messages: TOOL_HISTORY, tools: [WEATHER_TOOL] },
  reasoningHistory: {
    model: GEMINI,
    messages: [
      { role: "user", content: "hi" },
      { role: "assistant", content: "hello", reasoning: "thought", reasoning_content: "thought", reasoning_details: [{ type: "reasoning.text", text: "thought", signature: null, index: 0 }] },
      { role: "user", content: "again" },
    ],
  },
  named: { model: GEMINI, messages: [{ role: "user", content: "hi", name: "alice" }] },
  tools: chatBody({ tools: [WEATHER_TOOL], tool_choice: "auto", parallel_tool_calls: true }),
  schema: chatBody({ response_format: { type: "json_schema", json_schema: { name: "answer", schema: { type: "object" }, strict: true } } }),
  streamOptions: chatBody({ stream: true, stream_options: { include_usage: true } }),
  reasoning: chatBody({ reasoning: { effort: "low", exclude: false, enabled: true } }),
  reasoningTokens: chatBody({ reasoning: { max_tokens: 1024 } }),
  sampling: chatBody({ max_tokens: 16, temperature: 0.5, top_p: 0.9, stop: ["END"], n: 1, seed: 7, presence_penalty: 0.1, frequency_penalty: 0.1, user: "u1", stream: false, logprobs: false, top_logprobs: 0, logit_bias: {} }),
  maxCompletion: chatBody({ max_completion_tokens: 16, reasoning_effort: "low" }),
  embed: embedBody({ encoding_format: "float", dimensions: 8, user: "u1" }),
};

const HUGE_INT = raw("18446744073709551616"); // 2^64
const E30 = raw("1e30");
const E309 = raw("1e309"); // Infinity once parsed
const NEG_E309 = raw("-1e309");
const LONG = long(100_000);

const CHAT_FIELDS: FieldSpec[] = [
  { path: "model", base: "chat", allowed: ["string"], extra: ["", { value: LONG }] },
  { path: "messages", base: "chat", allowed: ["array"], extra: [[], { value: [5], field: "messages.0" }, { value: ["hi"], field: "messages.0" }, { value: [null], field: "messages.0" }, { value: [[]], field: "messages.0" }] },
  { path: "messages.0", base: "chat", allowed: ["object"], extra: [{ value: {}, field: "messages.0.role" }] },
  { path: "messages.0.role", base: "chat", allowed: ["string"], extra: ["robot", "USER", "", "user ", LONG] },
  { path: "messages.0.content", base: "chat", allowed: ["string", "array", "null"], extra: [{ value: [5], field: "messages.0.content.0" }, { value: ["hi"], field: "messages.0.content.0" }] },
  { path: "messages.0.content.0", base: "parts", allowed: ["object"], extra: [{ value: {}, field: "messages.0.content.0.type" }] },
  { path: "messages.0.content.0.type", base: "parts", allowed: ["string"] },
  { path: "messages.0.content.0.text", base: "parts", allowed: ["string"] },
  { path: "messages.0.content.0.cache_control", base: "parts", allowed: ["object"], extra: [{ value: {}, field: "messages.0.content.0.cache_control.type" }] },
  { path: "messages.0.content.0.cache_control.type", base: "parts", allowed: ["string"], extra: ["persistent", "", LONG] },
  { path: "messages.0.content.0.cache_control.ttl", base: "parts", allowed: ["string"] },
  { path: "messages.0.content.0.image_url", base: "image", allowed: ["object"], extra: [{ value: {}, field: "messages.0.content.0.image_url.url" }] },
  { path: "messages.0.content.0.image_url.url", base: "image", allowed: ["string"] },
  { path: "messages.0.content.0.image_url.detail", base: "image", allowed: ["string"] },
  { path: "messages.0.name", base: "named", allowed: ["string"] },
  { path: "messages.1.tool_calls", base: "toolHistory", allowed: ["array"], extra: [{ value: [5], field: "messages.1.tool_calls.0" }, { value: ["x"], field: "messages.1.tool_calls.0" }, { value: [{}], field: "messages.1.tool_calls.0" }] },
  { path: "messages.1.tool_calls.0", base: "toolHistory", allowed: ["object"] },
  { path: "messages.1.tool_calls.0.id", base: "toolHistory", allowed: ["string"] },
  { path: "messages.1.tool_calls.0.type", base: "toolHistory", allowed: ["string"], extra: ["custom", ""] },
  { path: "messages.1.tool_calls.0.function", base: "toolHistory", allowed: ["object"], extra: [{ value: {}, field: "messages.1.tool_calls.0.function" }] },
  { path: "messages.1.tool_calls.0.function.name", base: "toolHistory", allowed: ["string"] },
  { path: "messages.1.tool_calls.0.function.arguments", base: "toolHistory", allowed: ["string"], extra: [{ city: "Paris" }] },
  { path: "messages.2.tool_call_id", base: "toolHistory", allowed: ["string"] },
  { path: "messages.1.reasoning_details", base: "reasoningHistory", allowed: ["array"], extra: [{ value: [5], field: "messages.1.reasoning_details.0" }, { value: ["x"], field: "messages.1.reasoning_details.0" }, { value: [null], field: "messages.1.reasoning_details.0" }] },
  { path: "messages.1.reasoning_details.0.type", base: "reasoningHistory", allowed: ["string"] },
  { path: "messages.1.reasoning_details.0.text", base: "reasoningHistory", allowed: ["string"] },
  { path: "messages.1.reasoning_details.0.signature", base: "reasoningHistory", allowed: ["string", "null"] },
  { path: "messages.1.reasoning_details.0.index", base: "reasoningHistory", allowed: ["number"] },
  { path: "messages.1.reasoning", base: "reasoningHistory", allowed: ["string", "null"] },
  { path: "messages.1.reasoning_content", base: "reasoningHistory", allowed: ["string", "null"] },
  { path: "max_tokens", base: "sampling", allowed: ["integer", "null"], extra: [0, -1, E309, raw("1e-400"), { value: HUGE_INT, lenient: true }, { value: E30, lenient: true }] },
  { path: "max_completion_tokens", base: "maxCompletion", allowed: ["integer", "null"], extra: [0, -1, E309, { value: HUGE_INT, lenient: true }] },
  { path: "temperature", base: "sampling", allowed: ["number", "null"], extra: [7, -0.1, 2.0001, E309, NEG_E309] },
  { path: "top_p", base: "sampling", allowed: ["number", "null"], extra: [1.5, -0.1, E309] },
  { path: "stop", base: "sampling", allowed: ["string", "array", "null"], extra: [{ value: [5], field: "stop" }, { value: [null], field: "stop" }, { value: [{}], field: "stop" }, ["a", "b", "c", "d", "e"]] },
  { path: "n", base: "sampling", allowed: ["integer", "null"], extra: [0, 9, -1, E309, E30] },
  { path: "seed", base: "sampling", allowed: ["integer", "null"], extra: [E309, HUGE_INT] },
  { path: "presence_penalty", base: "sampling", allowed: ["number", "null"], extra: [3, -3, E309] },
  { path: "frequency_penalty", base: "sampling", allowed: ["number", "null"], extra: [3, -3, NEG_E309] },
  { path: "user", base: "sampling", allowed: ["string"], extra: [] },
  { path: "stream", base: "sampling", allowed: ["boolean", "null"], extra: ["true", "yes", 0] },
  { path: "stream_options", base: "streamOptions", allowed: ["object", "null"] },
  { path: "stream_options.include_usage", base: "streamOptions", allowed: ["boolean"], extra: ["true"] },
  { path: "response_format", base: "schema", allowed: ["object"], extra: [{ value: {}, field: "response_format.type" }, { value: { type: "nope" }, field: "response_format.type" }, { value: { type: LONG }, field: "response_format.type" }] },
  { path: "response_format.type", base: "schema", allowed: ["string"], extra: ["nope", "JSON_OBJECT", LONG] },
  { path: "response_format.json_schema", base: "schema", allowed: ["object"], extra: [{ value: {}, field: "response_format.json_schema.name" }] },
  { path: "response_format.json_schema.name", base: "schema", allowed: ["string"] },
  { path: "response_format.json_schema.schema", base: "schema", allowed: ["object"] },
  { path: "response_format.json_schema.strict", base: "schema", allowed: ["boolean", "null"] },
  { path: "tools", base: "tools", allowed: ["array"], extra: [{ value: [5], field: "tools.0" }, { value: ["x"], field: "tools.0" }, { value: [{}], field: "tools.0" }, { value: [null], field: "tools.0" }] },
  { path: "tools.0", base: "tools", allowed: ["object"] },
  { path: "tools.0.type", base: "tools", allowed: ["string"], extra: ["custom", ""] },
  { path: "tools.0.function", base: "tools", allowed: ["object"], extra: [{ value: {}, field: "tools.0.function.name" }] },
  { path: "tools.0.function.name", base: "tools", allowed: ["string"], extra: ["", long(129)] },
  { path: "tools.0.function.description", base: "tools", allowed: ["string"] },
  { path: "tools.0.function.parameters", base: "tools", allowed: ["object"] },
  { path: "tools.0.function.strict", base: "tools", allowed: ["boolean", "null"] },
  {
    path: "tool_choice",
    base: "tools",
    allowed: ["string", "object"],
    extra: ["x", "AUTO", LONG, {}, { type: "function" }, { type: "function", function: {} }, { type: "function", function: { name: 5 } }, { type: "x", function: { name: "get_weather" } }],
  },
  { path: "parallel_tool_calls", base: "tools", allowed: ["boolean"], extra: ["true"] },
  { path: "reasoning_effort", base: "maxCompletion", allowed: ["string"], extra: ["x", "HIGH", "", LONG] },
  { path: "reasoning", base: "reasoning", allowed: ["object"] },
  { path: "reasoning.effort", base: "reasoning", allowed: ["string"], extra: ["x", LONG] },
  { path: "reasoning.max_tokens", base: "reasoningTokens", allowed: ["integer"], extra: [-1, E309, { value: E30, lenient: true }] },
  { path: "reasoning.exclude", base: "reasoning", allowed: ["boolean"], extra: ["false"] },
  { path: "reasoning.enabled", base: "reasoning", allowed: ["boolean"], extra: ["true"] },
  { path: "logprobs", base: "sampling", allowed: ["boolean", "null"], extra: ["false"] },
  { path: "top_logprobs", base: "sampling", allowed: ["integer", "null"], extra: [-1, 21, E30] },
  { path: "logit_bias", base: "sampling", allowed: ["object", "null"], extra: [{ value: { "50256": "x" }, field: "logit_bias" }, { value: { "1": true }, field: "logit_bias" }, { value: { "1": null }, field: "logit_bias" }] },
];
const EMBED_FIELDS: FieldSpec[] = [
  { path: "model", base: "embed", allowed: ["string"], extra: ["", LONG] },
  {
    path: "input",
    base: "embed",
    allowed: ["string", "array"],
    extra: [[true], [null], [{}], [1.5], [[1.5]], [["x"]], [[null]], ["ok", 5.5]],
  },
  { path: "encoding_format", base: "embed", allowed: ["string", "null"], extra: ["x", "FLOAT", "", LONG] },
  { path: "dimensions", base: "embed", allowed: ["integer", "null"], extra: [0, -1, E309, E30, HUGE_INT] },
  { path: "user", base: "embed", allowed: ["string", "null"] },
];

const isBad = (v: unknown): v is Bad => typeof v === "object" && v !== null && !Array.isArray(v) && "value" in v && Object.keys(v).every((k) => ["value", "field", "lenient"].includes(k));
const label = (v: unknown) => {
  const text = v instanceof RawJson ? v.text : JSON.stringify(v);
  return text.length > 40 ? `${text.slice(0, 40)}…(${text.length} chars)` : text;
};

function fieldCases(route: string, fields: FieldSpec[]): Case[] {
  return fields.flatMap((spec) => {
    const bads: Bad[] = [...wrongTypes(spec.allowed).map((value) => ({ value })), ...(spec.extra ?? []).map((v) => (isBad(v) ? v : { value: v }))];
    return bads.map((bad) => {
      const base = BASES[spec.base];
      const body = stringify(withPath(base, spec.path, bad.value));
      return {
        name: `${route === CHAT ? "chat" : "embeddings"} · ${spec.path} = ${label(bad.value)}`,
        path: route,
        body,
        expect: bad.lenient
          ? { status: [200, 400], upstream: "any" as const }
          : { status: [400], type: "invalid_request_error", field: bad.field ?? spec.path },
      };
    });
  });
}

const usedBases = new Set([...CHAT_FIELDS, ...EMBED_FIELDS].map((f) => f.base));
const wrongTypeCases: Case[] = [
  ...[...usedBases].map((name) => ({
    name: `control · base '${name}' is valid`,
    path: name === "embed" ? EMBEDDINGS : CHAT,
    body: stringify(BASES[name]),
    expect: { status: [200] },
  })),
  ...fieldCases(CHAT, CHAT_FIELDS),
  ...fieldCases(EMBEDDINGS, EMBED_FIELDS),
];

describe("6. wrong types", () => runCases("6. wrong types", wrongTypeCases));

// ═════════════════ 7. Semantics the schema allows but translation refuses ═════════════════

const invalid = (code?: string, field?: string): Expect => ({
  status: [400],
  type: "invalid_request_error",
  ...(code && { code: [code] }),
  ...(field && { field }),
});
const userContent = (content: unknown, model = GEMINI) => ({ model, messages: [{ role: "user", content }] });
const semanticCases: Case[] = [];
for (const stream of [false, true]) {
  const s = stream ? " · stream" : "";
  semanticCases.push(
    { name: `unknown model openai/gpt-4o${s}`, path: CHAT, body: stringify(chatBody({ stream }, "openai/gpt-4o")), expect: invalid("model_not_found", "model") },
    { name: `model without provider prefix${s}`, path: CHAT, body: stringify(chatBody({ stream }, "gemini-3-flash")), expect: invalid("model_not_found", "model") },
    { name: `model 'google/'${s}`, path: CHAT, body: stringify(chatBody({ stream }, "google/")), expect: invalid("model_not_found", "model") },
    { name: `model in upper case${s}`, path: CHAT, body: stringify(chatBody({ stream }, "GOOGLE/GEMINI-3-FLASH")), expect: invalid("model_not_found", "model") },
    { name: `model with a leading space${s}`, path: CHAT, body: stringify(chatBody({ stream }, ` ${GEMINI}`)), expect: invalid("model_not_found", "model") },
    { name: `the embedding model on chat${s}`, path: CHAT, body: stringify(chatBody({ stream }, EMBED)), expect: invalid("chat_unsupported", "model") },
    { name: `anthropic + tools${s}`, path: CHAT, body: stringify(chatBody({ stream, tools: [WEATHER_TOOL] }, CLAUDE)), expect: invalid("unsupported_parameter", "tools") },
    { name: `anthropic + tool_choice${s}`, path: CHAT, body: stringify(chatBody({ stream, tool_choice: "auto" }, CLAUDE)), expect: invalid("unsupported_parameter", "tools") },
    { name: `anthropic + n=2${s}`, path: CHAT, body: stringify(chatBody({ stream, n: 2 }, CLAUDE)), expect: invalid("unsupported_parameter", "n") },
  );
}
for (const model of [GEMINI, CLAUDE]) {
  const m = model.split("/")[0];
  semanticCases.push(
    { name: `${m} · logprobs: true`, path: CHAT, body: stringify(chatBody({ logprobs: true }, model)), expect: invalid("unsupported_parameter", "logprobs") },
    { name: `${m} · top_logprobs: 5`, path: CHAT, body: stringify(chatBody({ top_logprobs: 5 }, model)), expect: invalid("unsupported_parameter", "top_logprobs") },
    { name: `${m} · logit_bias {"1": 5}`, path: CHAT, body: stringify(chatBody({ logit_bias: { "1": 5 } }, model)), expect: invalid("unsupported_parameter", "logit_bias") },
    { name: `${m} · data: URI that is not base64`, path: CHAT, body: stringify(userContent([{ type: "image_url", image_url: { url: "data:image/png,abc" } }], model)), expect: invalid(undefined, "messages") },
    { name: `${m} · data: URI without a comma`, path: CHAT, body: stringify(userContent([{ type: "image_url", image_url: { url: "data:image/png;base64" } }], model)), expect: invalid(undefined, "messages") },
    { name: `${m} · ftp: image URL`, path: CHAT, body: stringify(userContent([{ type: "image_url", image_url: { url: "ftp://example.com/a.png" } }], model)), expect: invalid(undefined, "messages") },
    { name: `${m} · javascript: image URL`, path: CHAT, body: stringify(userContent([{ type: "image_url", image_url: { url: "javascript:alert(1)" } }], model)), expect: invalid(undefined, "messages") },
    { name: `${m} · image part without image_url`, path: CHAT, body: stringify(userContent([{ type: "image_url" }], model)), expect: invalid(undefined, "messages") },
    { name: `${m} · content part type "nope"`, path: CHAT, body: stringify(userContent([{ type: "nope", text: "hi" }], model)), expect: invalid(undefined, "messages") },
    { name: `${m} · content part type "input_audio"`, path: CHAT, body: stringify(userContent([{ type: "input_audio", input_audio: { data: "AAAA", format: "wav" } }], model)), expect: invalid(undefined, "messages") },
    { name: `${m} · content part type 100 KB long`, path: CHAT, body: stringify(userContent([{ type: LONG, text: "hi" }], model)), expect: invalid(undefined, "messages") },
    { name: `${m} · system message with an image part`, path: CHAT, body: stringify({ model, messages: [{ role: "system", content: [{ type: "image_url", image_url: { url: PNG_DATA_URI } }] }, ...hello] }), expect: invalid(undefined, "messages") },
    {
      name: `${m} · assistant tool call with non-JSON arguments`,
      path: CHAT,
      body: stringify({ model, messages: [TOOL_HISTORY[0], withPath(TOOL_HISTORY[1]!, "tool_calls.0.function.arguments", "{not json"), TOOL_HISTORY[2]] }),
      expect: invalid(undefined, "messages"),
    },
    {
      name: `${m} · assistant tool call with array arguments`,
      path: CHAT,
      body: stringify({ model, messages: [TOOL_HISTORY[0], withPath(TOOL_HISTORY[1]!, "tool_calls.0.function.arguments", "[1,2]"), TOOL_HISTORY[2]] }),
      expect: invalid(undefined, "messages"),
    },
    { name: `${m} · tool message without tool_call_id`, path: CHAT, body: stringify({ model, messages: [TOOL_HISTORY[0], TOOL_HISTORY[1], { role: "tool", content: "sunny" }] }), expect: invalid(undefined, "messages") },
    // Gemini needs at least one turn: a clear 400. The Anthropic translation opens with a placeholder user
    // turn (a conversation Claude accepts), so there it is a valid request: a control.
    model === GEMINI
      ? { name: `${m} · only a system message`, path: CHAT, body: stringify({ model, messages: [{ role: "system", content: "be brief" }] }), expect: invalid(undefined, "messages") }
      : { name: `control · ${m} · only a system message`, path: CHAT, body: stringify({ model, messages: [{ role: "system", content: "be brief" }] }), expect: { status: [200] } },
  );
}
semanticCases.push(
  { name: "google · tool message with an unknown tool_call_id", path: CHAT, body: stringify({ model: GEMINI, messages: [TOOL_HISTORY[0], TOOL_HISTORY[1], { role: "tool", tool_call_id: "call_nope", content: "sunny" }], tools: [WEATHER_TOOL] }), expect: invalid(undefined, "messages") },
  { name: "google · tool message with no tool call before it", path: CHAT, body: stringify({ model: GEMINI, messages: [hello[0], { role: "tool", tool_call_id: "call_1", content: "sunny" }] }), expect: invalid(undefined, "messages") },
  { name: "google · tool_choice naming a function not in tools", path: CHAT, body: stringify(chatBody({ tools: [WEATHER_TOOL], tool_choice: { type: "function", function: { name: "nope" } } })), expect: invalid(undefined, "tool_choice") },
  { name: "google · tool_choice function without any tools", path: CHAT, body: stringify(chatBody({ tool_choice: { type: "function", function: { name: "get_weather" } } })), expect: invalid(undefined, "tool_choice") },
  { name: "google · http image URL (not fetched)", path: CHAT, body: stringify(userContent([{ type: "image_url", image_url: { url: "https://example.com/a.png" } }])), expect: invalid(undefined, "messages") },
  { name: "google · text part without text", path: CHAT, body: stringify(userContent([{ type: "text" }])), expect: invalid(undefined, "messages") },
  { name: "embeddings · unknown model", path: EMBEDDINGS, body: stringify({ model: "openai/text-embedding-3-small", input: "hi" }), expect: invalid("model_not_found", "model") },
  { name: "embeddings · a chat model", path: EMBEDDINGS, body: stringify({ model: GEMINI, input: "hi" }), expect: invalid(undefined, "model") },
  { name: "embeddings · empty string input", path: EMBEDDINGS, body: stringify({ model: EMBED, input: "" }), expect: invalid(undefined, "input") },
  { name: "embeddings · empty array input", path: EMBEDDINGS, body: stringify({ model: EMBED, input: [] }), expect: invalid(undefined, "input") },
  { name: "embeddings · an empty string among inputs", path: EMBEDDINGS, body: stringify({ model: EMBED, input: ["a", ""] }), expect: invalid(undefined, "input") },
  { name: "embeddings · token ids", path: EMBEDDINGS, body: stringify({ model: EMBED, input: [1, 2, 3] }), expect: invalid(undefined, "input") },
  { name: "embeddings · token id arrays", path: EMBEDDINGS, body: stringify({ model: EMBED, input: [[1, 2], [3]] }), expect: invalid(undefined, "input") },
  { name: "embeddings · 2,049 inputs", path: EMBEDDINGS, body: stringify({ model: EMBED, input: Array.from({ length: 2049 }, () => "a") }), expect: invalid(undefined, "input") },
  { name: "control · google · tool loop", path: CHAT, body: stringify(BASES.toolHistory), expect: { status: [200] } },
  { name: "control · anthropic · plain", path: CHAT, body: stringify(chatBody({}, CLAUDE)), expect: { status: [200] } },
  { name: "control · anthropic · stream", path: CHAT, body: stringify(chatBody({ stream: true }, CLAUDE)), expect: { status: [200] } },
  { name: "control · embeddings · 3 inputs, base64", path: EMBEDDINGS, body: stringify({ model: EMBED, input: ["a", "b", "c"], encoding_format: "base64" }), expect: { status: [200] } },
);

describe("7. semantics", () => runCases("7. semantics", semanticCases));

// ═════════════════ 8. Paths and methods ═════════════════

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
const ROUTE_TABLE: { path: string; ok: string; body?: string; upstream?: boolean }[] = [
  { path: "/health", ok: "GET" },
  { path: "/v1/models", ok: "GET" },
  { path: CHAT, ok: "POST", body: stringify(chatBody()), upstream: true },
  { path: EMBEDDINGS, ok: "POST", body: stringify(embedBody()), upstream: true },
  { path: "/v1/nope", ok: "" },
  { path: "/nothing", ok: "" },
  { path: "/docs", ok: "GET" },
  { path: "/openapi.json", ok: "GET" },
];
const pathCases: Case[] = [];
for (const route of ROUTE_TABLE) {
  for (const method of METHODS) {
    for (const auth of ["key", "none"] as const) {
      const canHaveBody = !["GET", "HEAD"].includes(method);
      const valid = method === route.ok && (auth === "key" || !route.path.startsWith("/v1/"));
      const answeredAsGet = method === "HEAD" && route.ok === "GET";
      pathCases.push({
        name: `${method} ${route.path} · ${auth === "key" ? "with key" : "no key"}`,
        method,
        path: route.path,
        auth,
        body: canHaveBody ? (route.body ?? stringify(chatBody())) : undefined,
        expect: valid
          ? { status: [200], upstream: route.upstream ? "some" : "none" }
          : answeredAsGet || method === "OPTIONS"
            ? { upstream: "none" } // any non-5xx; 4xx in the envelope
            : { status: [400, 401, 403, 404, 405], upstream: "none" },
      });
    }
  }
}
/**
 * Odd paths, each sent with the key and without. `public`: the path may be
 * served without a key (a /health or docs look-alike); otherwise the keyless
 * variant must never get a 2xx (no path trick may skip authentication).
 * `raw`: fetch would normalise the path (dot segments, %2e, bad escapes).
 */
const ODD_PATHS: { name: string; path: string; method?: string; body?: string; raw?: boolean; statuses?: number[]; upstream?: "some" | "any"; public?: boolean }[] = [
  { name: "query string on /v1/models", path: "/v1/models?x=1&y=%20", statuses: [200] },
  { name: "bad percent escape in the query", path: "/v1/models?q=%zz" },
  { name: "percent-encoded 'm' in the path", path: "/v1/%6dodels" },
  { name: "percent-encoded slash", path: "/v1%2Fmodels" },
  { name: "percent-encoded trailing slash", path: "/v1/models%2F" },
  { name: "fully percent-encoded /v1", path: "/%76%31/models" },
  { name: "encoded NUL in the path", path: "/v1/models%00" },
  { name: "lone percent in the path", path: "/v1/models%", raw: true },
  { name: "bad percent escape in the path", path: "/v1/mod%zzels", raw: true },
  { name: "encoded dot segments", path: "/%2e%2e/v1/models", raw: true },
  { name: "encoded dot segments out of /docs", path: "/docs/%2e%2e/v1/models", raw: true },
  { name: "raw dot segments", path: "/v1/../v1/models", raw: true },
  { name: "raw ./ segment", path: "/v1/./models", raw: true },
  { name: "dot segments from /docs into /v1", path: "/docs/../v1/models", raw: true },
  { name: "dot segments from /health into chat", path: "/health/../v1/chat/completions", method: "POST", body: stringify(chatBody()), raw: true, upstream: "any" },
  { name: "dot segments out of /docs", path: "/docs/assets/../../openapi.json", raw: true, public: true },
  { name: "trailing slash", path: "/v1/models/" },
  { name: "double leading slash", path: "//v1/models" },
  { name: "double leading slash, raw", path: "//v1/models", raw: true },
  { name: "double inner slash", path: "/v1//models" },
  { name: "backslash separator", path: "/v1\\models", raw: true },
  { name: "upper-case path", path: "/V1/MODELS" },
  { name: "matrix parameter", path: "/v1/models;jsessionid=1" },
  { name: "non-ASCII path", path: "/v1/mödels" },
  { name: "raw UTF-8 path bytes", path: Buffer.from("/v1/mödels", "utf8").toString("latin1"), raw: true },
  { name: "8 KB path under /v1", path: `/v1/${"a".repeat(8192)}` },
  { name: "8 KB path outside /v1", path: `/${"a".repeat(8192)}` },
  { name: "8 KB query on /v1/models", path: `/v1/models?q=${"a".repeat(8192)}`, statuses: [200] },
  { name: "query on /health", path: "/health?x=%00&y", statuses: [200], public: true },
  { name: "/health/ trailing slash", path: "/health/", public: true },
  { name: "unknown docs asset", path: "/docs/assets/nope.js", public: true },
  { name: "openapi.json with a query", path: "/openapi.json?format=yaml", statuses: [200], public: true },
  { name: "POST chat with ?stream=true (query ignored)", path: `${CHAT}?stream=true&model=x`, method: "POST", body: stringify(chatBody()), statuses: [200], upstream: "some" },
  { name: "POST chat with a bad query escape", path: `${CHAT}?%zz=1`, method: "POST", body: stringify(chatBody()), upstream: "any" },
  { name: "POST chat with an 8 KB query", path: `${CHAT}?q=${"a".repeat(8192)}`, method: "POST", body: stringify(chatBody()), statuses: [200], upstream: "some" },
  { name: "POST embeddings with ?dimensions=abc", path: `${EMBEDDINGS}?dimensions=abc`, method: "POST", body: stringify(embedBody()), statuses: [200], upstream: "some" },
  { name: "POST chat with a trailing slash", path: `${CHAT}/`, method: "POST", body: stringify(chatBody()), upstream: "any" },
  { name: "POST chat to an unknown sub-path", path: `${CHAT}/extra`, method: "POST", body: stringify(chatBody()) },
  // fetch sends unknown methods as GET: raw socket.
  { name: "custom method FOO on /health", path: "/health", method: "FOO", raw: true, public: true },
  { name: "custom method FOO on chat", path: CHAT, method: "FOO", body: stringify(chatBody()), raw: true },
  { name: "method TRACE on /health", path: "/health", method: "TRACE", raw: true, public: true },
  { name: "method CONNECT on /v1/models", path: "/v1/models", method: "CONNECT", raw: true },
];
for (const p of ODD_PATHS) {
  for (const auth of ["key", "none"] as const) {
    const keyless = auth === "none" && !p.public;
    pathCases.push({
      name: `odd path · ${p.name} · ${auth === "key" ? "with key" : "no key"}`,
      method: p.method,
      path: p.path,
      auth,
      body: p.body,
      raw: p.raw,
      expect: keyless
        ? { status: [400, 401, 404, 405], upstream: "none", bunMayAnswer: p.raw }
        : { ...(p.statuses && { status: p.statuses }), upstream: p.upstream ?? "none", bunMayAnswer: p.raw },
    });
  }
}

/**
 * The Host header must not change routing. (Elysia derives the path from the
 * URL by position; with a Host of 3 characters or fewer `GET /aa/v1/models`
 * was seen to serve /v1/models.)
 */
const HOSTS = ["x", "ab", "x:1", "localhost", "evil.example.com", "[::1]", "a".repeat(300), ""];
const HOST_PATHS: { path: string; method?: string; body?: string; status: number; upstream?: boolean }[] = [
  { path: "/health", status: 200 },
  { path: "/v1/models", status: 200 },
  { path: CHAT, method: "POST", body: stringify(chatBody()), status: 200, upstream: true },
  { path: "/aa/v1/models", status: 404 },
  { path: "/zz/v1/chat/completions", method: "POST", body: stringify(chatBody()), status: 404 },
];
for (const host of HOSTS) {
  for (const route of HOST_PATHS) {
    pathCases.push({
      name: `Host ${JSON.stringify(host.length > 20 ? `${host.slice(0, 8)}…(${host.length})` : host)} · ${route.method ?? "GET"} ${route.path}`,
      method: route.method,
      path: route.path,
      body: route.body,
      raw: true,
      headers: [["host", host]],
      expect: { status: [route.status], upstream: route.upstream ? "some" : "none" },
    });
  }
}

describe("8. paths and methods", () => runCases("8. paths and methods", pathCases));

// ═════════════════ 9. Framing errors answered by Bun's HTTP parser ═════════════════
//
// The test asserts only that no case gets a 5xx from the app (a reply carrying
// x-request-id) and that /health answers 200 after each one; what came back is
// printed after the run ("framing ·" lines). Observed with Bun 1.4.5 (every
// "Bun" reply has an empty body, no x-request-id, and Bun closes the socket):
//
//   Content-Length: abc / -1 / +2 / 2, 3 / 99999999999999999999999   400 Bad Request (Bun)
//   two different Content-Length headers                              400 Bad Request (Bun)
//   two equal Content-Length headers                                  reaches the app (401 without a key)
//   Content-Length + Transfer-Encoding: chunked                       400 Bad Request (Bun)
//   Transfer-Encoding: gzip / "chunked, chunked"                      400 Bad Request (Bun)
//   bad chunk size ('zz', > 64 bits), chunk longer than its size      without a key: the app's 401 (auth runs before
//                                                                     the body is read); with a key: 400 Bad Request (Bun)
//   chunked body cut off / body shorter than Content-Length, then EOF closed, no reply
//   64 KB header value, 1,000 headers, 64 KB path                     431 Request Header Fields Too Large (Bun)
//   NUL byte in the path, space inside the path, bare-LF line endings 505 HTTP Version Not Supported (Bun's own 5xx)
//   HTTP/9.9                                                          505 HTTP Version Not Supported (Bun)
//   NUL or \x01 in a header value (\x01/ESC in Authorization too)     400 Bad Request (Bun); DEL (\x7f) and bytes
//                                                                     ≥ 0x80 pass through to the app (401 invalid_key)
//   no Host header on HTTP/1.1                                        400 Bad Request (Bun)
//   HTTP/1.0 without Host, absolute-form target                       reach the app (200 on /health)
//   header without a colon, header name with a space, obs-fold        400 Bad Request (Bun)
//   method G@T, TLS ClientHello, HTTP/2 preface, OPTIONS *,
//   path without a leading slash, empty lines, garbage                400 Bad Request (Bun)
//   lower-case method "get", unknown method FOO (class 8)             closed, no reply
//   Expect: 100-continue with Content-Length over the limit          the app's 413, no 100 Continue sent
//   pipelined malformed request                                       the app's 400 invalid_json for the first

const framingLog: string[] = [];
const H = (port: number) => `Host: 127.0.0.1:${port}\r\n`;
const FRAMING: { name: string; request: (port: number) => (string | Uint8Array)[]; endAfterWrite?: boolean }[] = [
  { name: "Content-Length: abc", request: (p) => [`POST ${CHAT} HTTP/1.1\r\n${H(p)}Content-Type: application/json\r\nContent-Length: abc\r\n\r\n{}`] },
  { name: "two different Content-Length headers", request: (p) => [`POST ${CHAT} HTTP/1.1\r\n${H(p)}Content-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}x`] },
  { name: "two equal Content-Length headers", request: (p) => [`POST ${CHAT} HTTP/1.1\r\n${H(p)}Content-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}`] },
  { name: "Content-Length: 2, 3 (list)", request: (p) => [`POST ${CHAT} HTTP/1.1\r\n${H(p)}Content-Length: 2, 3\r\n\r\n{}x`] },
  { name: "Content-Length: -1", request: (p) => [`POST ${CHAT} HTTP/1.1\r\n${H(p)}Content-Length: -1\r\n\r\n{}`] },
  { name: "Content-Length: +2", request: (p) => [`POST ${CHAT} HTTP/1.1\r\n${H(p)}Content-Length: +2\r\n\r\n{}`] },
  { name: "Content-Length: 99999999999999999999999", request: (p) => [`POST ${CHAT} HTTP/1.1\r\n${H(p)}Content-Length: 99999999999999999999999\r\n\r\n{}`] },
  { name: "Content-Length and Transfer-Encoding: chunked", request: (p) => [`POST ${CHAT} HTTP/1.1\r\n${H(p)}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n`] },
  { name: "chunk size 'zz'", request: (p) => [`POST ${CHAT} HTTP/1.1\r\n${H(p)}Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`] },
  { name: "chunk size overflowing 64 bits", request: (p) => [`POST ${CHAT} HTTP/1.1\r\n${H(p)}Transfer-Encoding: chunked\r\n\r\nfffffffffffffffffff\r\n{}\r\n0\r\n\r\n`] },
  { name: "chunk size 'zz', with a key", request: (p) => [`POST ${CHAT} HTTP/1.1\r\n${H(p)}Authorization: Bearer {KEY}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`] },
  { name: "chunk size overflowing 64 bits, with a key", request: (p) => [`POST ${CHAT} HTTP/1.1\r\n${H(p)}Authorization: Bearer {KEY}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffffff\r\n{}\r\n0\r\n\r\n`] },
  { name: "chunk longer than its size, with a key", request: (p) => [`POST ${CHAT} HTTP/1.1\r\n${H(p)}Authorization: Bearer {KEY}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}garbage\r\n0\r\n\r\n`] },
  { name: "chunked body cut off, then EOF, with a key", request: (p) => [`POST ${CHAT} HTTP/1.1\r\n${H(p)}Authorization: Bearer {KEY}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n{"model":`], endAfterWrite: true },
  { name: "Transfer-Encoding: gzip", request: (p) => [`POST ${CHAT} HTTP/1.1\r\n${H(p)}Transfer-Encoding: gzip\r\n\r\n{}`] },
  { name: "Transfer-Encoding: chunked, chunked", request: (p) => [`POST ${CHAT} HTTP/1.1\r\n${H(p)}Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n`] },
  { name: "64 KB header value", request: (p) => [`GET /health HTTP/1.1\r\n${H(p)}X-Big: ${"a".repeat(65_536)}\r\n\r\n`] },
  { name: "1,000 headers", request: (p) => [`GET /health HTTP/1.1\r\n${H(p)}${Array.from({ length: 1000 }, (_, i) => `X-H${i}: v\r\n`).join("")}\r\n`] },
  { name: "64 KB path", request: (p) => [`GET /${"a".repeat(65_536)} HTTP/1.1\r\n${H(p)}\r\n`] },
  { name: "NUL byte in the path", request: (p) => [`GET /health\0x HTTP/1.1\r\n${H(p)}\r\n`] },
  { name: "NUL byte in a header value", request: (p) => [`GET /health HTTP/1.1\r\n${H(p)}X-A: a\0b\r\n\r\n`] },
  { name: "\\x01 in a header value", request: (p) => [`GET /v1/models HTTP/1.1\r\n${H(p)}Authorization: Bearer a\x01b\r\n\r\n`] },
  { name: "space inside the path", request: (p) => [`GET /he alth HTTP/1.1\r\n${H(p)}\r\n`] },
  { name: "no Host header (HTTP/1.1)", request: () => ["GET /health HTTP/1.1\r\n\r\n"] },
  { name: "HTTP/1.0 without Host", request: () => ["GET /health HTTP/1.0\r\n\r\n"] },
  { name: "HTTP/2 preface on HTTP/1", request: () => ["PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"] },
  { name: "HTTP/9.9", request: (p) => [`GET /health HTTP/9.9\r\n${H(p)}\r\n`] },
  { name: "header line without a colon", request: (p) => [`GET /health HTTP/1.1\r\n${H(p)}NoColonHere\r\n\r\n`] },
  { name: "header name with a space", request: (p) => [`GET /health HTTP/1.1\r\n${H(p)}Bad Header: x\r\n\r\n`] },
  { name: "bare LF line endings", request: (p) => [`GET /health HTTP/1.1\n${H(p).replace("\r\n", "\n")}\n`] },
  { name: "obs-fold header continuation", request: (p) => [`GET /health HTTP/1.1\r\n${H(p)}X-A: a\r\n  b\r\n\r\n`] },
  { name: "invalid method token G@T", request: (p) => [`G@T /health HTTP/1.1\r\n${H(p)}\r\n`] },
  { name: "lower-case method get", request: (p) => [`get /health HTTP/1.1\r\n${H(p)}\r\n`] },
  { name: "TLS ClientHello on the plain port", request: () => [new Uint8Array([0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x03, 0x03, ...new Array(64).fill(0)])] },
  { name: "absolute-form request target", request: (p) => [`GET http://127.0.0.1:${p}/health HTTP/1.1\r\n${H(p)}\r\n`] },
  { name: "asterisk-form OPTIONS *", request: (p) => [`OPTIONS * HTTP/1.1\r\n${H(p)}\r\n`] },
  { name: "path without a leading slash", request: (p) => [`GET health HTTP/1.1\r\n${H(p)}\r\n`] },
  { name: "empty lines only", request: () => ["\r\n\r\n\r\n"] },
  { name: "garbage request line", request: () => ["\x00\x01\x02 garbage \xff\r\n\r\n"] },
  { name: "headers cut off, then EOF", request: (p) => [`GET /health HTTP/1.1\r\n${H(p)}X-A: `], endAfterWrite: true },
  { name: "body shorter than Content-Length, then EOF", request: (p) => [`POST ${CHAT} HTTP/1.1\r\n${H(p)}Authorization: Bearer {KEY}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"model":`], endAfterWrite: true },
  { name: "Expect: 100-continue, over the limit, no key", request: (p) => [`POST ${CHAT} HTTP/1.1\r\n${H(p)}Content-Type: application/json\r\nContent-Length: 30000000\r\nExpect: 100-continue\r\n\r\n`] },
  { name: "two pipelined requests, the first malformed", request: (p) => [`POST ${CHAT} HTTP/1.1\r\n${H(p)}Authorization: Bearer {KEY}\r\nContent-Type: application/json\r\nContent-Length: 5\r\n\r\n{nopeGET /health HTTP/1.1\r\n${H(p)}\r\n`] },
];

describe("9. framing (raw socket)", () => {
  for (const f of FRAMING) {
    test(f.name, async () => {
      const port = portOf(setup.gateway.url);
      const pieces = f.request(port).map((piece) => (typeof piece === "string" ? piece.replaceAll("{KEY}", key) : piece));
      const reply: RawReply = await rawRequest(port, pieces, { timeoutMs: 3000, endAfterWrite: f.endAfterWrite });
      const fromApp = reply.headers["x-request-id"] !== undefined;
      const health = await fetch(`${setup.gateway.url}/health`, { signal: AbortSignal.timeout(5000) }).then(
        (r) => r.status,
        (e) => String(e),
      );
      framingLog.push(
        `framing · ${f.name}: ${reply.statusLine ?? `(no reply: ${reply.ended}${reply.error ? ` ${reply.error}` : ""})`}` +
          `${fromApp ? " [app, x-request-id]" : reply.statusLine ? " [Bun]" : ""} body=${JSON.stringify(snippet(reply.body, 120))} · ended ${reply.ended} in ${reply.ms.toFixed(0)} ms · /health then ${health}`,
      );
      const problems: string[] = [];
      if (fromApp && (reply.status ?? 0) >= 500) problems.push(`5xx from the app: ${reply.statusLine}`);
      if (health !== 200) problems.push(`/health afterwards: ${health}`);
      const c: Case = { name: f.name, path: "(raw)", expect: {} };
      conclude("9. framing (raw socket)", c, { status: reply.status ?? 0, headers: reply.headers, text: reply.body, ms: reply.ms, upstreamDelta: 0 }, problems, 2);
    });
  }
});

// ═════════════════ after the corpus ═════════════════

test("after the corpus: only control cases reached a provider, and RSS stayed bounded", () => {
  const total = upstreamCount() - upstreamAtStart;
  const growth = rss() - rssAtStart;
  console.log(`[after the corpus] upstream requests ${total} (by controls ${upstreamByControls}); RSS ${(rssAtStart / MB).toFixed(0)} → ${((rssAtStart + growth) / MB).toFixed(0)} MB`);
  const problems: string[] = [];
  if (total !== upstreamByControls) {
    problems.push(`${total - upstreamByControls} upstream request(s) came from invalid cases (see the cases failing with "reached a provider")`);
  }
  if (growth >= 100 * MB) problems.push(`RSS grew by ${(growth / MB).toFixed(1)} MB over the corpus (limit 100 MB)`);
  if (problems.length > 0) throw new Error(problems.join("; "));
  expect(problems).toEqual([]);
});
