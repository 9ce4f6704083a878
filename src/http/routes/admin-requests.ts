import { Elysia } from "elysia";
import { RequestRecord } from "../../admin/admin-schemas.ts";
import { presentRequest } from "../../admin/present.ts";
import { findRequestRecord, listUsageRecords } from "../../admin/request-list.ts";
import { RequestPage, RequestQuery } from "../../admin/stats-schemas.ts";
import type { Database } from "../../db/client.ts";
import { resourceNotFound } from "../../errors.ts";
import { findWorkspace } from "../../workspaces/workspaces.ts";
import { limitParam } from "../query-params.ts";
import { jsonResponse } from "../reply.ts";
import { requestContext } from "../request-context.ts";
import { adminDetail, cursorPage } from "./admin-common.ts";

const MAX_REQUEST_PAGE = 500;

export const adminRequestRoutes = (db: Database) =>
  new Elysia({ name: "admin-requests" })
    .use(requestContext)
    .get(
      "/admin/v1/requests",
      async ({ query, ctx }) => {
        const limit = limitParam(query.limit, MAX_REQUEST_PAGE, 50);
        const workspace = query.workspace === undefined ? undefined : await findWorkspace(db, query.workspace);
        // One more than asked for says whether another page exists.
        const rows = await listUsageRecords(db, {
          workspaceId: workspace?.id,
          keyId: query.key,
          model: query.model,
          supplier: query.supplier,
          status: query.status,
          before: query.before === undefined ? undefined : BigInt(query.before),
          limit: limit + 1,
        });
        return jsonResponse(JSON.stringify(cursorPage(rows, limit, presentRequest, (row) => row.id.toString())), ctx);
      },
      {
        query: RequestQuery,
        detail: adminDetail(
          "List requests",
          `Usage records of billed requests, newest first, filtered by workspace (name or id), key id, model, supplier and status; \`limit\` 1 to ${MAX_REQUEST_PAGE} (default 50). Pass \`next_before\` as \`before\` for the next page.`,
          { schema: RequestPage, description: "A page of request records" },
          { 404: "not_found: no such workspace" },
        ),
      },
    )
    .get(
      "/admin/v1/requests/:request_id",
      async ({ params, ctx }) => {
        const record = await findRequestRecord(db, params.request_id);
        if (!record) throw resourceNotFound(`no billed request "${params.request_id}" (requests that failed before a reply are not billed)`);
        return jsonResponse(JSON.stringify(presentRequest(record)), ctx);
      },
      {
        detail: adminDetail(
          "Get a request's record",
          "The usage record of a billed request by its `x-request-id`: model, supplier, tokens, cost, whether estimated, status, duration and time to first byte.",
          { schema: RequestRecord, description: "The usage record" },
          { 404: "not_found" },
        ),
      },
    );
