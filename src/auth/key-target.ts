import { eq, or } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import type { adminKeys, apiKeys } from "../db/schema.ts";
import { invalidRequest, resourceNotFound } from "../errors.ts";
import { hashApiKey } from "./api-key.ts";

/**
 * The id of the one key in `table` that an operator's `given` names: its
 * id, its display prefix (as a list prints it, with or without the "…") or
 * the full key. None is a 404; several (a shared prefix) a 400 listing them.
 */
export async function keyIdNamedBy(db: Database, table: typeof apiKeys | typeof adminKeys, given: string, noun: string): Promise<string> {
  const text = given.trim();
  const matches = await db
    .select({ id: table.id })
    .from(table)
    .where(or(eq(table.id, text), eq(table.prefix, text.replace(/…$/, "")), eq(table.keyHash, hashApiKey(text))));
  if (matches.length === 0) throw resourceNotFound(`no ${noun} matches "${given}"`);
  if (matches.length > 1) throw invalidRequest(`"${given}" matches ${matches.length} ${noun}s; use the id (${matches.map((k) => k.id).join(", ")})`);
  return matches[0]!.id;
}
