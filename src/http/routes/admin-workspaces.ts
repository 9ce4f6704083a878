import { Elysia } from "elysia";
import {
  CreateCredit,
  CreateWorkspace,
  Credit,
  LedgerPage,
  LedgerQuery,
  List,
  UsageQuery,
  UsageRow,
  Workspace,
  WorkspacePage,
  WorkspaceQuery,
} from "../../admin/admin-schemas.ts";
import { amountOf, presentLedgerEntry, presentUsageRow, presentWorkspace } from "../../admin/present.ts";
import { workspacePage, workspaceSummary } from "../../admin/workspace-summary.ts";
import { addCredit, listLedger } from "../../billing/ledger.ts";
import { formatUsd } from "../../billing/money.ts";
import { usageTotals } from "../../billing/usage-report.ts";
import type { Database } from "../../db/client.ts";
import { invalidRequest, resourceNotFound } from "../../errors.ts";
import { createWorkspace, findWorkspace } from "../../workspaces/workspaces.ts";
import { limitParam } from "../query-params.ts";
import { jsonResponse } from "../reply.ts";
import { requestContext } from "../request-context.ts";
import { adminDetail, cursorPage, timeParam } from "./admin-common.ts";

const MAX_LEDGER_PAGE = 500;
const MAX_WORKSPACE_PAGE = 500;

async function summaryOf(db: Database, name: string) {
  const summary = await workspaceSummary(db, name);
  if (!summary) throw resourceNotFound(`workspace "${name}" not found`);
  return summary;
}

/** What an Idempotency-Key promises: the same amount and note. */
const requestHash = (amount: bigint, note: string | null) => Bun.CryptoHasher.hash("sha256", JSON.stringify([amount.toString(), note]), "hex");

export const adminWorkspaceRoutes = (db: Database) =>
  new Elysia({ name: "admin-workspaces" })
    .use(requestContext)
    .post(
      "/admin/v1/workspaces",
      async ({ body, ctx }) => {
        const credit = body.credit_usd === undefined ? 0n : amountOf(body.credit_usd, "credit_usd");
        const workspace = await createWorkspace(db, body.name, credit);
        return jsonResponse(JSON.stringify(presentWorkspace(await summaryOf(db, workspace.id))), ctx, 201);
      },
      {
        body: CreateWorkspace,
        detail: adminDetail("Create a workspace", "A workspace with a billing account, funded with `credit_usd` when given.", {
          status: 201,
          schema: Workspace,
          description: "The workspace",
        }, { 409: "conflict: a workspace of that name exists" }),
      },
    )
    .get(
      "/admin/v1/workspaces",
      async ({ query, ctx }) => {
        const limit = limitParam(query.limit, MAX_WORKSPACE_PAGE, 100);
        const rows = await workspacePage(db, { limit, after: query.after, prefix: query.prefix });
        const data = rows.slice(0, limit).map(presentWorkspace);
        const hasMore = rows.length > limit;
        return jsonResponse(JSON.stringify({ object: "list", data, has_more: hasMore, next_after: hasMore ? data.at(-1)!.name : null }), ctx);
      },
      {
        query: WorkspaceQuery,
        detail: adminDetail(
          "List workspaces",
          `Workspaces in name order with their balance, held and available credit, \`limit\` (1 to ${MAX_WORKSPACE_PAGE}, default 100) at a time; \`prefix\` keeps those whose name starts with it.`,
          { schema: WorkspacePage, description: "A page of workspaces" },
        ),
      },
    )
    .get(
      "/admin/v1/workspaces/:name",
      async ({ params, ctx }) => jsonResponse(JSON.stringify(presentWorkspace(await summaryOf(db, params.name))), ctx),
      {
        detail: adminDetail("Get a workspace", "Balance (the ledger's sum), credit held by requests in flight, and what is available.", {
          schema: Workspace,
          description: "The workspace",
        }, { 404: "not_found" }),
      },
    )
    .post(
      "/admin/v1/workspaces/:name/credits",
      async ({ params, body, ctx, request }) => {
        const workspace = await findWorkspace(db, params.name);
        const amount = amountOf(body.amount_usd, "amount_usd");
        const note = body.note ?? null;
        const key = request.headers.get("idempotency-key") ?? undefined;
        if (key !== undefined && (key.length === 0 || key.length > 255)) {
          throw invalidRequest("Idempotency-Key must be 1 to 255 characters", "Idempotency-Key");
        }
        const idempotency = key === undefined ? undefined : { key, requestHash: requestHash(amount, note) };
        const { entry, balance, replayed } = await addCredit(db, workspace.id, amount, note, idempotency);
        const reply = jsonResponse(JSON.stringify({ entry: presentLedgerEntry(entry), balance_usd: formatUsd(balance) }), ctx, replayed ? 200 : 201);
        if (replayed) reply.headers.set("idempotent-replayed", "true");
        return reply;
      },
      {
        body: CreateCredit,
        detail: adminDetail(
          "Credit a workspace",
          "Appends a credit to the ledger and raises the balance. With an `Idempotency-Key` header (e.g. a payment id), the same key again returns the same ledger entry (200, `Idempotent-Replayed: true`) and credits nothing more, even when the calls race; the same key with another amount or note is a 409.",
          { status: 201, schema: Credit, description: "The ledger entry and the new balance" },
          { 404: "not_found", 409: "conflict: the Idempotency-Key was used for a different credit" },
        ),
      },
    )
    .get(
      "/admin/v1/workspaces/:name/usage",
      async ({ params, query, ctx }) => {
        const workspace = await findWorkspace(db, params.name);
        const rows = await usageTotals(db, workspace.id, {
          since: timeParam(query.since, "since"),
          until: timeParam(query.until, "until"),
          by: query.group_by,
        });
        return jsonResponse(JSON.stringify({ object: "list", data: rows.map(presentUsageRow) }), ctx);
      },
      {
        query: UsageQuery,
        detail: adminDetail(
          "Workspace usage",
          "Requests, tokens and cost from the usage records in [since, until), in total or grouped by day (UTC), model, key or supplier.",
          { schema: List(UsageRow, "UsageList"), description: "Usage rows" },
          { 404: "not_found" },
        ),
      },
    )
    .get(
      "/admin/v1/workspaces/:name/ledger",
      async ({ params, query, ctx }) => {
        const workspace = await findWorkspace(db, params.name);
        const limit = limitParam(query.limit, MAX_LEDGER_PAGE, 100);
        // One more than asked for says whether another page exists.
        const rows = await listLedger(db, workspace.id, limit + 1, query.before === undefined ? undefined : BigInt(query.before));
        return jsonResponse(JSON.stringify(cursorPage(rows, limit, presentLedgerEntry, (row) => row.id.toString())), ctx);
      },
      {
        query: LedgerQuery,
        detail: adminDetail(
          "Workspace ledger",
          "Credits and debits, newest first. Pass `next_before` as `before` for the next page.",
          { schema: LedgerPage, description: "A page of ledger entries" },
          { 404: "not_found" },
        ),
      },
    );
