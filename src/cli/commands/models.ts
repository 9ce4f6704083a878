import { asc } from "drizzle-orm";
import { formatUsd } from "../../billing/money.ts";
import { models } from "../../db/schema.ts";
import { servesModel } from "../../routing/supplier.ts";
import { ENVIRONMENT_SUPPLIERS, listSuppliers, toSupplierConfig } from "../../routing/supplier-store.ts";
import type { Command } from "../command.ts";
import { formatTable } from "../table.ts";

const price = (nano: bigint | null) => (nano === null ? "-" : formatUsd(nano));

export const modelsList: Command = {
  name: "models list",
  usage: "models list",
  summary: "Show the routing catalog with prices (USD per 1M tokens), capabilities and the suppliers serving each model",
  async run(_args, { withDatabase, print, config }) {
    const { rows, suppliers } = await withDatabase(async (db) => ({
      rows: await db.select().from(models).orderBy(asc(models.id)),
      suppliers: (await listSuppliers(db)).map(toSupplierConfig),
    }));
    const suppliersOf = (model: (typeof rows)[number]) => {
      const names = suppliers.filter((s) => servesModel(s, model)).map((s) => s.name);
      const env = ENVIRONMENT_SUPPLIERS[model.provider];
      // The environment's default, as this environment has it (each gateway reads its own).
      if (config.environment[env.keyEnv]) names.unshift(env.name);
      return names.join(",") || "-";
    };
    print(
      formatTable(
        ["ID", "UPSTREAM", "KIND", "INPUT", "OUTPUT", "CACHE_READ", "CACHE_WRITE", "TOOLS", "MAX_OUT", "ENABLED", "SUPPLIERS"],
        rows.map((m) => [
          m.id,
          m.upstreamModel,
          m.kind,
          price(m.inputPrice),
          price(m.outputPrice),
          price(m.cacheReadPrice),
          price(m.cacheWritePrice),
          m.supportsTools ? "yes" : "no",
          String(m.maxOutputTokens),
          m.enabled ? "yes" : "no",
          suppliersOf(m),
        ]),
      ),
    );
  },
};
