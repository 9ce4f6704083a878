import type { Catalog } from "../catalog/catalog.ts";
import type { CatalogModel } from "../catalog/model.ts";
import { invalidRequest, modelNotFound } from "../errors.ts";

/** The spec's 400 for a registered model that cannot embed (a chat model). */
export const embeddingsUnsupported = (id: string) =>
  invalidRequest(
    `model "${id}" does not support embeddings: use it on POST /v1/chat/completions`,
    "embeddings_unsupported",
    "model",
  );

/** The catalog model an embeddings request names: unknown → model_not_found, chat → embeddings_unsupported. */
export function resolveEmbeddingModel(catalog: Catalog, id: string): CatalogModel {
  const model = catalog.get(id);
  if (!model) throw modelNotFound(id);
  if (model.kind !== "embedding") throw embeddingsUnsupported(model.id);
  return model;
}
