import { and, desc, eq, getTableColumns, lt } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { usageRecords, workspaces } from "../db/schema.ts";

/** A usage record with its workspace's name, as the admin API shows it. */
export type RequestRow = typeof usageRecords.$inferSelect & { workspaceName: string };

const columns = { ...getTableColumns(usageRecords), workspaceName: workspaces.name };
const withWorkspace = (db: Database) =>
  db.select(columns).from(usageRecords).innerJoin(workspaces, eq(workspaces.id, usageRecords.workspaceId));

export interface RequestFilter {
  workspaceId?: string;
  keyId?: string;
  model?: string;
  supplier?: string;
  status?: "completed" | "incomplete";
  /** A usage record id: continue below it (cursor pagination). */
  before?: bigint;
  limit: number;
}

/** Usage records matching every given filter, newest first. */
export function listUsageRecords(db: Database, filter: RequestFilter): Promise<RequestRow[]> {
  return withWorkspace(db)
    .where(
      and(
        filter.workspaceId === undefined ? undefined : eq(usageRecords.workspaceId, filter.workspaceId),
        filter.keyId === undefined ? undefined : eq(usageRecords.apiKeyId, filter.keyId),
        filter.model === undefined ? undefined : eq(usageRecords.modelId, filter.model),
        filter.supplier === undefined ? undefined : eq(usageRecords.supplier, filter.supplier),
        filter.status === undefined ? undefined : eq(usageRecords.status, filter.status),
        filter.before === undefined ? undefined : lt(usageRecords.id, filter.before),
      ),
    )
    .orderBy(desc(usageRecords.id))
    .limit(filter.limit);
}

/** The usage record of a billed request, by its request id. */
export async function findRequestRecord(db: Database, requestId: string): Promise<RequestRow | undefined> {
  const [row] = await withWorkspace(db).where(eq(usageRecords.requestId, requestId));
  return row;
}
