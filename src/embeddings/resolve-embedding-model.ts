import type { Catalog } from "../catalog/catalog.ts";
import type { CatalogModel } from "../catalog/model.ts";
import { embeddingsUnsupported, modelNotFound } from "../errors.ts";

/** The catalog model an embeddings request names: unknown → model_not_found, chat → embeddings_unsupported. */
export function resolveEmbeddingModel(catalog: Catalog, id: string): CatalogModel {
  const model = catalog.get(id);
  if (!model) throw modelNotFound(id);
  if (model.kind !== "embedding") throw embeddingsUnsupported(model.id);
  return model;
}
