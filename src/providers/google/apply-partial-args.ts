import type { GeminiPartialArg } from "./gemini-api-types.ts";

type Container = Record<string | number, unknown>;

/**
 * Vertex streams function arguments as `partialArgs` pieces addressed by
 * JSON path (`$.screens[0].id`); a string value arrives in fragments that
 * are appended. Writes every piece into `args`.
 */
export function applyPartialArgs(args: Container, partialArgs: readonly GeminiPartialArg[]): void {
  for (const arg of partialArgs) {
    const path = parsePath(arg.jsonPath);
    const value = valueOf(arg);
    if (path.length === 0 || value === undefined) continue;
    const key = path.at(-1)!;
    const parent = containerAt(args, path);
    const existing = Object.hasOwn(parent, key) ? parent[key] : undefined;
    define(parent, key, typeof value === "string" && typeof existing === "string" ? existing + value : value);
  }
}

function parsePath(jsonPath: string): (string | number)[] {
  return [...jsonPath.matchAll(/\.([^.[\]]+)|\[(\d+)\]/g)].map((match) => match[1] ?? Number(match[2]));
}

function valueOf(arg: GeminiPartialArg): unknown {
  const value = arg.stringValue ?? arg.numberValue ?? arg.boolValue;
  if (value != null) return value;
  return "nullValue" in arg ? null : undefined;
}

/** The object or array that holds the path's last segment, created on the way. */
function containerAt(root: Container, path: (string | number)[]): Container {
  let current = root;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i]!;
    const next = Object.hasOwn(current, key) ? current[key] : undefined;
    if (typeof next === "object" && next !== null) {
      current = next as Container;
    } else {
      const created = (typeof path[i + 1] === "number" ? [] : {}) as Container;
      define(current, key, created);
      current = created;
    }
  }
  return current;
}

/** Own data property, so a "__proto__" key from upstream stays plain data. */
function define(target: Container, key: string | number, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
