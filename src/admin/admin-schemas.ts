// Plain TypeBox: Elysia's `t` variants coerce numeric strings. Admin objects are closed: a misspelt
// field (credits_usd for credit_usd) is a 400 naming it, not silently ignored.
import { type TSchema, Type as t } from "@sinclair/typebox";

/** Money in: a decimal string ("12.50", exact) or a JSON number (read as its shortest decimal). */
export const UsdAmount = t.Union([t.String({ examples: ["25.00"] }), t.Number()], {
  description: "USD as a decimal string with up to 9 decimals (exact); a JSON number is read as its shortest decimal form",
});
/** Money out: always an exact decimal string, like `x-opentoken-cost-usd`. */
export const Usd = t.String({ examples: ["12.500000001"], description: "USD, exact decimal" });
export const Time = t.String({ format: "date-time" });
export const Nullable = <T extends TSchema>(schema: T) => t.Union([schema, t.Null()]);
export const LimitReset = t.Union([t.Literal("daily"), t.Literal("weekly"), t.Literal("monthly")]);
const ModelList = t.Array(t.String({ maxLength: 200, examples: ["google/gemini-3-flash", "anthropic/*"] }), {
  maxItems: 1000,
  description: "Exact catalog ids or provider/*; null or absent: every model",
});
const KeyName = t.String({ maxLength: 200 });
/** A page cursor: a row id (bigint), at most 18 digits. */
export const Cursor = t.String({ pattern: "^[0-9]{1,18}$" });

export const CreateWorkspace = t.Object({ name: t.String(), credit_usd: t.Optional(UsdAmount) }, { additionalProperties: false });
export const Workspace = t.Object(
  { id: t.String(), name: t.String(), balance_usd: Usd, held_usd: Usd, available_usd: Usd, created_at: Time },
  { title: "Workspace" },
);

export const WorkspaceQuery = t.Object(
  {
    limit: t.Optional(t.String({ pattern: "^[0-9]+$" })),
    after: t.Optional(t.String({ maxLength: 200, description: "A workspace name: the page continues after it (pass `next_after`)" })),
    prefix: t.Optional(t.String({ maxLength: 200, description: "Only workspaces whose name starts with this" })),
  },
  { additionalProperties: false },
);
export const WorkspacePage = t.Object(
  { object: t.Literal("list"), data: t.Array(Workspace), has_more: t.Boolean(), next_after: Nullable(t.String()) },
  { title: "WorkspacePage", description: "Workspaces in name order; pass `next_after` as `after` for the next page" },
);

export const CreateCredit = t.Object({ amount_usd: UsdAmount, note: t.Optional(t.String({ maxLength: 1000 })) }, { additionalProperties: false });
export const LedgerEntry = t.Object(
  {
    id: t.String(),
    kind: t.Union([t.Literal("credit"), t.Literal("debit")]),
    amount_usd: Usd,
    note: Nullable(t.String()),
    request_id: Nullable(t.String()),
    created_at: Time,
  },
  { title: "LedgerEntry" },
);
export const Credit = t.Object({ entry: LedgerEntry, balance_usd: Usd }, { title: "Credit" });

export const CreateKey = t.Object(
  {
    name: t.Optional(KeyName),
    spend_limit_usd: t.Optional(UsdAmount),
    limit_reset: t.Optional(LimitReset),
    expires_at: t.Optional(Time),
    models: t.Optional(ModelList),
  },
  { additionalProperties: false },
);
export const UpdateKey = t.Object(
  {
    name: t.Optional(Nullable(KeyName)),
    spend_limit_usd: t.Optional(Nullable(UsdAmount)),
    limit_reset: t.Optional(Nullable(LimitReset)),
    expires_at: t.Optional(Nullable(Time)),
    models: t.Optional(Nullable(ModelList)),
  },
  { additionalProperties: false },
);
export const ApiKey = t.Object(
  {
    id: t.String(),
    workspace_id: t.String(),
    name: Nullable(t.String()),
    prefix: t.String({ description: "The key's first characters, to recognise it; never the key" }),
    status: t.Union([t.Literal("active"), t.Literal("revoked"), t.Literal("expired")]),
    spend_limit_usd: Nullable(Usd),
    limit_reset: Nullable(LimitReset),
    expires_at: Nullable(Time),
    models: Nullable(t.Array(t.String())),
    created_at: Time,
    last_used_at: Nullable(Time),
  },
  { title: "ApiKey" },
);
export const CreatedKey = t.Object({ ...ApiKey.properties, key: t.String({ description: "The full key: shown this once" }) }, { title: "CreatedKey" });

export const UsageQuery = t.Object(
  {
    since: t.Optional(Time),
    until: t.Optional(Time),
    group_by: t.Optional(t.Union([t.Literal("day"), t.Literal("model"), t.Literal("key"), t.Literal("supplier")])),
  },
  { additionalProperties: false },
);
/** A request's token counts, or a group's sums. */
const TokenCounts = {
  input_tokens: t.Integer(),
  cached_tokens: t.Integer(),
  cache_write_tokens: t.Integer(),
  output_tokens: t.Integer(),
  reasoning_tokens: t.Integer(),
};
/** What a group of usage records adds up to. */
export const UsageSums = { requests: t.Integer(), ...TokenCounts, cost_usd: Usd, estimated_requests: t.Integer() };
export const UsageRow = t.Object(
  { group: t.String({ description: "The day (YYYY-MM-DD, UTC), model id, key id or supplier; 'all' without group_by" }), ...UsageSums },
  { title: "UsageRow" },
);

export const LedgerQuery = t.Object(
  { limit: t.Optional(t.String({ pattern: "^[0-9]+$" })), before: t.Optional(Cursor) },
  { additionalProperties: false },
);
export const LedgerPage = Page(LedgerEntry, "LedgerPage");

export const RequestRecord = t.Object(
  {
    request_id: t.String(),
    workspace_id: t.String(),
    workspace: t.String({ description: "The workspace's name" }),
    key_id: t.String(),
    model: t.String(),
    supplier: Nullable(t.String()),
    status: Nullable(t.String()),
    ...TokenCounts,
    cost_usd: Usd,
    estimated: t.Boolean(),
    duration_ms: Nullable(t.Integer()),
    ttfb_ms: Nullable(t.Integer()),
    created_at: Time,
  },
  { title: "RequestRecord" },
);

export const List = <T extends TSchema>(item: T, title: string) => t.Object({ object: t.Literal("list"), data: t.Array(item) }, { title });

/** A newest-first page: pass `next_before` as `before` for the next one. */
export function Page<T extends TSchema>(item: T, title: string) {
  return t.Object({ object: t.Literal("list"), data: t.Array(item), has_more: t.Boolean(), next_before: Nullable(t.String()) }, { title });
}
