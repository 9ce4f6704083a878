import { asc } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { models } from "../db/schema.ts";
import { allows, type ModelAccess } from "../auth/model-access.ts";
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
  /** The list as keys with a model list see it, by that list; rebuilt on each reload. */
  private filteredBodies = new Map<string, string>();
  private entryBodies = new Map<string, string>();
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
    const entries = [...next.values()].map(toListEntry);
    this.byId = next;
    this.listBody = JSON.stringify({ object: "list", data: entries });
    this.filteredBodies = new Map();
    this.entryBodies = new Map(entries.map((entry) => [entry.id, JSON.stringify(entry)]));
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

  /** The serialised `GET /v1/models` reply for a key: every enabled model, or those its model list allows. */
  modelListJson(access: ModelAccess | null = null): string {
    if (access === null) return this.listBody;
    let body = this.filteredBodies.get(access.text);
    if (body === undefined) {
      const data = [...this.byId.values()].filter((model) => allows(access, model.id)).map(toListEntry);
      // Bounded: a burst of distinct model lists cannot grow this without limit.
      if (this.filteredBodies.size >= 1000) this.filteredBodies.clear();
      this.filteredBodies.set(access.text, (body = JSON.stringify({ object: "list", data })));
    }
    return body;
  }

  /** The serialised `GET /v1/models/{id}` reply: the model's entry of the key's list; undefined when that list does not have it. */
  modelJson(id: string, access: ModelAccess | null = null): string | undefined {
    return allows(access, id) ? this.entryBodies.get(id) : undefined;
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
