CREATE TABLE "supplier_stats" (
	"process_id" text NOT NULL,
	"supplier" text NOT NULL,
	"minute" timestamp with time zone NOT NULL,
	"attempts" integer NOT NULL,
	"failures" integer NOT NULL,
	"ttfb_ms_sum" bigint NOT NULL,
	"ttfb_count" integer NOT NULL,
	"state" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "supplier_stats_process_id_supplier_minute_pk" PRIMARY KEY("process_id","supplier","minute")
);
--> statement-breakpoint
CREATE TABLE "suppliers" (
	"name" text PRIMARY KEY NOT NULL,
	"provider" text NOT NULL,
	"base_url" text NOT NULL,
	"key_env" text NOT NULL,
	"priority" integer DEFAULT 0 NOT NULL,
	"weight" integer DEFAULT 1 NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"models" text[],
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "suppliers_weight_positive" CHECK (weight > 0),
	CONSTRAINT "suppliers_name_format" CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'),
	CONSTRAINT "suppliers_key_env_format" CHECK (key_env ~ '^[A-Za-z_][A-Za-z0-9_]*$')
);
--> statement-breakpoint
ALTER TABLE "usage_records" ADD COLUMN "supplier" text;--> statement-breakpoint
CREATE INDEX "supplier_stats_supplier_minute_idx" ON "supplier_stats" USING btree ("supplier","minute");