DROP INDEX "ledger_entries_workspace_time_idx";--> statement-breakpoint
DROP INDEX "ledger_entries_idempotency_idx";--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_entries_idempotency_idx" ON "ledger_entries" USING btree ("workspace_id","idempotency_key") WHERE idempotency_key is not null;