import type { Static } from "@sinclair/typebox";
import { Elysia } from "elysia";
import { RangeQuery, SupplierReport, SupplierReportList } from "../../admin/stats-schemas.ts";
import type { Database } from "../../db/client.ts";
import type { SupplierConfig } from "../../routing/supplier.ts";
import { supplierSeries, supplierViews } from "../../routing/supplier-stats.ts";
import { listSuppliers, toSupplierConfig } from "../../routing/supplier-store.ts";
import { jsonResponse } from "../reply.ts";
import { requestContext } from "../request-context.ts";
import { adminDetail, presentRange, rangeParams } from "./admin-common.ts";

/**
 * Suppliers with their health as every running gateway reports it. The list
 * is this gateway's suppliers (its environment's defaults and the database's
 * it has a key for), the database's others, and any name another gateway
 * reports (its own environment's default).
 */
export const adminSupplierRoutes = (db: Database, ownSuppliers: () => readonly SupplierConfig[]) =>
  new Elysia({ name: "admin-suppliers" }).use(requestContext).get(
    "/admin/v1/suppliers",
    async ({ query, ctx }) => {
      const range = rangeParams(query);
      const [rows, views, series] = await Promise.all([listSuppliers(db), supplierViews(db), supplierSeries(db, range)]);
      const configs = new Map<string, SupplierConfig>();
      for (const config of [...ownSuppliers(), ...rows.map(toSupplierConfig)]) if (!configs.has(config.name)) configs.set(config.name, config);
      const names = [...new Set([...configs.keys(), ...views.keys(), ...series.keys()])];
      const data = names.map((name): Static<typeof SupplierReport> => {
        const config = configs.get(name);
        const view = views.get(name);
        return {
          name,
          provider: config?.provider ?? null,
          source: config === undefined ? "reported" : config.fromEnvironment ? "environment" : "database",
          enabled: config?.enabled ?? null,
          priority: config?.priority ?? null,
          weight: config?.weight ?? null,
          models: config?.models ? [...config.models] : null,
          states: view?.states ?? [],
          recent: { attempts: view?.attempts ?? 0, failures: view?.failures ?? 0, ttfb_ms: view?.ttfbMs ?? null },
          data: (series.get(name) ?? []).map((b) => ({ start: b.start, attempts: b.attempts, failures: b.failures, ttfb_ms: b.ttfbMs })),
        };
      });
      return jsonResponse(JSON.stringify({ object: "list", ...presentRange(range), data }), ctx);
    },
    {
      query: RangeQuery,
      detail: adminDetail(
        "Suppliers and their health",
        "Each supplier's configuration (when known here), each live gateway's breaker state, the last five minutes' attempts, failures and mean time to first byte, and the same per bucket of [since, until) (default: the last 24 hours by hour). Gateways report every 10 s.",
        { schema: SupplierReportList, description: "Suppliers" },
      ),
    },
  );
