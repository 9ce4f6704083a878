import { and, asc, eq, isNull, ne, or, sql } from "drizzle-orm";
import type { LimitReset } from "../billing/limit-period.ts";
import type { Database } from "../db/client.ts";
import { apiKeys } from "../db/schema.ts";
import { UserError } from "../errors.ts";
import { randomId } from "../util/random.ts";
import { displayPrefix, generateApiKey, hashApiKey } from "./api-key.ts";

export type ApiKeyRow = typeof apiKeys.$inferSelect;

export interface NewKeyOptions {
  name?: string;
  spendLimit?: bigint;
  /** Without one, the spend limit is lifetime. */
  limitReset?: LimitReset;
  expiresAt?: Date;
}

/** Issues a key; the returned `key` is the only time the full secret exists outside the client. */
export async function createApiKey(db: Database, workspaceId: string, options: NewKeyOptions = {}) {
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
    })
    .returning();
  return { key, row: row! };
}

export function listApiKeys(db: Database, workspaceId?: string) {
  return db
    .select()
    .from(apiKeys)
    .where(workspaceId ? eq(apiKeys.workspaceId, workspaceId) : undefined)
    .orderBy(asc(apiKeys.createdAt));
}

/**
 * Revokes by key id, by display prefix (as `key list` prints it, with or
 * without its "…") or by the full key; an ambiguous prefix is refused.
 */
export async function revokeApiKey(db: Database, idOrPrefix: string): Promise<ApiKeyRow> {
  const given = idOrPrefix.trim();
  const prefix = given.replace(/…$/, "");
  const matches = await db
    .select()
    .from(apiKeys)
    .where(or(eq(apiKeys.id, given), eq(apiKeys.prefix, prefix), eq(apiKeys.keyHash, hashApiKey(given))));
  if (matches.length === 0) throw new UserError(`no key matches "${idOrPrefix}"`);
  if (matches.length > 1) {
    throw new UserError(`"${idOrPrefix}" matches ${matches.length} keys; use the key id (${matches.map((k) => k.id).join(", ")})`);
  }
  const [revoked] = await db
    .update(apiKeys)
    .set({ revokedAt: sql`coalesce(${apiKeys.revokedAt}, now())` })
    .where(eq(apiKeys.id, matches[0]!.id))
    .returning();
  return revoked!;
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
