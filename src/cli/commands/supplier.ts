import { asc } from "drizzle-orm";
import type { ProviderName } from "../../catalog/model.ts";
import type { Database } from "../../db/client.ts";
import { models } from "../../db/schema.ts";
import { UserError } from "../../errors.ts";
import { addSupplier, ENVIRONMENT_SUPPLIERS, listSuppliers, removeSupplier, setSupplierEnabled } from "../../routing/supplier-store.ts";
import { type SupplierView, supplierViews } from "../../routing/supplier-stats.ts";
import { type Command, flag } from "../command.ts";
import { formatTable } from "../table.ts";

const PROVIDERS: readonly ProviderName[] = ["google", "anthropic"];

async function catalogIds(db: Database): Promise<Set<string>> {
  const rows = await db.select({ id: models.id }).from(models).orderBy(asc(models.id));
  return new Set(rows.map((row) => row.id));
}

function integerFlag(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^-?\d+$/.test(text)) throw new UserError(`--${name} must be an integer`);
  return Number(text);
}

export const supplierAdd: Command = {
  name: "supplier add",
  usage:
    "supplier add <name> --provider google|anthropic --base-url <url> --key-env <VAR> [--priority <n>] [--weight <w>] [--models <id,id,…>]",
  summary:
    "Add a supplier: a provider account whose key is in the environment variable <VAR> of each gateway (never stored). Lower priority is tried first; weight shares traffic within a priority; --models limits it to those catalog ids",
  valueFlags: ["provider", "base-url", "key-env", "priority", "weight", "models"],
  async run(args, { withDatabase, print }) {
    const [name] = args.positionals;
    if (!name) throw new UserError("missing <name>");
    const provider = flag(args, "provider");
    if (!PROVIDERS.includes(provider as ProviderName)) throw new UserError(`--provider must be one of ${PROVIDERS.join(", ")}`);
    const baseUrl = flag(args, "base-url");
    if (!baseUrl) throw new UserError("missing --base-url");
    const keyEnv = flag(args, "key-env");
    if (!keyEnv) throw new UserError("missing --key-env");
    const modelList = flag(args, "models")?.split(",").map((id) => id.trim()).filter(Boolean);
    const row = await withDatabase(async (db) =>
      addSupplier(
        db,
        {
          name,
          provider: provider as ProviderName,
          baseUrl,
          keyEnv,
          priority: integerFlag(flag(args, "priority"), "priority"),
          weight: integerFlag(flag(args, "weight"), "weight"),
          models: modelList,
        },
        await catalogIds(db),
      ),
    );
    print(`added supplier ${row.name} (${row.provider}, ${row.baseUrl}, key from $${row.keyEnv}); running gateways use it within CATALOG_REFRESH_SECONDS`);
  },
};

/** "closed", or how the live gateways disagree ("open on 1 of 2 gateways"); "-" when no gateway reported it lately. */
function healthText(view: SupplierView | undefined): string {
  if (!view || view.states.length === 0) return "- (no running gateway reports it)";
  const counts = new Map<string, number>();
  for (const state of view.states) counts.set(state, (counts.get(state) ?? 0) + 1);
  const states =
    counts.size === 1
      ? `${view.states[0]} (${view.states.length} gateway${view.states.length === 1 ? "" : "s"})`
      : [...counts].map(([state, n]) => `${state} on ${n} of ${view.states.length}`).join(", ");
  const errors = view.attempts > 0 ? `, ${Math.round((100 * view.failures) / view.attempts)}% errors of ${view.attempts} in 5 min` : "";
  return `${states}${errors}`;
}

export const supplierList: Command = {
  name: "supplier list",
  usage: "supplier list",
  summary: "List suppliers (the environment's defaults and the database's) with the running gateways' view of their health",
  async run(_args, { withDatabase, print, config }) {
    const { rows, views } = await withDatabase(async (db) => ({ rows: await listSuppliers(db), views: await supplierViews(db) }));
    // The environment's defaults, when this environment or a running gateway has them.
    const defaults = PROVIDERS.map((provider) => ({ provider, ...ENVIRONMENT_SUPPLIERS[provider] }))
      .filter((env) => config.environment[env.keyEnv] || views.has(env.name))
      .map((env) => ({
        name: env.name,
        provider: env.provider,
        baseUrl: `$${env.baseUrlEnv}`,
        priority: 0,
        weight: 1,
        enabled: true,
        models: null,
        keyEnv: env.keyEnv,
      }));
    print(
      formatTable(
        ["NAME", "PROVIDER", "BASE_URL", "PRIORITY", "WEIGHT", "ENABLED", "MODELS", "KEY_ENV", "HEALTH"],
        [...defaults, ...rows].map((s) => [
          s.name,
          s.provider,
          s.baseUrl,
          String(s.priority),
          String(s.weight),
          s.enabled ? "yes" : "no",
          s.models?.join(",") ?? "all",
          s.keyEnv,
          healthText(views.get(s.name)),
        ]),
      ),
    );
  },
};

const toggle = (enabled: boolean): Command => ({
  name: `supplier ${enabled ? "enable" : "disable"}`,
  usage: `supplier ${enabled ? "enable" : "disable"} <name>`,
  summary: `${enabled ? "Put a supplier back into" : "Take a supplier out of"} rotation (running gateways follow within CATALOG_REFRESH_SECONDS)`,
  async run(args, { withDatabase, print }) {
    const [name] = args.positionals;
    if (!name) throw new UserError("missing <name>");
    await withDatabase((db) => setSupplierEnabled(db, name, enabled));
    print(`supplier ${name} ${enabled ? "enabled" : "disabled"}`);
  },
});

export const supplierEnable = toggle(true);
export const supplierDisable = toggle(false);

export const supplierRemove: Command = {
  name: "supplier remove",
  usage: "supplier remove <name>",
  summary: "Remove a supplier (running gateways stop using it within CATALOG_REFRESH_SECONDS)",
  async run(args, { withDatabase, print }) {
    const [name] = args.positionals;
    if (!name) throw new UserError("missing <name>");
    await withDatabase((db) => removeSupplier(db, name));
    print(`supplier ${name} removed`);
  },
};
