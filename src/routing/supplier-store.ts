import { asc, eq } from "drizzle-orm";
import type { ProviderName } from "../catalog/model.ts";
import type { Database } from "../db/client.ts";
import { suppliers } from "../db/schema.ts";
import { UserError } from "../errors.ts";
import type { SupplierConfig } from "./supplier.ts";

export type SupplierRow = typeof suppliers.$inferSelect;

/** The names of the environment's suppliers: a database supplier may not take them. */
export const ENVIRONMENT_SUPPLIERS: Record<ProviderName, { name: string; keyEnv: string; baseUrlEnv: string }> = {
  google: { name: "google", keyEnv: "GOOGLE_API_KEY", baseUrlEnv: "GOOGLE_BASE_URL" },
  anthropic: { name: "anthropic", keyEnv: "ANTHROPIC_API_KEY", baseUrlEnv: "ANTHROPIC_BASE_URL" },
};

export interface NewSupplier {
  name: string;
  provider: ProviderName;
  baseUrl: string;
  keyEnv: string;
  priority?: number;
  weight?: number;
  models?: string[];
}

export async function addSupplier(db: Database, supplier: NewSupplier, knownModels: ReadonlySet<string>): Promise<SupplierRow> {
  const { name, provider, keyEnv, models } = supplier;
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(name)) {
    throw new UserError(`supplier name "${name}" is invalid: use 1-64 letters, digits, "_", "-" or "."`);
  }
  if (Object.values(ENVIRONMENT_SUPPLIERS).some((env) => env.name === name)) {
    throw new UserError(`"${name}" is the environment's default supplier (${ENVIRONMENT_SUPPLIERS[name as ProviderName].keyEnv}): choose another name`);
  }
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(keyEnv)) throw new UserError(`--key-env "${keyEnv}" is not an environment variable name`);
  const baseUrl = normalizeBaseUrl(supplier.baseUrl);
  const weight = supplier.weight ?? 1;
  if (!Number.isInteger(weight) || weight <= 0) throw new UserError("--weight must be a positive integer");
  const priority = supplier.priority ?? 0;
  if (!Number.isInteger(priority)) throw new UserError("--priority must be an integer");
  for (const id of models ?? []) {
    if (!knownModels.has(id) || !id.startsWith(`${provider}/`)) {
      throw new UserError(`--models: "${id}" is not a ${provider} model of the catalog`);
    }
  }
  const [row] = await db
    .insert(suppliers)
    .values({ name, provider, baseUrl, keyEnv, priority, weight, models: models?.length ? models : null })
    .onConflictDoNothing()
    .returning();
  if (!row) throw new UserError(`supplier "${name}" already exists`);
  return row;
}

/** http(s) only, no credentials, query or fragment in it; without a trailing slash. */
function normalizeBaseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UserError(`--base-url "${text}" is not a URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new UserError("--base-url must be an http(s) URL");
  if (url.username || url.password || url.search || url.hash) {
    throw new UserError("--base-url must not carry credentials, a query or a fragment (the key goes in --key-env)");
  }
  return url.toString().replace(/\/+$/, "");
}

export function listSuppliers(db: Database): Promise<SupplierRow[]> {
  return db.select().from(suppliers).orderBy(asc(suppliers.priority), asc(suppliers.name));
}

export async function setSupplierEnabled(db: Database, name: string, enabled: boolean): Promise<void> {
  const [row] = await db.update(suppliers).set({ enabled }).where(eq(suppliers.name, name)).returning();
  if (!row) throw new UserError(notFound(name));
}

export async function removeSupplier(db: Database, name: string): Promise<void> {
  const [row] = await db.delete(suppliers).where(eq(suppliers.name, name)).returning();
  if (!row) throw new UserError(notFound(name));
}

const notFound = (name: string) =>
  Object.values(ENVIRONMENT_SUPPLIERS).some((env) => env.name === name)
    ? `"${name}" is the environment's default supplier: it is configured by its environment variables, not here`
    : `supplier "${name}" not found`;

export function toSupplierConfig(row: SupplierRow): SupplierConfig {
  return {
    name: row.name,
    provider: row.provider,
    baseUrl: row.baseUrl,
    keyEnv: row.keyEnv,
    priority: row.priority,
    weight: row.weight,
    enabled: row.enabled,
    models: row.models,
    fromEnvironment: false,
  };
}
