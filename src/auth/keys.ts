import { and, asc, eq, isNull, ne, sql } from "drizzle-orm";
import type { LimitReset } from "../billing/limit-period.ts";
import type { Database } from "../db/client.ts";
import { apiKeys } from "../db/schema.ts";
import { invalidRequest, resourceNotFound } from "../errors.ts";
import { randomId } from "../util/random.ts";
import { displayPrefix, generateApiKey, hashApiKey } from "./api-key.ts";
import { keyIdNamedBy } from "./key-target.ts";
import { MODEL_PATTERN } from "./model-access.ts";

export type ApiKeyRow = typeof apiKeys.$inferSelect;

/** What a key is now: revoked, past its expiry, or active. */
export const keyStatus = (row: Pick<ApiKeyRow, "revokedAt" | "expiresAt">, now = new Date()): "active" | "revoked" | "expired" =>
  row.revokedAt ? "revoked" : row.expiresAt && row.expiresAt <= now ? "expired" : "active";

export interface NewKeyOptions {
  name?: string;
  spendLimit?: bigint;
  /** Without one, the spend limit is lifetime. */
  limitReset?: LimitReset;
  expiresAt?: Date;
  /** Exact catalog ids or `provider/*`; undefined = every model. */
  models?: string[];
  source?: "cli" | "admin";
}

/** A key's model list as given: each entry an exact id or `provider/*`; an empty list is refused (it would allow nothing). */
export function checkModelList(models: string[] | undefined, param = "models"): string[] | undefined {
  if (models === undefined) return undefined;
  if (models.length === 0) throw invalidRequest("a model list must name at least one model (omit it for every model)", param);
  for (const model of models) {
    if (!MODEL_PATTERN.test(model)) throw invalidRequest(`"${model}" is neither a model id (provider/model) nor provider/*`, param);
  }
  return [...new Set(models)];
}

/** Issues a key; the returned `key` is the only time the full secret exists outside the client. */
export async function createApiKey(db: Database, workspaceId: string, options: NewKeyOptions = {}) {
  if (options.limitReset && options.spendLimit === undefined) throw invalidRequest("a limit reset needs a spend limit", "limit_reset");
  const models = checkModelList(options.models);
  const key = generateApiKey();
  const [row] = await db
    .insert(apiKeys)
    .values({
      id: randomId("key"),
      workspaceId,
      name: options.name ?? null,
      keyHash: hashApiKey(key),
      prefix: displayPrefix(key),
      expiresAt: options.expiresAt ?? null,
      spendLimit: options.spendLimit ?? null,
      limitReset: options.limitReset ?? null,
      models: models ?? null,
      source: options.source ?? "cli",
    })
    .returning();
  return { key, row: row! };
}

/** What may change on an existing key; `null` clears a limit, an expiry or a model list. */
export interface KeyChanges {
  name?: string | null;
  spendLimit?: bigint | null;
  limitReset?: LimitReset | null;
  expiresAt?: Date | null;
  models?: string[] | null;
}

/** Changes a key; running gateways pick it up within KEY_CACHE_SECONDS. */
export async function updateApiKey(db: Database, id: string, changes: KeyChanges): Promise<ApiKeyRow> {
  const models = changes.models === null ? null : checkModelList(changes.models);
  if (Object.values(changes).every((value) => value === undefined)) {
    throw invalidRequest("nothing to change: give name, spend_limit_usd, limit_reset, expires_at or models");
  }
  // The rule holds for the row as it will be, checked in the same statement: two changes at once cannot leave a reset without a limit.
  const limitAfter = changes.spendLimit === undefined ? sql`${apiKeys.spendLimit}` : sql`${changes.spendLimit}::bigint`;
  const resetAfter = changes.limitReset === undefined ? sql`${apiKeys.limitReset}` : sql`${changes.limitReset}::text`;
  const [row] = await db
    .update(apiKeys)
    .set({
      ...(changes.name !== undefined && { name: changes.name }),
      ...(changes.spendLimit !== undefined && { spendLimit: changes.spendLimit }),
      ...(changes.limitReset !== undefined && { limitReset: changes.limitReset }),
      ...(changes.expiresAt !== undefined && { expiresAt: changes.expiresAt }),
      ...(models !== undefined && { models }),
    })
    .where(and(eq(apiKeys.id, id), sql`not (${resetAfter} is not null and ${limitAfter} is null)`))
    .returning();
  if (row) return row;
  await findApiKey(db, id); // 404 when there is no such key
  throw invalidRequest("a limit reset needs a spend limit", "limit_reset");
}

export async function findApiKey(db: Database, id: string): Promise<ApiKeyRow> {
  const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, id));
  if (!row) throw resourceNotFound(`key "${id}" not found`);
  return row;
}

export function listApiKeys(db: Database, workspaceId?: string) {
  return db
    .select()
    .from(apiKeys)
    .where(workspaceId ? eq(apiKeys.workspaceId, workspaceId) : undefined)
    .orderBy(asc(apiKeys.createdAt));
}

/** Revokes by key id, by display prefix (as `key list` prints it) or by the full key (see keyIdNamedBy). */
export async function revokeApiKey(db: Database, idOrPrefix: string): Promise<ApiKeyRow> {
  return revokeApiKeyById(db, await keyIdNamedBy(db, apiKeys, idOrPrefix, "key"));
}

/** Revokes the key with this id (again: its first revocation time stays); 404 when there is none. */
export async function revokeApiKeyById(db: Database, id: string): Promise<ApiKeyRow> {
  const [revoked] = await db
    .update(apiKeys)
    .set({ revokedAt: sql`coalesce(${apiKeys.revokedAt}, now())` })
    .where(eq(apiKeys.id, id))
    .returning();
  if (!revoked) throw resourceNotFound(`key "${id}" not found`);
  return revoked;
}

/**
 * Registers OPENTOKEN_DEMO_KEY as a key of the `demo` workspace and revokes
 * any demo key from an earlier setting, so changing the variable retires the
 * old key.
 */
export async function ensureEnvKey(db: Database, workspaceId: string, key: string) {
  const keyHash = hashApiKey(key);
  await db
    .update(apiKeys)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(apiKeys.source, "env"), ne(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt)));
  await db
    .insert(apiKeys)
    .values({ id: randomId("key"), workspaceId, name: "OPENTOKEN_DEMO_KEY", keyHash, prefix: displayPrefix(key), source: "env" })
    // Never take over a key that was issued by the CLI.
    .onConflictDoUpdate({ target: apiKeys.keyHash, set: { revokedAt: null, workspaceId }, setWhere: eq(apiKeys.source, "env") });
}
