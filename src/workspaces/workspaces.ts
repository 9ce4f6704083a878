import { asc, eq, sql } from "drizzle-orm";
import { creditWorkspace } from "../billing/ledger.ts";
import type { Database } from "../db/client.ts";
import { conflict, invalidRequest, resourceNotFound } from "../errors.ts";
import { billingAccounts, workspaces } from "../db/schema.ts";
import { randomId } from "../util/random.ts";

export type Workspace = typeof workspaces.$inferSelect;

/** Creates a workspace with a billing account, funded when `credit` > 0. */
export async function createWorkspace(db: Database, name: string, credit = 0n): Promise<Workspace> {
  const trimmed = name.trim();
  if (!/^[\w.-]{1,64}$/.test(trimmed)) {
    throw invalidRequest(`workspace name "${name}" is invalid: use 1-64 letters, digits, "_", "-" or "."`, "name");
  }
  return db.transaction(async (tx) => {
    const [workspace] = await tx
      .insert(workspaces)
      .values({ id: randomId("ws"), name: trimmed })
      .onConflictDoNothing()
      .returning();
    if (!workspace) throw conflict(`workspace "${trimmed}" already exists`, "name");
    await tx.insert(billingAccounts).values({ workspaceId: workspace.id });
    if (credit > 0n) await creditWorkspace(tx, workspace.id, credit, "initial credit");
    return workspace;
  });
}

/** Finds a workspace by name or id. */
export async function findWorkspace(db: Database, nameOrId: string): Promise<Workspace> {
  const [workspace] = await db
    .select()
    .from(workspaces)
    .where(sql`${workspaces.name} = ${nameOrId} or ${workspaces.id} = ${nameOrId}`);
  if (!workspace) throw resourceNotFound(`workspace "${nameOrId}" not found`);
  return workspace;
}

export async function listWorkspaces(db: Database) {
  return db
    .select({
      id: workspaces.id,
      name: workspaces.name,
      createdAt: workspaces.createdAt,
      balance: billingAccounts.balance,
    })
    .from(workspaces)
    .leftJoin(billingAccounts, eq(billingAccounts.workspaceId, workspaces.id))
    .orderBy(asc(workspaces.createdAt));
}
