import { asc, eq, sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { adminKeys } from "../db/schema.ts";
import { invalidRequest } from "../errors.ts";
import { randomId } from "../util/random.ts";
import { displayPrefix, generateApiKey, hashApiKey } from "./api-key.ts";
import { keyIdNamedBy } from "./key-target.ts";

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

/** Revokes by id, by prefix (with or without the "…" the list prints) or by the full key (see keyIdNamedBy). */
export async function revokeAdminKey(db: Database, idOrPrefix: string): Promise<AdminKeyRow> {
  const id = await keyIdNamedBy(db, adminKeys, idOrPrefix, "management key");
  const [row] = await db
    .update(adminKeys)
    .set({ revokedAt: sql`coalesce(${adminKeys.revokedAt}, now())` })
    .where(eq(adminKeys.id, id))
    .returning();
  return row!;
}
