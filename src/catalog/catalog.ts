import { asc } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { models } from "../db/schema.ts";
import { nanoToUsdNumber } from "../billing/money.ts";
import type { CatalogModel } from "./model.ts";

/** The `created` value the spec fixes for every model entry. */
const MODEL_CREATED = 1704067200;

/**
 * The in-memory snapshot of the routing catalog. Requests read it without a
 * database round trip; a timer reloads it every `refreshSeconds`. The
 * `/v1/models` body is serialised once per reload, not once per request.
 */
export class Catalog {
  private byId = new Map<string, CatalogModel>();
  private listBody = '{"object":"list","data":[]}';
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly db: Database) {}

  async load() {
    const rows = await this.db.select().from(models).orderBy(asc(models.id));
    const next = new Map<string, CatalogModel>();
    for (const row of rows) {
      if (!row.enabled) continue;
      next.set(row.id, {
        id: row.id,
        provider: row.provider,
        upstreamModel: row.upstreamModel,
        kind: row.kind,
        prices: {
          input: row.inputPrice,
          output: row.outputPrice,
          cacheRead: row.cacheReadPrice,
          cacheWrite: row.cacheWritePrice,
        },
        supportsTools: row.supportsTools,
        supportsReasoning: row.supportsReasoning,
        supportsCaching: row.supportsCaching,
        supportsStreaming: row.supportsStreaming,
        maxOutputTokens: row.maxOutputTokens,
        enabled: row.enabled,
      });
    }
    this.byId = next;
    this.listBody = JSON.stringify({ object: "list", data: [...next.values()].map(toListEntry) });
  }

  start(refreshSeconds: number) {
    this.timer ??= setInterval(() => void this.load().catch(() => {}), refreshSeconds * 1000);
    this.timer.unref?.();
  }

  stop() {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** An enabled model, or undefined for unknown and disabled ids. */
  get(id: string): CatalogModel | undefined {
    return this.byId.get(id);
  }

  all(): CatalogModel[] {
    return [...this.byId.values()];
  }

  /** The serialised `GET /v1/models` reply. */
  modelListJson(): string {
    return this.listBody;
  }
}

const price = (nano: bigint | null) => (nano === null ? null : nanoToUsdNumber(nano));

function toListEntry(model: CatalogModel) {
  return {
    id: model.id,
    object: "model",
    created: MODEL_CREATED,
    owned_by: model.provider,
    pricing: {
      input: price(model.prices.input),
      output: price(model.prices.output),
      cache_read: price(model.prices.cacheRead),
      cache_write: price(model.prices.cacheWrite),
    },
  };
}
