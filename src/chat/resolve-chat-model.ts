import { allows, type ModelAccess } from "../auth/model-access.ts";
import type { Catalog } from "../catalog/catalog.ts";
import type { CatalogModel } from "../catalog/model.ts";
import { chatUnsupported, modelNotFound } from "../errors.ts";

/**
 * The catalog model a generation names: unknown, or not on the key's model
 * list → model_not_found (the spec's answer for an id not in the caller's
 * list); an embedding model → chat_unsupported.
 */
export function resolveChatModel(catalog: Catalog, id: string, access: ModelAccess | null): CatalogModel {
  const model = catalog.get(id);
  if (!model || !allows(access, id)) throw modelNotFound(id);
  if (model.kind !== "chat") throw chatUnsupported(model.id);
  return model;
}
