import { and, desc, eq, lt } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { usageRecords } from "../db/schema.ts";

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
export function listUsageRecords(db: Database, filter: RequestFilter) {
  return db
    .select()
    .from(usageRecords)
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
