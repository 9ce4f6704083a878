import type { ModelAccess } from "../auth/model-access.ts";
import type { Catalog } from "../catalog/catalog.ts";
import type { CatalogModel } from "../catalog/model.ts";
import { resolveModel } from "../catalog/resolve-model.ts";

/** resolveModel for a generation; left for src/responses/create-response.ts until it calls resolveModel itself. */
export const resolveChatModel = (catalog: Catalog, id: string, access: ModelAccess | null): CatalogModel =>
  resolveModel(catalog, id, "chat", access);
