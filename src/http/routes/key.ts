import { type Static, Type as t } from "@sinclair/typebox";
import { Elysia } from "elysia";
import { LimitReset, Nullable, Time, Usd } from "../../admin/admin-schemas.ts";
import { workspaceSummary } from "../../admin/workspace-summary.ts";
import { findApiKey } from "../../auth/keys.ts";
import { formatUsd } from "../../billing/money.ts";
import { keySpending } from "../../billing/usage-report.ts";
import type { Database } from "../../db/client.ts";
import { authErrorResponses, documentResponses } from "../openapi-responses.ts";
import { jsonResponse } from "../reply.ts";
import { authenticated, requestContext } from "../request-context.ts";

export const KeyInfo = t.Object(
  {
    name: Nullable(t.String()),
    prefix: t.String(),
    workspace: t.String(),
    spend_limit_usd: Nullable(Usd),
    limit_reset: Nullable(LimitReset),
    limit_remaining_usd: Nullable(Usd),
    usage_usd: t.Object({ day: Usd, week: Usd, month: Usd, total: Usd }, { description: "Spent by this key: today, this week (from Monday), this month (UTC), in all" }),
    expires_at: Nullable(Time),
    models: Nullable(t.Array(t.String())),
  },
  { title: "KeyInfo" },
);

/** GET /v1/key: what the caller's own key may do and has spent (OpenRouter's /api/v1/key is the model). */
export const keyRoutes = (db: Database) =>
  new Elysia({ name: "key" }).use(requestContext).get(
    "/v1/key",
    async ({ ctx }) => {
      const { principal } = authenticated(ctx);
      const [row, spending, workspace] = await Promise.all([
        findApiKey(db, principal.keyId),
        // The period as billing enforces it: by the key as authenticated (the same cache the limit is checked with).
        keySpending(db, principal.keyId, principal.limitReset),
        workspaceSummary(db, principal.workspaceId),
      ]);
      const info: Static<typeof KeyInfo> = {
        name: row.name,
        prefix: row.prefix,
        workspace: workspace?.name ?? principal.workspaceId,
        spend_limit_usd: row.spendLimit === null ? null : formatUsd(row.spendLimit),
        limit_reset: row.limitReset,
        limit_remaining_usd: row.spendLimit === null ? null : formatUsd(max0(row.spendLimit - spending.period)),
        usage_usd: { day: formatUsd(spending.day), week: formatUsd(spending.week), month: formatUsd(spending.month), total: formatUsd(spending.total) },
        expires_at: row.expiresAt?.toISOString() ?? null,
        models: row.models,
      };
      return jsonResponse(JSON.stringify(info), ctx);
    },
    {
      detail: {
        summary: "The calling key",
        description:
          "Its name, prefix, workspace, spend limit and what is left of it in the current period (from UTC midnight, Monday or the 1st, or lifetime), what it spent today / this week / this month / in all, its expiry and its model list.",
        tags: ["Keys"],
        security: [{ bearerAuth: [] }],
        responses: documentResponses({ 200: { description: "The key", schema: KeyInfo }, ...authErrorResponses }),
      },
    },
  );

const max0 = (nano: bigint) => (nano < 0n ? 0n : nano);
