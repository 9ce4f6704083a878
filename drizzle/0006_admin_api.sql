CREATE TABLE "admin_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"key_hash" text NOT NULL,
	"prefix" text NOT NULL,
	"revoked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	CONSTRAINT "admin_keys_key_hash_unique" UNIQUE("key_hash")
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "models" text[];--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD COLUMN "idempotency_key" text;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD COLUMN "idempotency_hash" text;--> statement-breakpoint
ALTER TABLE "usage_records" ADD COLUMN "status" text;--> statement-breakpoint
ALTER TABLE "usage_records" ADD COLUMN "duration_ms" integer;--> statement-breakpoint
ALTER TABLE "usage_records" ADD COLUMN "ttfb_ms" integer;--> statement-breakpoint
CREATE INDEX "ledger_entries_workspace_id_idx" ON "ledger_entries" USING btree ("workspace_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_entries_idempotency_idx" ON "ledger_entries" USING btree ("workspace_id","idempotency_key");--> statement-breakpoint
-- settle_batch (0005) now also records each request's status, duration and time to first byte.
CREATE OR REPLACE FUNCTION settle_batch(p_batch jsonb) RETURNS integer
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_fresh text[];
BEGIN
  PERFORM 1 FROM billing_accounts
  WHERE workspace_id IN (SELECT DISTINCT row->>'workspace_id' FROM jsonb_array_elements(p_batch) AS row)
  ORDER BY workspace_id FOR UPDATE;

  WITH batch AS (
    SELECT * FROM jsonb_to_recordset(p_batch) AS b(
      request_id text, workspace_id text, api_key_id text, model_id text,
      prompt_tokens int, completion_tokens int, cached_tokens int, cache_write_tokens int, reasoning_tokens int,
      cost_nano bigint, estimated boolean, supplier text, status text, duration_ms int, ttfb_ms int)
  ), inserted AS (
    INSERT INTO usage_records (request_id, workspace_id, api_key_id, model_id, prompt_tokens, completion_tokens,
                               cached_tokens, cache_write_tokens, reasoning_tokens, cost_nano, estimated, supplier,
                               status, duration_ms, ttfb_ms)
    SELECT request_id, workspace_id, api_key_id, model_id, prompt_tokens, completion_tokens,
           cached_tokens, cache_write_tokens, reasoning_tokens, cost_nano, estimated, supplier,
           status, duration_ms, ttfb_ms
    FROM batch
    ON CONFLICT (request_id) DO NOTHING
    RETURNING request_id
  )
  SELECT coalesce(array_agg(request_id), '{}') INTO v_fresh FROM inserted;
  IF cardinality(v_fresh) = 0 THEN
    RETURN 0;
  END IF;

  WITH fresh AS (
    SELECT * FROM jsonb_to_recordset(p_batch) AS b(
      request_id text, workspace_id text, api_key_id text, model_id text, cost_nano bigint, period_start timestamptz)
    WHERE b.request_id = ANY (v_fresh)
  ), debits AS (
    INSERT INTO ledger_entries (workspace_id, amount_nano, kind, request_id, note)
    SELECT workspace_id, -cost_nano, 'debit', request_id, model_id FROM fresh
  ), balances AS (
    UPDATE billing_accounts AS a SET balance_nano = a.balance_nano - f.total
    FROM (SELECT workspace_id, sum(cost_nano) AS total FROM fresh GROUP BY workspace_id) AS f
    WHERE a.workspace_id = f.workspace_id
  )
  INSERT INTO key_spend (api_key_id, period_start, spent_nano)
  SELECT api_key_id, period_start, sum(cost_nano) FROM fresh GROUP BY api_key_id, period_start
  ON CONFLICT (api_key_id, period_start) DO UPDATE SET spent_nano = key_spend.spent_nano + excluded.spent_nano;

  PERFORM 1 FROM credit_holds
  WHERE id IN (SELECT b.hold_id FROM jsonb_to_recordset(p_batch) AS b(request_id text, hold_id text) WHERE b.request_id = ANY (v_fresh))
  ORDER BY id FOR UPDATE;
  UPDATE credit_holds AS h SET amount_nano = greatest(0, h.amount_nano - u.used)
  FROM (
    SELECT b.hold_id, sum(b.hold_used) AS used
    FROM jsonb_to_recordset(p_batch) AS b(request_id text, hold_id text, hold_used bigint)
    WHERE b.request_id = ANY (v_fresh)
    GROUP BY b.hold_id
  ) AS u
  WHERE h.id = u.hold_id;
  RETURN cardinality(v_fresh);
END $$;
