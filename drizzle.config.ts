import { defineConfig } from "drizzle-kit";

// `bun run db:generate` writes SQL migrations here; src/db/migrations.ts embeds them.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/schema.ts",
  out: "./drizzle",
});
