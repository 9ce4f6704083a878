CREATE TABLE "console_sessions" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"admin_key_id" text NOT NULL,
	"csrf_token" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "request_stats" (
	"process_id" text NOT NULL,
	"minute" timestamp with time zone NOT NULL,
	"route" text NOT NULL,
	"model" text NOT NULL,
	"status" integer NOT NULL,
	"code" text NOT NULL,
	"requests" integer NOT NULL,
	CONSTRAINT "request_stats_process_id_minute_route_model_status_code_pk" PRIMARY KEY("process_id","minute","route","model","status","code")
);
--> statement-breakpoint
ALTER TABLE "console_sessions" ADD CONSTRAINT "console_sessions_admin_key_id_admin_keys_id_fk" FOREIGN KEY ("admin_key_id") REFERENCES "public"."admin_keys"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "console_sessions_expires_idx" ON "console_sessions" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "request_stats_minute_idx" ON "request_stats" USING btree ("minute");--> statement-breakpoint
CREATE INDEX "usage_records_time_brin_idx" ON "usage_records" USING brin ("created_at");