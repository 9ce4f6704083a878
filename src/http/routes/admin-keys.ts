import { Elysia } from "elysia";
import { ApiKey, CreatedKey, CreateKey, List, UpdateKey } from "../../admin/admin-schemas.ts";
import { amountOf, presentKey } from "../../admin/present.ts";
import { createApiKey, listApiKeys, revokeApiKeyById, updateApiKey } from "../../auth/keys.ts";
import type { Database } from "../../db/client.ts";
import { findWorkspace } from "../../workspaces/workspaces.ts";
import { jsonResponse } from "../reply.ts";
import { requestContext } from "../request-context.ts";
import { adminDetail, timeParam } from "./admin-common.ts";

const present = (row: Parameters<typeof presentKey>[0]) => JSON.stringify(presentKey(row));

export const adminKeyRoutes = (db: Database) =>
  new Elysia({ name: "admin-keys" })
    .use(requestContext)
    .post(
      "/admin/v1/workspaces/:name/keys",
      async ({ params, body, ctx }) => {
        const workspace = await findWorkspace(db, params.name);
        const { key, row } = await createApiKey(db, workspace.id, {
          name: body.name,
          spendLimit: body.spend_limit_usd === undefined ? undefined : amountOf(body.spend_limit_usd, "spend_limit_usd"),
          limitReset: body.limit_reset,
          expiresAt: timeParam(body.expires_at, "expires_at"),
          models: body.models,
          source: "admin",
        });
        return jsonResponse(JSON.stringify({ ...presentKey(row), key }), ctx, 201);
      },
      {
        body: CreateKey,
        detail: adminDetail(
          "Create a key",
          "Issues a customer key for the workspace. The full key is in this reply only: it is stored as a hash. `models` limits it to those catalog ids (or `provider/*`).",
          { status: 201, schema: CreatedKey, description: "The key, shown once" },
          { 404: "not_found" },
        ),
      },
    )
    .get(
      "/admin/v1/workspaces/:name/keys",
      async ({ params, ctx }) => {
        const workspace = await findWorkspace(db, params.name);
        return jsonResponse(JSON.stringify({ object: "list", data: (await listApiKeys(db, workspace.id)).map((row) => presentKey(row)) }), ctx);
      },
      { detail: adminDetail("List a workspace's keys", "Prefixes only, never keys.", { schema: List(ApiKey, "ApiKeyList"), description: "The keys" }, { 404: "not_found" }) },
    )
    .patch(
      "/admin/v1/keys/:id",
      async ({ params, body, ctx }) => {
        const row = await updateApiKey(db, params.id, {
          name: body.name,
          spendLimit: body.spend_limit_usd === undefined || body.spend_limit_usd === null ? body.spend_limit_usd : amountOf(body.spend_limit_usd, "spend_limit_usd"),
          limitReset: body.limit_reset,
          expiresAt: body.expires_at === undefined || body.expires_at === null ? body.expires_at : timeParam(body.expires_at, "expires_at"),
          models: body.models,
        });
        return jsonResponse(present(row), ctx);
      },
      {
        body: UpdateKey,
        detail: adminDetail(
          "Change a key",
          "Name, spend limit and its reset, expiry, model list; `null` clears one. Running gateways apply it within KEY_CACHE_SECONDS.",
          { schema: ApiKey, description: "The key" },
          { 404: "not_found" },
        ),
      },
    )
    .delete(
      "/admin/v1/keys/:id",
      async ({ params, ctx }) => jsonResponse(present(await revokeApiKeyById(db, params.id)), ctx),
      { detail: adminDetail("Revoke a key", "Refused by running gateways within KEY_CACHE_SECONDS.", { schema: ApiKey, description: "The revoked key" }, { 404: "not_found" }) },
    );
