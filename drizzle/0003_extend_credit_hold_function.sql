-- Grows one process's credit hold for one key (billing/hold-store.ts), in one round trip.
-- A function, not one statement: under READ COMMITTED a statement reads the snapshot taken when it
-- started, before it waited for the account lock, so holds and spend committed meanwhile by another
-- extension would be missed and the same free credit granted twice. Here the lock comes first and
-- every later statement takes a fresh snapshot.
CREATE OR REPLACE FUNCTION extend_credit_hold(
  p_hold_id text, p_workspace_id text, p_key_id text, p_spend_limit bigint, p_period_start timestamptz,
  p_minimum bigint, p_need bigint, p_target bigint, p_ttl_seconds integer
) RETURNS TABLE (workspace_available bigint, key_remaining bigint, granted bigint)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_balance bigint;
  v_workspace_held bigint;
  v_key_held bigint;
  v_spent bigint;
  v_fits bigint;
BEGIN
  SELECT balance_nano INTO v_balance FROM billing_accounts WHERE workspace_id = p_workspace_id FOR UPDATE;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  SELECT coalesce(sum(amount_nano), 0), coalesce(sum(amount_nano) FILTER (WHERE api_key_id = p_key_id), 0)
    INTO v_workspace_held, v_key_held
    FROM credit_holds WHERE workspace_id = p_workspace_id AND expires_at > now();
  SELECT coalesce(sum(spent_nano), 0) INTO v_spent
    FROM key_spend WHERE api_key_id = p_key_id AND period_start = p_period_start;
  workspace_available := v_balance - v_workspace_held;
  key_remaining := p_spend_limit - v_spent - v_key_held;
  v_fits := least(workspace_available, coalesce(key_remaining, workspace_available));
  granted := CASE WHEN v_fits >= p_minimum
    THEN least(v_fits, greatest(p_need, least(p_target, v_fits / 4))) ELSE 0 END;
  IF granted > 0 THEN
    INSERT INTO credit_holds (id, workspace_id, api_key_id, amount_nano, expires_at)
    VALUES (p_hold_id, p_workspace_id, p_key_id, granted, now() + make_interval(secs => p_ttl_seconds))
    ON CONFLICT (id) DO UPDATE SET
      amount_nano = excluded.amount_nano
        + CASE WHEN credit_holds.expires_at > now() THEN credit_holds.amount_nano ELSE 0 END,
      expires_at = excluded.expires_at;
  END IF;
  RETURN NEXT;
END;
$$;
