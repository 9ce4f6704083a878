import { allows, type ModelAccess } from "../auth/model-access.ts";
import { chatUnsupported, embeddingsUnsupported, modelNotFound } from "../errors.ts";
import type { Catalog } from "./catalog.ts";
import type { CatalogModel } from "./model.ts";

const WRONG_KIND = { chat: chatUnsupported, embedding: embeddingsUnsupported };

/**
 * The catalog model a request of `kind` names: unknown, or not on the key's
 * model list → model_not_found (the spec's answer for an id not in the
 * caller's list); a model of the other kind → chat_unsupported on a
 * generation, embeddings_unsupported on an embeddings request.
 */
export function resolveModel(catalog: Catalog, id: string, kind: CatalogModel["kind"], access: ModelAccess | null): CatalogModel {
  const model = catalog.get(id);
  if (!model || !allows(access, id)) throw modelNotFound(id);
  if (model.kind !== kind) throw WRONG_KIND[kind](model.id);
  return model;
}
