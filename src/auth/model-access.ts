/**
 * Which catalog models a key may use: exact ids and `provider/*` patterns
 * (api_keys.models). null means every model.
 */
export interface ModelAccess {
  readonly ids: ReadonlySet<string>;
  readonly providers: ReadonlySet<string>;
  /** The list as stored, for display and as a cache key of the filtered model list. */
  readonly text: string;
}

export function modelAccess(models: readonly string[] | null): ModelAccess | null {
  if (models === null) return null;
  const ids = new Set<string>();
  const providers = new Set<string>();
  for (const entry of models) {
    if (entry.endsWith("/*")) providers.add(entry.slice(0, -2));
    else ids.add(entry);
  }
  return { ids, providers, text: [...models].sort().join(",") };
}

export function allows(access: ModelAccess | null, modelId: string): boolean {
  if (access === null) return true;
  if (access.ids.has(modelId)) return true;
  const slash = modelId.indexOf("/");
  return slash > 0 && access.providers.has(modelId.slice(0, slash));
}

/** `google/gemini-3-flash` or `anthropic/*`: what a key's model list may hold. */
export const MODEL_PATTERN = /^[a-z0-9-]+\/(?:\*|[\w.-]+)$/;
