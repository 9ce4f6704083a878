import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  check,
  primaryKey,
  index,
  uniqueIndex,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
} from "drizzle-orm/pg-core";

/** Money columns: integer nano-USD (1 USD = 1e9), never floating point. */
const nanoUsd = (name: string) => bigint(name, { mode: "bigint" });
const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();

export const workspaces = pgTable("workspaces", {
  id: text("id").primaryKey(),
  name: text("name").notNull().unique(),
  createdAt: createdAt(),
});

/**
 * A workspace's USD credit account. Absent = no billing provisioned (402).
 * `balance` is kept equal to the sum of the workspace's ledger entries in the
 * same transaction that appends each entry; `opentoken ledger verify` checks it.
 */
export const billingAccounts = pgTable("billing_accounts", {
  workspaceId: text("workspace_id")
    .primaryKey()
    .references(() => workspaces.id),
  balance: nanoUsd("balance_nano").notNull().default(sql`0`),
  createdAt: createdAt(),
});

/** Append-only (a trigger rejects UPDATE and DELETE). Credits are positive, debits negative. */
export const ledgerEntries = pgTable(
  "ledger_entries",
  {
    id: bigserial("id", { mode: "bigint" }).primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id),
    amount: nanoUsd("amount_nano").notNull(),
    kind: text("kind", { enum: ["credit", "debit"] }).notNull(),
    /** The request a debit settles; unique so settlement is idempotent. */
    requestId: text("request_id").unique(),
    note: text("note"),
    /** A credit's Idempotency-Key (admin API), unique per workspace, with a hash of what it credited. */
    idempotencyKey: text("idempotency_key"),
    idempotencyHash: text("idempotency_hash"),
    createdAt: createdAt(),
  },
  (table) => [
    // Every settled request adds a debit: each index here is written per request, so only those a query uses.
    index("ledger_entries_workspace_id_idx").on(table.workspaceId, table.id),
    // Partial: debits (no key) add no entry to it.
    uniqueIndex("ledger_entries_idempotency_idx").on(table.workspaceId, table.idempotencyKey).where(sql`idempotency_key is not null`),
    check("ledger_entries_kind_sign", sql`(kind = 'credit' and amount_nano > 0) or (kind = 'debit' and amount_nano <= 0)`),
  ],
);

export const apiKeys = pgTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id),
    name: text("name"),
    /** Hex SHA-256 of the full key; the key itself is never stored. */
    keyHash: text("key_hash").notNull().unique(),
    /** The first characters of the key, enough to recognise it in a list. */
    prefix: text("prefix").notNull(),
    /** `cli` for keys issued by the CLI, `admin` by the admin API, `env` for OPENTOKEN_DEMO_KEY. */
    source: text("source", { enum: ["cli", "admin", "env"] }).notNull().default("cli"),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    spendLimit: nanoUsd("spend_limit_nano"),
    /** UTC period after which the spend limit starts afresh; null = lifetime limit. */
    limitReset: text("limit_reset", { enum: ["daily", "weekly", "monthly"] }),
    /** The models the key may use: exact catalog ids or `provider/*`; null = every model. */
    models: text("models").array(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    createdAt: createdAt(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
  },
  (table) => [index("api_keys_workspace_idx").on(table.workspaceId)],
);

/**
 * Management keys: they call /admin/v1/* (the operator's own API) and
 * nothing else. Same format and storage as customer keys (hash + prefix),
 * in their own table so no customer key can ever be one.
 */
export const adminKeys = pgTable("admin_keys", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  keyHash: text("key_hash").notNull().unique(),
  prefix: text("prefix").notNull(),
  revokedAt: timestamp("revoked_at", { withTimezone: true }),
  createdAt: createdAt(),
  lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
});

/** The routing catalog; the gateway serves from an in-memory snapshot of it. */
export const models = pgTable(
  "models",
  {
    id: text("id").primaryKey(),
    provider: text("provider", { enum: ["google", "anthropic"] }).notNull(),
    upstreamModel: text("upstream_model").notNull(),
    kind: text("kind", { enum: ["chat", "embedding"] }).notNull(),
    /** Prices in nano-USD per 1M tokens; null cache prices bill at the input price. */
    inputPrice: nanoUsd("input_price_nano").notNull(),
    outputPrice: nanoUsd("output_price_nano").notNull(),
    cacheReadPrice: nanoUsd("cache_read_price_nano"),
    cacheWritePrice: nanoUsd("cache_write_price_nano"),
    supportsTools: boolean("supports_tools").notNull(),
    supportsReasoning: boolean("supports_reasoning").notNull(),
    supportsCaching: boolean("supports_caching").notNull(),
    supportsStreaming: boolean("supports_streaming").notNull(),
    maxOutputTokens: integer("max_output_tokens").notNull(),
    enabled: boolean("enabled").notNull().default(true),
    createdAt: createdAt(),
  },
  (table) => [
    check("models_id_format", sql`${table.id} = ${table.provider} || '/' || split_part(${table.id}, '/', 2)`),
    check("models_prices_non_negative", sql`input_price_nano >= 0 and output_price_nano >= 0`),
  ],
);

/** One row per billed request; append-only like the ledger. */
export const usageRecords = pgTable(
  "usage_records",
  {
    id: bigserial("id", { mode: "bigint" }).primaryKey(),
    requestId: text("request_id").notNull().unique(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id),
    apiKeyId: text("api_key_id")
      .notNull()
      .references(() => apiKeys.id),
    modelId: text("model_id").notNull(),
    promptTokens: integer("prompt_tokens").notNull(),
    completionTokens: integer("completion_tokens").notNull(),
    cachedTokens: integer("cached_tokens").notNull(),
    cacheWriteTokens: integer("cache_write_tokens").notNull(),
    reasoningTokens: integer("reasoning_tokens").notNull(),
    cost: nanoUsd("cost_nano").notNull(),
    /** True when the token counts are the gateway's estimate, not the provider's. */
    estimated: boolean("estimated").notNull().default(false),
    /** The supplier that served the request (null for records written before suppliers existed). */
    supplier: text("supplier"),
    /** `completed`, or `incomplete` for a stream cut short (client gone, failure mid-stream, write timeout). */
    status: text("status", { enum: ["completed", "incomplete"] }),
    /** From the request's arrival to its settlement, and to the provider's first byte (ms). */
    durationMs: integer("duration_ms"),
    ttfbMs: integer("ttfb_ms"),
    createdAt: createdAt(),
  },
  (table) => [
    index("usage_records_workspace_time_idx").on(table.workspaceId, table.createdAt),
    index("usage_records_key_time_idx").on(table.apiKeyId, table.createdAt),
    // The console's gateway-wide time ranges. BRIN: rows arrive in time order, and it costs settlement next to nothing.
    index("usage_records_time_brin_idx").using("brin", table.createdAt),
  ],
);

/**
 * Credit held back from a workspace's available balance (balance minus the
 * unexpired holds) by one gateway process for one key: a lease that the
 * process spends from in memory. Mutable and disposable, unlike the ledger:
 * a hold's owner renews `expires_at` while it lives, so the holds of a
 * killed process stop counting once they expire.
 */
export const creditHolds = pgTable(
  "credit_holds",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id),
    apiKeyId: text("api_key_id")
      .notNull()
      .references(() => apiKeys.id),
    amount: nanoUsd("amount_nano").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (table) => [
    index("credit_holds_workspace_idx").on(table.workspaceId, table.expiresAt),
    check("credit_holds_amount_non_negative", sql`amount_nano >= 0`),
  ],
);

/**
 * What each key has spent per limit period (the epoch for lifetime limits):
 * a running total kept by settlement in the same transaction as the debits,
 * so checking a spend limit never sums the usage records.
 */
export const keySpend = pgTable(
  "key_spend",
  {
    apiKeyId: text("api_key_id")
      .notNull()
      .references(() => apiKeys.id),
    periodStart: timestamp("period_start", { withTimezone: true }).notNull(),
    spent: nanoUsd("spent_nano").notNull(),
  },
  (table) => [primaryKey({ columns: [table.apiKeyId, table.periodStart] })],
);

/**
 * Provider accounts beyond the environment's default `google` / `anthropic`.
 * Never a secret: `keyEnv` names the environment variable that holds the
 * credential, read by each gateway from its own environment.
 */
export const suppliers = pgTable(
  "suppliers",
  {
    name: text("name").primaryKey(),
    provider: text("provider", { enum: ["google", "anthropic"] }).notNull(),
    baseUrl: text("base_url").notNull(),
    keyEnv: text("key_env").notNull(),
    /** Lower is tried first. */
    priority: integer("priority").notNull().default(0),
    /** Share of the traffic among suppliers of the same priority. */
    weight: integer("weight").notNull().default(1),
    enabled: boolean("enabled").notNull().default(true),
    /** Catalog model ids it serves; null = every model of its provider. */
    models: text("models").array(),
    createdAt: createdAt(),
  },
  (table) => [
    check("suppliers_weight_positive", sql`weight > 0`),
    check("suppliers_name_format", sql`name ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'`),
    check("suppliers_key_env_format", sql`key_env ~ '^[A-Za-z_][A-Za-z0-9_]*$'`),
  ],
);

/**
 * What each gateway process saw of each supplier, per minute: attempts,
 * failures, time to first byte, and the health state at the last report.
 * Written by the processes every few seconds (upserts of the current
 * minute); read by `supplier list` and the operator views. Disposable.
 */
export const supplierStats = pgTable(
  "supplier_stats",
  {
    processId: text("process_id").notNull(),
    supplier: text("supplier").notNull(),
    minute: timestamp("minute", { withTimezone: true }).notNull(),
    attempts: integer("attempts").notNull(),
    failures: integer("failures").notNull(),
    ttfbMsSum: bigint("ttfb_ms_sum", { mode: "number" }).notNull(),
    ttfbCount: integer("ttfb_count").notNull(),
    /** closed, open, half_open or cooling, as the process saw it at `updatedAt`. */
    state: text("state").notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.processId, table.supplier, table.minute] }),
    index("supplier_stats_supplier_minute_idx").on(table.supplier, table.minute),
  ],
);

/**
 * Stored Responses API responses (`store`, true by default), per workspace,
 * until `expires_at` (RESPONSES_RETENTION_DAYS): what `previous_response_id`
 * continues from, `item_reference` items name, and GET/DELETE
 * /v1/responses/{id} read. `input` holds the request's own items (item
 * references resolved), `output` the items returned, reasoning always with
 * its encrypted content; item ids are the gateway's and name their response
 * (responses/item-ids.ts). `response` is the rest of the response object.
 * Disposable: expired rows count as missing and are swept.
 */
export const responses = pgTable(
  "responses",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id),
    createdAt: createdAt(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    previousResponseId: text("previous_response_id"),
    model: text("model").notNull(),
    status: text("status").notNull(),
    input: jsonb("input").notNull(),
    output: jsonb("output").notNull(),
    /** Null when the provider reported none. */
    usage: jsonb("usage"),
    response: jsonb("response").notNull(),
  },
  (table) => [index("responses_expires_at_idx").on(table.expiresAt)],
);

/**
 * Console sign-ins: a management key exchanged for a session cookie. Only
 * the session id's hash is stored (like keys), so any gateway sharing the
 * database accepts the cookie and a database dump does not hold one.
 */
export const consoleSessions = pgTable(
  "console_sessions",
  {
    tokenHash: text("token_hash").primaryKey(),
    adminKeyId: text("admin_key_id")
      .notNull()
      .references(() => adminKeys.id),
    /** Sent back as X-CSRF-Token by the page: a cross-site request carries the cookie at most, never this. */
    csrfToken: text("csrf_token").notNull(),
    createdAt: createdAt(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (table) => [index("console_sessions_expires_idx").on(table.expiresAt)],
);

/**
 * Every /v1 request each gateway process finished, counted per minute by
 * route, model, HTTP status and error code: the error rate's source, since
 * usage_records hold billed requests only. Written in batches (upserts of
 * the current minute), never per request. Disposable.
 */
export const requestStats = pgTable(
  "request_stats",
  {
    processId: text("process_id").notNull(),
    minute: timestamp("minute", { withTimezone: true }).notNull(),
    route: text("route").notNull(),
    /** The catalog model; '' before one was resolved. */
    model: text("model").notNull(),
    status: integer("status").notNull(),
    /** The error code (a mid-stream failure's too); '' for none. */
    code: text("code").notNull(),
    requests: integer("requests").notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.processId, table.minute, table.route, table.model, table.status, table.code] }),
    index("request_stats_minute_idx").on(table.minute),
  ],
);
