import { asc } from "drizzle-orm";
import { formatUsd } from "../../billing/money.ts";
import { models } from "../../db/schema.ts";
import type { Command } from "../command.ts";
import { formatTable } from "../table.ts";

const price = (nano: bigint | null) => (nano === null ? "-" : formatUsd(nano));

export const modelsList: Command = {
  name: "models list",
  usage: "models list",
  summary: "Show the routing catalog with prices (USD per 1M tokens)",
  async run(_args, { withDatabase, print }) {
    const rows = await withDatabase((db) => db.select().from(models).orderBy(asc(models.id)));
    print(
      formatTable(
        ["ID", "UPSTREAM", "KIND", "INPUT", "OUTPUT", "CACHE_READ", "CACHE_WRITE", "TOOLS", "MAX_OUT", "ENABLED"],
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
        ]),
      ),
    );
  },
};
