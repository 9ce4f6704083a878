/**
 * Tool `function.parameters` → Gemini `parametersJsonSchema`. Gemini takes
 * plain JSON Schema there but 400s on `$schema` (which zod, zod-to-json-schema
 * and MCP servers put at the root) and on references it fails to resolve, so
 * `$schema` is dropped everywhere and same-document `$ref`s ("#",
 * "#/$defs/A", "#/definitions/A", "#/properties/a/items") are inlined, their
 * siblings overriding the referenced keywords. Every other keyword stays as
 * given, and the input is never mutated: unchanged data is shared with it,
 * and a schema with nothing to rewrite is returned itself.
 *
 * A reference stays a `$ref`, with the root `$defs`/`definitions` entries it
 * needs kept, when inlining would not terminate or not pay:
 * - cyclic: it points at a schema already being expanded on the current
 *   path. Keeping it is exact and Gemini documents `$ref`/`$defs`, where
 *   replacing it by `{}` would silently drop the recursive constraints;
 * - past MAX_OUTPUT_SIZE: a definition reused many times, or a chain of
 *   definitions each using the next twice, would otherwise grow the output
 *   exponentially, and Gemini bills declarations as prompt tokens;
 * - its target is not an object schema (a boolean schema, say).
 * Unresolvable references (remote, anchors, pointers to nothing) are left for
 * Gemini to reject. Pointers resolve from the document root, as zod, pydantic
 * and zod-to-json-schema mean them; a nested `$id` does not rebase them.
 * Schemas nested deeper than MAX_SCHEMA_DEPTH go out as given, unwalked, so
 * hostile nesting cannot overflow the stack.
 */

/**
 * Schema levels walked, each inlined reference counting as one more: far
 * deeper than real tool schemas, and a few stack frames each.
 */
export const MAX_SCHEMA_DEPTH = 64;

/**
 * Roughly the JSON length of the output (256 KiB) past which references stay
 * `$ref`: well above what real tool schemas inline to. The output then stays
 * within about this plus a small multiple of the input's size.
 */
export const MAX_OUTPUT_SIZE = 262_144;

type JsonObject = Record<string, unknown>;

/** Keywords whose value is one schema, a list of schemas, or a map from names to schemas. */
const SCHEMA_KEYWORDS = new Set([
  "items",
  "additionalItems",
  "additionalProperties",
  "unevaluatedItems",
  "unevaluatedProperties",
  "contains",
  "propertyNames",
  "not",
  "if",
  "then",
  "else",
  "contentSchema",
]);
const SCHEMA_LIST_KEYWORDS = new Set(["allOf", "anyOf", "oneOf", "prefixItems", "items"]);
const SCHEMA_MAP_KEYWORDS = new Set(["properties", "patternProperties", "$defs", "definitions", "dependentSchemas", "dependencies"]);
const DEFINITION_CONTAINERS = ["$defs", "definitions"];

export function normalizeToolSchema(schema: Record<string, unknown>): Record<string, unknown> {
  // Most tool schemas need nothing rewritten: scanning is far cheaper than copying.
  return needsRewrite(schema) ? new Normalizer(schema).run() : schema;
}

/**
 * Whether the Normalizer would change anything: a root definition container
 * (dropped unless a remaining ref needs it), or a `$schema` or `$ref` (even
 * one left as is) in a node it walks. Walks the same keywords down to the same
 * depth, with an explicit stack of node, depth pairs.
 */
function needsRewrite(root: JsonObject): boolean {
  for (const key of DEFINITION_CONTAINERS) if (Object.hasOwn(root, key) && isObject(root[key])) return true;
  const stack: unknown[] = [root, 0];
  while (stack.length > 0) {
    const depth = stack.pop() as number;
    const node = stack.pop();
    if (!isObject(node) || depth > MAX_SCHEMA_DEPTH) continue;
    for (const key in node) {
      if (!Object.hasOwn(node, key)) continue;
      if (key === "$schema" || key === "$ref") return true;
      const value = node[key];
      if (Array.isArray(value)) {
        if (SCHEMA_LIST_KEYWORDS.has(key)) for (const item of value) stack.push(item, depth + 1);
      } else if (SCHEMA_MAP_KEYWORDS.has(key) && isObject(value)) {
        for (const name in value) if (Object.hasOwn(value, name)) stack.push(value[name], depth + 1);
      } else if (SCHEMA_KEYWORDS.has(key)) {
        stack.push(value, depth + 1);
      }
    }
  }
  return false;
}

class Normalizer {
  /** Input schemas being normalized on the current path: a `$ref` to one of them is a cycle. */
  private readonly path = new Set<object>();
  private size = 0;
  /** The root's definition containers, by keyword. */
  private readonly containers = new Map<string, JsonObject>();
  /** Entries of those containers that `$ref`s left in the output need, normalized once dequeued. */
  private readonly kept = new Map<string, Map<string, unknown>>();
  private readonly queue: [container: string, name: string][] = [];
  private keptAll = false;

  constructor(private readonly root: JsonObject) {
    for (const key of DEFINITION_CONTAINERS) {
      const defs = root[key];
      if (Object.hasOwn(root, key) && isObject(defs)) this.containers.set(key, defs);
    }
  }

  run(): JsonObject {
    const out = this.schema(this.root, 0) as JsonObject;
    // Kept entries sit under the root, which thus counts as being expanded.
    this.path.add(this.root);
    for (let i = 0; i < this.queue.length; i++) {
      const [container, name] = this.queue[i]!;
      this.kept.get(container)!.set(name, this.schema(this.containers.get(container)![name], 1));
    }
    for (const [container, entries] of this.kept) {
      const defs: JsonObject = {};
      for (const name of Object.keys(this.containers.get(container)!)) {
        if (entries.has(name)) define(defs, name, entries.get(name));
      }
      define(out, container, defs);
    }
    return out;
  }

  private schema(node: unknown, depth: number): unknown {
    if (!isObject(node)) return this.data(node);
    if (depth > MAX_SCHEMA_DEPTH) {
      // Returned unwalked, so any `$ref` inside may need any definition.
      this.keepAll();
      return this.data(node);
    }
    this.path.add(node);
    const out = this.inline(node, depth) ?? this.copy(node, depth, false);
    this.path.delete(node);
    return out;
  }

  /** The referenced schema merged with the `$ref`'s siblings, or undefined to keep the `$ref`. */
  private inline(node: JsonObject, depth: number): JsonObject | undefined {
    const ref = Object.hasOwn(node, "$ref") ? node.$ref : undefined;
    const tokens = typeof ref === "string" ? pointer(ref) : undefined;
    if (tokens === undefined) return undefined;
    const target = at(this.root, tokens);
    if (target === undefined) return undefined;
    if (!isObject(target) || this.path.has(target) || this.size >= MAX_OUTPUT_SIZE) {
      this.keepTarget(tokens);
      return undefined;
    }
    // Object spread defines keys as data, so a "__proto__" key stays a key.
    return { ...(this.schema(target, depth + 1) as JsonObject), ...this.copy(node, depth, true) };
  }

  private copy(node: JsonObject, depth: number, omitRef: boolean): JsonObject {
    const out: JsonObject = {};
    this.size += 2;
    for (const [key, value] of Object.entries(node)) {
      if (key === "$schema" || (omitRef && key === "$ref")) continue;
      // The root's definitions go out only as far as remaining refs need them (see run).
      if (node === this.root && this.containers.has(key)) continue;
      this.size += key.length + 4;
      define(out, key, this.keyword(key, value, depth));
    }
    return out;
  }

  private keyword(key: string, value: unknown, depth: number): unknown {
    if (Array.isArray(value)) {
      if (!SCHEMA_LIST_KEYWORDS.has(key)) return this.data(value);
      this.size += 2;
      return value.map((item) => this.schema(item, depth + 1));
    }
    if (SCHEMA_MAP_KEYWORDS.has(key) && isObject(value)) {
      // Keys here are property or definition names, never keywords.
      const out: JsonObject = {};
      this.size += 2;
      for (const [name, item] of Object.entries(value)) {
        this.size += name.length + 4;
        define(out, name, this.schema(item, depth + 1));
      }
      return out;
    }
    return SCHEMA_KEYWORDS.has(key) ? this.schema(value, depth + 1) : this.data(value);
  }

  /** Values that are not walked (enum, const, default, booleans...) go out as given, but count. */
  private data(value: unknown): unknown {
    this.size += jsonSize(value);
    return value;
  }

  private keepTarget(tokens: string[]): void {
    const [container, name] = tokens;
    if (container === undefined || !this.containers.has(container)) return;
    if (name === undefined) this.keepAll();
    else this.keep(container, name);
  }

  private keepAll(): void {
    if (this.keptAll) return;
    this.keptAll = true;
    for (const [container, defs] of this.containers) for (const name of Object.keys(defs)) this.keep(container, name);
  }

  private keep(container: string, name: string): void {
    let entries = this.kept.get(container);
    if (!entries) this.kept.set(container, (entries = new Map()));
    if (entries.has(name)) return;
    entries.set(name, undefined);
    this.queue.push([container, name]);
  }
}

/**
 * The JSON pointer tokens of a same-document `$ref` ("#" → []), or undefined
 * for remote refs, anchors and malformed fragments. The fragment is
 * percent-decoded, then split, then "~1" → "/" and "~0" → "~" (RFC 6901).
 */
function pointer(ref: string): string[] | undefined {
  if (!ref.startsWith("#")) return undefined;
  let fragment: string;
  try {
    fragment = decodeURIComponent(ref.slice(1));
  } catch {
    return undefined;
  }
  if (fragment === "") return [];
  if (!fragment.startsWith("/")) return undefined;
  return fragment
    .slice(1)
    .split("/")
    .map((token) => token.replace(/~[01]/g, (escape) => (escape === "~0" ? "~" : "/")));
}

function at(root: unknown, tokens: string[]): unknown {
  let current = root;
  for (const token of tokens) {
    const found = Array.isArray(current)
      ? /^(0|[1-9]\d*)$/.test(token) && Number(token) < current.length
      : isObject(current) && Object.hasOwn(current, token);
    if (!found) return undefined;
    current = (current as JsonObject)[token];
  }
  return current;
}

/** Roughly the length of `value`'s JSON text, counted without recursion. */
function jsonSize(value: unknown): number {
  let size = 0;
  const stack = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === "string") {
      size += item.length + 3;
    } else if (Array.isArray(item)) {
      size += 2;
      for (const element of item) stack.push(element);
    } else if (isObject(item)) {
      size += 2;
      for (const [key, element] of Object.entries(item)) {
        size += key.length + 4;
        stack.push(element);
      }
    } else {
      size += String(item).length + 1;
    }
  }
  return size;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Own data property, so a "__proto__" key from the client stays plain data. */
function define(target: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
