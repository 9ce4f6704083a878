import { allows, type ModelAccess } from "../auth/model-access.ts";
import type { Catalog } from "../catalog/catalog.ts";
import type { CatalogModel } from "../catalog/model.ts";
import { embeddingsUnsupported, modelNotFound } from "../errors.ts";

/** The catalog model an embeddings request names: unknown or not on the key's list → model_not_found, chat → embeddings_unsupported. */
export function resolveEmbeddingModel(catalog: Catalog, id: string, access: ModelAccess | null): CatalogModel {
  const model = catalog.get(id);
  if (!model || !allows(access, id)) throw modelNotFound(id);
  if (model.kind !== "embedding") throw embeddingsUnsupported(model.id);
  return model;
}
