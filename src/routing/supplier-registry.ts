import type { CatalogModel, ProviderName } from "../catalog/model.ts";
import type { Config } from "../config.ts";
import type { Database } from "../db/client.ts";
import { anthropicProtocol } from "../providers/anthropic/protocol.ts";
import { googleProtocol } from "../providers/google/protocol.ts";
import { createProviderClient, type ProviderProtocol } from "../providers/provider-client.ts";
import { type Supplier, type SupplierConfig, servesModel } from "./supplier.ts";
import { SupplierHealth } from "./supplier-health.ts";
import { ENVIRONMENT_SUPPLIERS, listSuppliers, toSupplierConfig } from "./supplier-store.ts";

const PROTOCOLS: Record<ProviderName, ProviderProtocol> = { google: googleProtocol, anthropic: anthropicProtocol };

/**
 * The suppliers this gateway can use, refreshed from the database every
 * CATALOG_REFRESH_SECONDS: the environment's defaults (`google` with
 * GOOGLE_API_KEY, `anthropic` with ANTHROPIC_API_KEY, priority 0, weight 1)
 * plus the `suppliers` rows. A supplier whose key variable is unset in this
 * process's environment is left out (and said so once). A supplier keeps its
 * provider client, and with it its health and its Gemini context caches,
 * for as long as its account (provider, base URL, credential) is unchanged.
 */
export class SupplierRegistry {
  private byName = new Map<string, Supplier>();
  private byModel = new Map<string, Supplier[]>();
  private readonly reportedMissing = new Set<string>();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly db: Database,
    private readonly config: Pick<Config, "providers" | "environment">,
    private readonly warn: (message: string) => void = (message) => console.warn(`warning: ${message}`),
  ) {}

  async load(): Promise<void> {
    const configs = [...this.environmentSuppliers(), ...(await listSuppliers(this.db)).map(toSupplierConfig)];
    const next = new Map<string, Supplier>();
    for (const config of configs) {
      const credential = this.config.environment[config.keyEnv];
      if (!credential) {
        this.reportMissing(config);
        continue;
      }
      next.set(config.name, this.supplierFor(config, credential));
    }
    this.byName = next;
    this.byModel = new Map();
  }

  start(refreshSeconds: number) {
    this.timer ??= setInterval(() => void this.load().catch((error) => this.warn(`reloading suppliers failed: ${String(error)}`)), refreshSeconds * 1000);
    this.timer.unref?.();
  }

  stop() {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The enabled suppliers serving `model` (in no particular order; see route-order.ts). */
  candidates(model: CatalogModel): readonly Supplier[] {
    let list = this.byModel.get(model.id);
    if (!list) this.byModel.set(model.id, (list = [...this.byName.values()].filter((s) => servesModel(s.config, model))));
    return list;
  }

  all(): readonly Supplier[] {
    return [...this.byName.values()];
  }

  private environmentSuppliers(): SupplierConfig[] {
    return (Object.keys(ENVIRONMENT_SUPPLIERS) as ProviderName[]).flatMap((provider) => {
      const { name, keyEnv } = ENVIRONMENT_SUPPLIERS[provider];
      // Without its key the default supplier simply does not exist: nothing to warn about.
      if (!this.config.environment[keyEnv]) return [];
      const baseUrl = this.config.providers[provider].baseUrl;
      return [{ name, provider, baseUrl, keyEnv, priority: 0, weight: 1, enabled: true, models: null, fromEnvironment: true }];
    });
  }

  /** The existing supplier when its account is unchanged (its client, health and caches live on), else a new one. */
  private supplierFor(config: SupplierConfig, credential: string): Supplier {
    const current = this.byName.get(config.name);
    const client = current?.client;
    if (
      current &&
      client &&
      client.provider === config.provider &&
      client.baseUrl === config.baseUrl.replace(/\/+$/, "") &&
      client.credential === credential
    ) {
      return { config, client, health: current.health };
    }
    const fresh = createProviderClient(PROTOCOLS[config.provider], { name: config.name, baseUrl: config.baseUrl, credential });
    return { config, client: fresh, health: new SupplierHealth() };
  }

  private reportMissing(config: SupplierConfig) {
    if (this.reportedMissing.has(config.name) || !config.enabled) return;
    this.reportedMissing.add(config.name);
    this.warn(`supplier "${config.name}" is not used by this gateway: ${config.keyEnv} is not set in its environment`);
  }
}
