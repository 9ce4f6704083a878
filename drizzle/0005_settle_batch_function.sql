-- Writes a batch of settlements (billing/settlement-writer.ts) in ONE call: a usage record and a ledger
-- debit per request, the balances, the keys' period spend, and the holds shrunk by what the debits now
-- account for. A function, so the batch is one statement on the wire (no BEGIN/COMMIT round trips) and
-- its statements' plans are cached by the session instead of planned afresh for every batch.
-- Idempotent by request id: a request already recorded (a retried batch whose first commit succeeded
-- unseen) changes nothing the second time. Lock order is account rows (sorted), then holds (sorted):
-- the order of a lease extension and of hold renewal, so none of them can deadlock another.
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
      cost_nano bigint, estimated boolean, supplier text)
  ), inserted AS (
    INSERT INTO usage_records (request_id, workspace_id, api_key_id, model_id, prompt_tokens, completion_tokens,
                               cached_tokens, cache_write_tokens, reasoning_tokens, cost_nano, estimated, supplier)
    SELECT request_id, workspace_id, api_key_id, model_id, prompt_tokens, completion_tokens,
           cached_tokens, cache_write_tokens, reasoning_tokens, cost_nano, estimated, supplier
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
