import { Elysia } from "elysia";
import { RequestRecord } from "../../admin/admin-schemas.ts";
import { presentRequest } from "../../admin/present.ts";
import { findUsageRecord } from "../../billing/usage-report.ts";
import type { Database } from "../../db/client.ts";
import { resourceNotFound } from "../../errors.ts";
import { jsonResponse } from "../reply.ts";
import { requestContext } from "../request-context.ts";
import { adminDetail } from "./admin-common.ts";

export const adminRequestRoutes = (db: Database) =>
  new Elysia({ name: "admin-requests" }).use(requestContext).get(
    "/admin/v1/requests/:request_id",
    async ({ params, ctx }) => {
      const record = await findUsageRecord(db, params.request_id);
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
