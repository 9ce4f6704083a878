/**
 * Settings from the environment, read once at start-up. Provider credentials
 * live only here: never in responses, logs or the database.
 */
import { parseUsd } from "./billing/money.ts";
import { UserError } from "./errors.ts";

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  demoKey: string | undefined;
  /** Nano-USD credited to the `demo` workspace when it is first created. */
  demoCredit: bigint;
  catalogRefreshSeconds: number;
  keyCacheSeconds: number;
  maxBodyBytes: number;
  /** How long an idle client connection stays open (keep-alive, a stalled upload); Bun allows at most 255. */
  httpIdleTimeoutSeconds: number;
  /** Per attempt: a provider's response headers (and a whole non-streaming reply) within this, or the next supplier. */
  upstreamTimeoutMs: number;
  /** Attempts per request, over the model's suppliers (failover before the first byte). */
  upstreamMaxAttempts: number;
  /** Every attempt of a request must be done by this long after it began. */
  upstreamDeadlineMs: number;
  streamIdleTimeoutMs: number;
  /** A streaming client that takes nothing for this long while frames wait is cut. */
  streamWriteTimeoutMs: number;
  /** How long a process's credit holds outlive it (billing/lease-billing.ts). */
  leaseTtlSeconds: number;
  /** How long finished requests wait to be written to the ledger together. */
  settleIntervalMs: number;
  /** Bearer token for GET /metrics; without one, /metrics answers only direct loopback clients. */
  metricsToken: string | undefined;
  /** `json`: one access-log line per request on stdout, and start-up lines as JSON. */
  logFormat: "text" | "json";
  /** How long a stored Responses API response is kept (previous_response_id, item_reference, GET). */
  responsesRetentionDays: number;
  /** The default suppliers' base URLs (their keys are GOOGLE_API_KEY / ANTHROPIC_API_KEY in `environment`). */
  providers: {
    google: { baseUrl: string };
    anthropic: { baseUrl: string };
  };
  /** The environment the settings came from: suppliers' credentials are looked up in it by name. */
  environment: Readonly<Env>;
}

type Env = Record<string, string | undefined>;

function positiveInt(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new UserError(`${name} must be a positive integer, got "${raw}"`);
  }
  return value;
}

function logFormat(raw: string | undefined): "text" | "json" {
  if (raw === undefined || raw === "" || raw === "text") return "text";
  if (raw === "json") return "json";
  throw new UserError(`LOG_FORMAT must be "text" or "json", got "${raw}"`);
}

const nonEmpty = (value: string | undefined) => (value ? value : undefined);
const trimSlash = (url: string) => url.replace(/\/+$/, "");

export function loadConfig(env: Env = process.env): Config {
  return {
    port: positiveInt(env, "PORT", 8080),
    host: env.HOST || "0.0.0.0",
    databaseUrl: nonEmpty(env.DATABASE_URL),
    dataDir: env.OPENTOKEN_DATA_DIR || "./.opentoken",
    demoKey: nonEmpty(env.OPENTOKEN_DEMO_KEY),
    demoCredit: env.OPENTOKEN_DEMO_CREDIT ? parseUsd(env.OPENTOKEN_DEMO_CREDIT) : 0n,
    catalogRefreshSeconds: positiveInt(env, "CATALOG_REFRESH_SECONDS", 30),
    keyCacheSeconds: positiveInt(env, "KEY_CACHE_SECONDS", 5),
    maxBodyBytes: positiveInt(env, "MAX_BODY_BYTES", 20 * 1024 * 1024),
    httpIdleTimeoutSeconds: Math.min(255, positiveInt(env, "HTTP_IDLE_TIMEOUT_SECONDS", 30)),
    upstreamTimeoutMs: positiveInt(env, "UPSTREAM_TIMEOUT_MS", 120_000),
    upstreamMaxAttempts: positiveInt(env, "UPSTREAM_MAX_ATTEMPTS", 3),
    upstreamDeadlineMs: positiveInt(env, "UPSTREAM_DEADLINE_MS", 300_000),
    streamIdleTimeoutMs: positiveInt(env, "STREAM_IDLE_TIMEOUT_MS", 60_000),
    streamWriteTimeoutMs: positiveInt(env, "STREAM_WRITE_TIMEOUT_MS", 30_000),
    leaseTtlSeconds: positiveInt(env, "LEASE_TTL_SECONDS", 30),
    settleIntervalMs: positiveInt(env, "SETTLE_INTERVAL_MS", 20),
    metricsToken: nonEmpty(env.METRICS_TOKEN),
    logFormat: logFormat(env.LOG_FORMAT),
    responsesRetentionDays: positiveInt(env, "RESPONSES_RETENTION_DAYS", 30),
    providers: {
      google: { baseUrl: trimSlash(env.GOOGLE_BASE_URL || "https://generativelanguage.googleapis.com") },
      anthropic: { baseUrl: trimSlash(env.ANTHROPIC_BASE_URL || "https://api.anthropic.com") },
    },
    environment: env,
  };
}
