import type { CatalogModel, ProviderName } from "../catalog/model.ts";
import type { ProviderClient } from "../providers/provider-client.ts";
import type { SupplierHealth } from "./supplier-health.ts";

/** A supplier as configured: by the environment (the defaults) or a `suppliers` row. Never a secret. */
export interface SupplierConfig {
  name: string;
  provider: ProviderName;
  baseUrl: string;
  /** The environment variable holding the credential. */
  keyEnv: string;
  priority: number;
  weight: number;
  enabled: boolean;
  /** Catalog model ids it serves; null = every model of its provider. */
  models: readonly string[] | null;
  /** Defined by GOOGLE_API_KEY / ANTHROPIC_API_KEY rather than the database. */
  fromEnvironment: boolean;
}

/** A supplier this gateway can use: its credential is in this process's environment. */
export interface Supplier {
  readonly config: SupplierConfig;
  readonly client: ProviderClient;
  readonly health: SupplierHealth;
}

export const servesModel = (config: SupplierConfig, model: Pick<CatalogModel, "id" | "provider">) =>
  config.enabled && config.provider === model.provider && (config.models === null || config.models.includes(model.id));
