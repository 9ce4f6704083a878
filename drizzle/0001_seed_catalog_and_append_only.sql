-- The ten models and prices of the product spec (models.txt), in nano-USD per 1M tokens.
INSERT INTO "models" ("id", "provider", "upstream_model", "kind", "input_price_nano", "output_price_nano", "cache_read_price_nano", "cache_write_price_nano", "supports_tools", "supports_reasoning", "supports_caching", "supports_streaming", "max_output_tokens") VALUES
  ('anthropic/claude-haiku-4-5',   'anthropic', 'claude-haiku-4-5',   'chat', 1000000000,  5000000000, 100000000, 1250000000, false, true, true, true, 64000),
  ('anthropic/claude-opus-4-6',    'anthropic', 'claude-opus-4-6',    'chat', 5000000000, 25000000000, 500000000, 6250000000, false, true, true, true, 128000),
  ('anthropic/claude-opus-4-7',    'anthropic', 'claude-opus-4-7',    'chat', 5000000000, 25000000000, 500000000, 6250000000, false, true, true, true, 128000),
  ('anthropic/claude-sonnet-4-5',  'anthropic', 'claude-sonnet-4-5',  'chat', 3000000000, 15000000000, 300000000, 3750000000, false, true, true, true, 64000),
  ('anthropic/claude-sonnet-4-6',  'anthropic', 'claude-sonnet-4-6',  'chat', 3000000000, 15000000000, 300000000, 3750000000, false, true, true, true, 64000),
  ('google/gemini-2.5-pro',        'google',    'gemini-2.5-pro',     'chat', 1250000000, 10000000000, 125000000, 1250000000, true,  true, true, true, 65536),
  ('google/gemini-3-flash',        'google',    'gemini-3-flash',     'chat',  500000000,  3000000000,  50000000,  500000000, true,  true, true, true, 65536),
  ('google/gemini-3.1-flash-lite', 'google',    'gemini-3.1-flash-lite', 'chat', 250000000, 1500000000, 25000000, 250000000, true,  true, true, true, 65536),
  ('google/gemini-3.1-pro',        'google',    'gemini-3.1-pro',     'chat', 2000000000, 12000000000, 200000000, 2000000000, true,  true, true, true, 65536),
  ('google/text-embedding-004',    'google',    'text-embedding-004', 'embedding', 25000000, 0, NULL, NULL, false, false, false, false, 0);
--> statement-breakpoint
-- Usage records and ledger entries are append-only: history is corrected by new entries, never edits.
CREATE FUNCTION "reject_append_only_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "ledger_entries_append_only" BEFORE UPDATE OR DELETE ON "ledger_entries" FOR EACH ROW EXECUTE FUNCTION "reject_append_only_change"();
--> statement-breakpoint
CREATE TRIGGER "ledger_entries_no_truncate" BEFORE TRUNCATE ON "ledger_entries" FOR EACH STATEMENT EXECUTE FUNCTION "reject_append_only_change"();
--> statement-breakpoint
CREATE TRIGGER "usage_records_append_only" BEFORE UPDATE OR DELETE ON "usage_records" FOR EACH ROW EXECUTE FUNCTION "reject_append_only_change"();
--> statement-breakpoint
CREATE TRIGGER "usage_records_no_truncate" BEFORE TRUNCATE ON "usage_records" FOR EACH STATEMENT EXECUTE FUNCTION "reject_append_only_change"();
