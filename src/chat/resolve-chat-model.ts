import type { Catalog } from "../catalog/catalog.ts";
import type { CatalogModel } from "../catalog/model.ts";
import { chatUnsupported, modelNotFound } from "../errors.ts";

/** The catalog model a generation names: unknown → model_not_found, an embedding model → chat_unsupported. */
export function resolveChatModel(catalog: Catalog, id: string): CatalogModel {
  const model = catalog.get(id);
  if (!model) throw modelNotFound(id);
  if (model.kind !== "chat") throw chatUnsupported(model.id);
  return model;
}
