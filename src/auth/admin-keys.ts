import { asc, eq, or, sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { adminKeys } from "../db/schema.ts";
import { invalidRequest, resourceNotFound } from "../errors.ts";
import { randomId } from "../util/random.ts";
import { displayPrefix, generateApiKey, hashApiKey } from "./api-key.ts";

export type AdminKeyRow = typeof adminKeys.$inferSelect;

/** Issues a management key (the `sk-optk-` format, stored as a hash); the returned key is shown once. */
export async function createAdminKey(db: Database, name: string) {
  if (name.trim() === "") throw invalidRequest("a management key needs a name", "name");
  const key = generateApiKey();
  const [row] = await db
    .insert(adminKeys)
    .values({ id: randomId("adm"), name: name.trim(), keyHash: hashApiKey(key), prefix: displayPrefix(key) })
    .returning();
  return { key, row: row! };
}

export const listAdminKeys = (db: Database) => db.select().from(adminKeys).orderBy(asc(adminKeys.createdAt));

/** Revokes by id, by prefix (with or without the "…" the list prints) or by the full key. */
export async function revokeAdminKey(db: Database, idOrPrefix: string): Promise<AdminKeyRow> {
  const given = idOrPrefix.trim();
  const matches = await db
    .select()
    .from(adminKeys)
    .where(or(eq(adminKeys.id, given), eq(adminKeys.prefix, given.replace(/…$/, "")), eq(adminKeys.keyHash, hashApiKey(given))));
  if (matches.length === 0) throw resourceNotFound(`no management key matches "${idOrPrefix}"`);
  if (matches.length > 1) throw invalidRequest(`"${idOrPrefix}" matches ${matches.length} management keys; use the id`);
  const [row] = await db
    .update(adminKeys)
    .set({ revokedAt: sql`coalesce(${adminKeys.revokedAt}, now())` })
    .where(eq(adminKeys.id, matches[0]!.id))
    .returning();
  return row!;
}
