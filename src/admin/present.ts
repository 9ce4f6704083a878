import type { Static } from "@sinclair/typebox";
import { type ApiKeyRow, keyStatus } from "../auth/keys.ts";
import type { LedgerEntry as LedgerRow } from "../billing/ledger.ts";
import { formatUsd, parseUsd } from "../billing/money.ts";
import type { UsageSums } from "../billing/usage-report.ts";
import { ApiError, invalidRequest } from "../errors.ts";
import type { ApiKey, LedgerEntry, RequestRecord, UsageRow, Workspace } from "./admin-schemas.ts";
import type { RequestRow } from "./request-list.ts";
import type { WorkspaceSummary } from "./workspace-summary.ts";

/** Rows as the admin API shows them: money as exact decimal strings, times as ISO-8601. */

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** A USD amount from the API (string or number) as nano-USD; a bad one is a 400 naming `param`. */
/** The most one amount may be: a balance or limit must stay far below the ledger's bigint nano-USD range (≈ $9.2 billion). */
const MAX_AMOUNT_NANO = 1_000_000_000n * 1_000_000_000n;

/** A money amount from an admin request, in nano-USD; a malformed or too large one is a 400 naming `param`. */
export function amountOf(value: string | number, param: string): bigint {
  let amount: bigint;
  try {
    amount = parseUsd(String(value));
  } catch (error) {
    throw error instanceof ApiError ? error.with({ param }) : error;
  }
  if (amount > MAX_AMOUNT_NANO) throw invalidRequest("an amount may be at most $1,000,000,000", param);
  return amount;
}

export function presentWorkspace(summary: WorkspaceSummary): Static<typeof Workspace> {
  const balance = summary.balance ?? 0n;
  return {
    id: summary.id,
    name: summary.name,
    balance_usd: formatUsd(balance),
    held_usd: formatUsd(summary.held),
    available_usd: formatUsd(balance - summary.held),
    created_at: summary.createdAt.toISOString(),
  };
}

export function presentKey(row: ApiKeyRow, now = new Date()): Static<typeof ApiKey> {
  return {
    id: row.id,
    workspace_id: row.workspaceId,
    name: row.name,
    prefix: row.prefix,
    status: keyStatus(row, now),
    spend_limit_usd: row.spendLimit === null ? null : formatUsd(row.spendLimit),
    limit_reset: row.limitReset,
    expires_at: iso(row.expiresAt),
    models: row.models,
    created_at: row.createdAt.toISOString(),
    last_used_at: iso(row.lastUsedAt),
  };
}

export function presentLedgerEntry(row: LedgerRow): Static<typeof LedgerEntry> {
  return {
    id: row.id.toString(),
    kind: row.kind,
    amount_usd: formatUsd(row.amount),
    note: row.note,
    request_id: row.requestId,
    created_at: row.createdAt.toISOString(),
  };
}

/** Requests, tokens and cost of a group of usage records. */
export function presentUsageSums(row: UsageSums) {
  return {
    requests: row.requests,
    input_tokens: Number(row.promptTokens),
    cached_tokens: Number(row.cachedTokens),
    cache_write_tokens: Number(row.cacheWriteTokens),
    output_tokens: Number(row.completionTokens),
    reasoning_tokens: Number(row.reasoningTokens),
    cost_usd: formatUsd(row.cost),
    estimated_requests: row.estimated,
  };
}

export const presentUsageRow = (row: UsageSums & { group: string }): Static<typeof UsageRow> => ({ group: row.group, ...presentUsageSums(row) });

export function presentRequest(row: RequestRow): Static<typeof RequestRecord> {
  return {
    request_id: row.requestId,
    workspace_id: row.workspaceId,
    workspace: row.workspaceName,
    key_id: row.apiKeyId,
    model: row.modelId,
    supplier: row.supplier,
    status: row.status,
    input_tokens: row.promptTokens,
    cached_tokens: row.cachedTokens,
    cache_write_tokens: row.cacheWriteTokens,
    output_tokens: row.completionTokens,
    reasoning_tokens: row.reasoningTokens,
    cost_usd: formatUsd(row.cost),
    estimated: row.estimated,
    duration_ms: row.durationMs,
    ttfb_ms: row.ttfbMs,
    created_at: row.createdAt.toISOString(),
  };
}
