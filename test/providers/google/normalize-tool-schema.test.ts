import { expect, test } from "bun:test";
import {
  MAX_OUTPUT_SIZE,
  MAX_SCHEMA_DEPTH,
  normalizeToolSchema,
} from "../../../src/providers/google/normalize-tool-schema.ts";

type Json = Record<string, unknown>;

/** Normalizes a deep-frozen copy, so any write to the input throws, and checks the input is unchanged. */
function normalize(input: Json): Json {
  const before = structuredClone(input);
  const out = normalizeToolSchema(deepFreeze(input));
  expect(input).toEqual(before);
  return out;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Every `$ref` string in `root` that does not resolve inside `root` itself. */
function danglingRefs(root: unknown): string[] {
  const dangling: string[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value !== "object" || value === null) continue;
    for (const [key, child] of Object.entries(value)) {
      if (key === "$ref" && typeof child === "string") {
        if (resolve(root, child) === undefined) dangling.push(child);
      } else stack.push(child);
    }
  }
  return dangling;
}

function resolve(root: unknown, ref: string): unknown {
  const fragment = decodeURIComponent(ref.slice(1));
  if (!ref.startsWith("#") || (fragment !== "" && !fragment.startsWith("/"))) return undefined;
  let current = root;
  for (const token of fragment.split("/").slice(1)) {
    const key = token.replaceAll("~1", "/").replaceAll("~0", "~");
    if (typeof current !== "object" || current === null || !Object.hasOwn(current, key)) return undefined;
    current = (current as Json)[key];
  }
  return current;
}

test("zod 4: the root $schema goes, everything else stays", () => {
  // z.toJSONSchema(z.object({ city: z.string().describe("City"), unit: z.enum(["c", "f"]).optional() }))
  const input = JSON.parse(
    '{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","properties":{"city":{"type":"string","description":"City"},"unit":{"type":"string","enum":["c","f"]}},"required":["city"],"additionalProperties":false}',
  );
  expect(normalize(input)).toEqual({
    type: "object",
    properties: { city: { type: "string", description: "City" }, unit: { type: "string", enum: ["c", "f"] } },
    required: ["city"],
    additionalProperties: false,
  });
});

test('zod 4: a schema recursive at the root keeps its "$ref": "#"', () => {
  // const Node = z.object({ value: z.string(), get children() { return z.array(Node) } }); z.toJSONSchema(Node)
  const input = JSON.parse(
    '{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","properties":{"value":{"type":"string"},"children":{"type":"array","items":{"$ref":"#"}}},"required":["value","children"],"additionalProperties":false}',
  );
  expect(normalize(input)).toEqual({
    type: "object",
    properties: { value: { type: "string" }, children: { type: "array", items: { $ref: "#" } } },
    required: ["value", "children"],
    additionalProperties: false,
  });
});

test("zod 4: reused schemas are inlined with their sibling description; a recursive one is inlined once, its cycle kept in $defs", () => {
  // const Point = z.object({ x: z.number(), y: z.number() });
  // const Category = z.object({ name: z.string(), get subcategories() { return z.array(Category) } }).meta({ id: "Category" });
  // z.toJSONSchema(z.object({ root: Category, from: Point, to: Point.describe("End point").optional() }), { reused: "ref" })
  const input = JSON.parse(
    '{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","properties":{"root":{"$ref":"#/$defs/Category"},"from":{"$ref":"#/$defs/__schema2"},"to":{"description":"End point","$ref":"#/$defs/__schema2"}},"required":["root","from"],"additionalProperties":false,"$defs":{"Category":{"type":"object","properties":{"name":{"$ref":"#/$defs/__schema0"},"subcategories":{"$ref":"#/$defs/__schema1"}},"required":["name","subcategories"],"additionalProperties":false},"__schema0":{"type":"string"},"__schema1":{"type":"array","items":{"$ref":"#/$defs/Category"}},"__schema2":{"type":"object","properties":{"x":{"$ref":"#/$defs/__schema3"},"y":{"$ref":"#/$defs/__schema4"}},"required":["x","y"],"additionalProperties":false},"__schema3":{"type":"number"},"__schema4":{"type":"number"}}}',
  );
  const category = {
    type: "object",
    properties: { name: { type: "string" }, subcategories: { type: "array", items: { $ref: "#/$defs/Category" } } },
    required: ["name", "subcategories"],
    additionalProperties: false,
  };
  const point = {
    type: "object",
    properties: { x: { type: "number" }, y: { type: "number" } },
    required: ["x", "y"],
    additionalProperties: false,
  };
  expect(normalize(input)).toEqual({
    type: "object",
    properties: { root: category, from: point, to: { ...point, description: "End point" } },
    required: ["root", "from"],
    additionalProperties: false,
    $defs: { Category: category },
  });
});

test("pydantic v2: a nested model is inlined wherever it is used, titles, defaults and Optional anyOf kept", () => {
  // class Address(BaseModel): street: str; city: str = Field(description="City name"); zip: Optional[str] = None
  // class Person(BaseModel): name: str = Field(description="Full name"); age: int = Field(default=0, ge=0)
  //   address: Address; previous: Optional[Address] = None; tags: list[str] = []
  // Person.model_json_schema()
  const input = JSON.parse(
    '{"$defs": {"Address": {"properties": {"street": {"title": "Street", "type": "string"}, "city": {"description": "City name", "title": "City", "type": "string"}, "zip": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": null, "title": "Zip"}}, "required": ["street", "city"], "title": "Address", "type": "object"}}, "properties": {"name": {"description": "Full name", "title": "Name", "type": "string"}, "age": {"default": 0, "minimum": 0, "title": "Age", "type": "integer"}, "address": {"$ref": "#/$defs/Address"}, "previous": {"anyOf": [{"$ref": "#/$defs/Address"}, {"type": "null"}], "default": null}, "tags": {"default": [], "items": {"type": "string"}, "title": "Tags", "type": "array"}}, "required": ["name", "address"], "title": "Person", "type": "object"}',
  );
  const address = {
    properties: {
      street: { title: "Street", type: "string" },
      city: { description: "City name", title: "City", type: "string" },
      zip: { anyOf: [{ type: "string" }, { type: "null" }], default: null, title: "Zip" },
    },
    required: ["street", "city"],
    title: "Address",
    type: "object",
  };
  expect(normalize(input)).toEqual({
    properties: {
      name: { description: "Full name", title: "Name", type: "string" },
      age: { default: 0, minimum: 0, title: "Age", type: "integer" },
      address,
      previous: { anyOf: [address, { type: "null" }], default: null },
      tags: { default: [], items: { type: "string" }, title: "Tags", type: "array" },
    },
    required: ["name", "address"],
    title: "Person",
    type: "object",
  });
});

test("pydantic v2: a recursive model at the root is inlined once and keeps its definition for the cycles", () => {
  // class Employee(BaseModel): name: str; manager: Optional["Employee"] = None; reports: list["Employee"] = []
  const input = JSON.parse(
    '{"$defs": {"Employee": {"properties": {"name": {"title": "Name", "type": "string"}, "manager": {"anyOf": [{"$ref": "#/$defs/Employee"}, {"type": "null"}], "default": null}, "reports": {"default": [], "items": {"$ref": "#/$defs/Employee"}, "title": "Reports", "type": "array"}}, "required": ["name"], "title": "Employee", "type": "object"}}, "$ref": "#/$defs/Employee"}',
  );
  const employee = {
    properties: {
      name: { title: "Name", type: "string" },
      manager: { anyOf: [{ $ref: "#/$defs/Employee" }, { type: "null" }], default: null },
      reports: { default: [], items: { $ref: "#/$defs/Employee" }, title: "Reports", type: "array" },
    },
    required: ["name"],
    title: "Employee",
    type: "object",
  };
  const out = normalize(input);
  expect(out).toEqual({ ...employee, $defs: { Employee: employee } });
  expect(danglingRefs(out)).toEqual([]);
});

test("MCP (zod-to-json-schema, draft-07): definitions, #/definitions and #/properties pointers are inlined", () => {
  const home = {
    type: "object",
    properties: { street: { type: "string" }, zip: { type: "string", pattern: "^\\d{5}$" } },
    required: ["street", "zip"],
    additionalProperties: false,
  };
  // zodToJsonSchema(z.object({ home: Address, work: Address.optional() }), { $refStrategy: "root", definitions: { Address } })
  const withDefinitions = JSON.parse(
    '{"type":"object","properties":{"home":{"$ref":"#/definitions/Address"},"work":{"$ref":"#/definitions/Address"}},"required":["home"],"additionalProperties":false,"definitions":{"Address":{"type":"object","properties":{"street":{"type":"string"},"zip":{"type":"string","pattern":"^\\\\d{5}$"}},"required":["street","zip"],"additionalProperties":false}},"$schema":"http://json-schema.org/draft-07/schema#"}',
  );
  expect(normalize(withDefinitions)).toEqual({
    type: "object",
    properties: { home, work: home },
    required: ["home"],
    additionalProperties: false,
  });
  // zodToJsonSchema(z.object({ home: Address, work: Address.optional(), path: z.string().describe("File path") }))
  const withPointer = JSON.parse(
    '{"type":"object","properties":{"home":{"type":"object","properties":{"street":{"type":"string"},"zip":{"type":"string","pattern":"^\\\\d{5}$"}},"required":["street","zip"],"additionalProperties":false},"work":{"$ref":"#/properties/home"},"path":{"type":"string","description":"File path"}},"required":["home","path"],"additionalProperties":false,"$schema":"http://json-schema.org/draft-07/schema#"}',
  );
  expect(normalize(withPointer)).toEqual({
    type: "object",
    properties: { home, work: home, path: { type: "string", description: "File path" } },
    required: ["home", "path"],
    additionalProperties: false,
  });
  // zodToJsonSchema(z.object({ home: Address, work: Address.optional() }), { name: "Input" })
  const named = JSON.parse(
    '{"$ref":"#/definitions/Input","definitions":{"Input":{"type":"object","properties":{"home":{"type":"object","properties":{"street":{"type":"string"},"zip":{"type":"string","pattern":"^\\\\d{5}$"}},"required":["street","zip"],"additionalProperties":false},"work":{"$ref":"#/definitions/Input/properties/home"}},"required":["home"],"additionalProperties":false}},"$schema":"http://json-schema.org/draft-07/schema#"}',
  );
  expect(normalize(named)).toEqual({
    type: "object",
    properties: { home, work: home },
    required: ["home"],
    additionalProperties: false,
  });
});

test("$schema goes at every level, but not where it names a property or sits in data", () => {
  const input = {
    type: "object",
    properties: {
      $schema: { type: "string", $schema: "http://json-schema.org/draft-07/schema#" },
      $ref: { type: "string", default: "#/$defs/X" },
      nested: { $schema: "https://json-schema.org/draft/2020-12/schema", type: "object", properties: {} },
    },
    required: ["$schema", "$ref"],
  };
  expect(normalize(input)).toEqual({
    type: "object",
    properties: {
      $schema: { type: "string" },
      $ref: { type: "string", default: "#/$defs/X" },
      nested: { type: "object", properties: {} },
    },
    required: ["$schema", "$ref"],
  });
});

test("enum, const, default and examples are data: $ref- and $schema-shaped values in them stay", () => {
  const data = { $ref: "#/$defs/A", $schema: "https://json-schema.org/draft/2020-12/schema" };
  const input = {
    type: "object",
    properties: {
      a: { type: "object", default: data, examples: [data], const: data },
      b: { enum: [data, "#/$defs/A"] },
    },
    $defs: { A: { type: "string" } },
  };
  expect(normalize(input)).toEqual({
    type: "object",
    properties: {
      a: { type: "object", default: data, examples: [data], const: data },
      b: { enum: [data, "#/$defs/A"] },
    },
  });
});

test("siblings of a $ref override the referenced keywords; nested and chained refs resolve", () => {
  const input = {
    type: "object",
    properties: {
      unit: { $ref: "#/$defs/Unit", description: "Override", default: "c" },
      alias: { $ref: "#/$defs/Alias" },
      list: { type: "array", items: { $ref: "#/$defs/Unit" } },
    },
    $defs: {
      Unit: { type: "string", enum: ["c", "f"], description: "Base" },
      Alias: { $ref: "#/$defs/Unit", title: "Alias" },
    },
  };
  expect(normalize(input)).toEqual({
    type: "object",
    properties: {
      unit: { type: "string", enum: ["c", "f"], description: "Override", default: "c" },
      alias: { type: "string", enum: ["c", "f"], description: "Base", title: "Alias" },
      list: { type: "array", items: { type: "string", enum: ["c", "f"], description: "Base" } },
    },
  });
});

test("pointers: ~0 and ~1 escapes, percent-encoding, array indexes", () => {
  const input = {
    type: "object",
    properties: {
      slash: { $ref: "#/$defs/a~1b" },
      tilde: { $ref: "#/$defs/m~0n" },
      spaced: { $ref: "#/%24defs/with%20space" },
      second: { $ref: "#/properties/pair/prefixItems/1" },
      pair: { type: "array", prefixItems: [{ type: "string" }, { type: "integer" }] },
    },
    $defs: { "a/b": { type: "boolean" }, "m~n": { type: "null" }, "with space": { type: "number" } },
  };
  expect(normalize(input)).toEqual({
    type: "object",
    properties: {
      slash: { type: "boolean" },
      tilde: { type: "null" },
      spaced: { type: "number" },
      second: { type: "integer" },
      pair: { type: "array", prefixItems: [{ type: "string" }, { type: "integer" }] },
    },
  });
});

test("self and mutual cycles are expanded once on each path and kept as $ref, with the definitions they need", () => {
  const input = {
    type: "object",
    properties: { a: { $ref: "#/$defs/A" }, self: { $ref: "#/$defs/Self" } },
    $defs: {
      A: { type: "object", properties: { b: { $ref: "#/$defs/B" } } },
      B: { type: "object", properties: { a: { $ref: "#/$defs/A", description: "back to A" } } },
      Self: { $ref: "#/$defs/Self" },
      Unused: { type: "string" },
    },
  };
  const b = { type: "object", properties: { a: { $ref: "#/$defs/A", description: "back to A" } } };
  const a = { type: "object", properties: { b } };
  const out = normalize(input);
  expect(out).toEqual({
    type: "object",
    properties: { a, self: { $ref: "#/$defs/Self" } },
    $defs: { A: a, Self: { $ref: "#/$defs/Self" } },
  });
  expect(danglingRefs(out)).toEqual([]);
});

test("unresolvable refs are left as they are, and unused definitions dropped", () => {
  const refs = [
    "https://example.com/schemas/address.json",
    "other.json#/$defs/A",
    "#/$defs/Missing",
    "#/properties/nowhere",
    "#/properties/list/items/0",
    "#anchor",
    "#/%E0%A4%A",
  ];
  const properties = Object.fromEntries(refs.map((ref, i) => [`p${i}`, { $ref: ref, description: `ref ${i}` }]));
  const input = { type: "object", properties: { ...properties, list: { items: {} } }, $defs: { A: { type: "string" } } };
  expect(normalize(input)).toEqual({ type: "object", properties: { ...properties, list: { items: {} } } });
});

test("boolean schemas pass through; a $ref to one stays a $ref with its definition", () => {
  const input = {
    type: "object",
    properties: { anything: true, nothing: false, never: { $ref: "#/$defs/Never" }, list: { type: "array", items: true } },
    additionalProperties: false,
    $defs: { Never: false, Unused: true },
  };
  expect(normalize(input)).toEqual({
    type: "object",
    properties: { anything: true, nothing: false, never: { $ref: "#/$defs/Never" }, list: { type: "array", items: true } },
    additionalProperties: false,
    $defs: { Never: false },
  });
});

test("a __proto__ key stays plain data, as a property name and as a definition name", () => {
  const input = JSON.parse(
    '{"type":"object","properties":{"__proto__":{"type":"string","polluted":true},"other":{"$ref":"#/$defs/__proto__"}},"$defs":{"__proto__":{"type":"integer"}}}',
  );
  const out = normalize(input);
  expect(JSON.stringify(out)).toBe(
    '{"type":"object","properties":{"__proto__":{"type":"string","polluted":true},"other":{"type":"integer"}}}',
  );
  const properties = out.properties as Json;
  expect(Object.getPrototypeOf(properties)).toBe(Object.prototype);
  expect(Object.hasOwn(properties, "__proto__")).toBe(true);
  expect(({} as Json).polluted).toBeUndefined();
});

test("a large definition used many times is inlined only up to the size cap, the rest kept as $ref", () => {
  const big = {
    type: "object",
    properties: Object.fromEntries(Array.from({ length: 2_000 }, (_, i) => [`field${i}`, { type: "string", description: `Field ${i}` }])),
  };
  const input = {
    type: "object",
    properties: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`p${i}`, { $ref: "#/$defs/Big" }])),
    $defs: { Big: big },
  };
  const out = normalize(input);
  const json = JSON.stringify(out);
  expect(json.length).toBeLessThan(MAX_OUTPUT_SIZE + 3 * JSON.stringify(input).length);
  const values = Object.values(out.properties as Json);
  expect(values.filter((value) => JSON.stringify(value) === JSON.stringify(big)).length).toBeGreaterThan(0);
  expect(values.filter((value) => JSON.stringify(value) === '{"$ref":"#/$defs/Big"}').length).toBeGreaterThan(0);
  expect(out.$defs).toEqual({ Big: big });
  expect(danglingRefs(out)).toEqual([]);
});

test("a billion-laughs chain of definitions, each using the next twice, stays bounded", () => {
  const levels = 40;
  const $defs: Json = { [`L${levels}`]: { type: "string", description: "x".repeat(50_000) } };
  for (let i = 0; i < levels; i++) {
    $defs[`L${i}`] = { type: "object", properties: { a: { $ref: `#/$defs/L${i + 1}` }, b: { $ref: `#/$defs/L${i + 1}` } } };
  }
  const input = { type: "object", properties: { root: { $ref: "#/$defs/L0" } }, $defs };
  const out = normalize(input);
  expect(JSON.stringify(out).length).toBeLessThan(MAX_OUTPUT_SIZE + 3 * JSON.stringify(input).length);
  expect(danglingRefs(out)).toEqual([]);
});

/** `{ type: "array", items: ... }` `levels` deep, and each of its nodes from the root down. */
function nested(levels: number): Json[] {
  const chain: Json[] = [{ type: "string" }];
  for (let i = 0; i < levels; i++) {
    const items: Json = { type: "string" };
    chain.at(-1)!.type = "array";
    chain.at(-1)!.items = items;
    chain.push(items);
  }
  return chain;
}

test("10,000 levels of nesting return, the part past the depth limit shared unchanged", () => {
  const chain = nested(10_000);
  const input = chain[0]!;
  const plain = JSON.stringify(input);
  // A root $schema to drop, so the schema is walked rather than returned as is.
  input.$schema = "https://json-schema.org/draft/2020-12/schema";
  const out = normalize(input);
  let node = out;
  for (let i = 0; i <= MAX_SCHEMA_DEPTH; i++) {
    expect(node).not.toBe(chain[i]);
    node = node.items as Json;
  }
  expect(node).toBe(chain[MAX_SCHEMA_DEPTH + 1]);
  expect(JSON.stringify(out)).toBe(plain);
});

test("a schema with nothing to rewrite is returned itself, however deep", () => {
  const data = { $ref: "#/$defs/A", $schema: "https://json-schema.org/draft/2020-12/schema" };
  const plain = {
    type: "object",
    properties: {
      $schema: { type: "string" },
      $ref: { type: "string", default: data, enum: [data] },
      list: { type: "array", items: { anyOf: [{ type: "string" }, { type: "null" }] } },
      inner: { type: "object", $defs: { A: { type: "string" } } },
    },
    required: ["$schema", "$ref"],
    additionalProperties: false,
  };
  expect(normalize(plain)).toBe(plain);
  const deep = nested(10_000)[0]!;
  expect(normalize(deep)).toBe(deep);
});

test("a $schema or $ref under any keyword the normalizer walks is found", () => {
  const marked = () => ({ type: "string", $schema: "https://json-schema.org/draft/2020-12/schema" });
  const shapes: Json[] = [
    ...["items", "additionalItems", "additionalProperties", "unevaluatedItems", "unevaluatedProperties"].map((key) => ({
      [key]: marked(),
    })),
    ...["contains", "propertyNames", "not", "if", "then", "else", "contentSchema"].map((key) => ({ [key]: marked() })),
    ...["allOf", "anyOf", "oneOf", "prefixItems", "items"].map((key) => ({ [key]: [{ type: "null" }, marked()] })),
    ...["properties", "patternProperties", "$defs", "definitions", "dependentSchemas", "dependencies"].map((key) => ({
      type: "object",
      properties: { inner: { [key]: { a: { type: "null" }, b: marked() } } },
    })),
  ];
  for (const shape of shapes) {
    const out = normalize({ type: "object", properties: { p: shape } });
    expect(JSON.stringify(out)).not.toContain("$schema");
  }
  const ref = { type: "object", properties: { p: { not: { $ref: "#/properties/q" } }, q: { type: "string" } } };
  expect(normalize(ref)).toEqual({ type: "object", properties: { p: { not: { type: "string" } }, q: { type: "string" } } });
  const defs = { type: "object", $defs: { A: { type: "string" } } };
  expect(normalize(defs)).toEqual({ type: "object" });
});

test("a 10,000-long chain of refs returns, every remaining ref still resolving", () => {
  const $defs: Json = { D10000: { type: "string" } };
  for (let i = 0; i < 10_000; i++) $defs[`D${i}`] = { $ref: `#/$defs/D${i + 1}` };
  const input = { type: "object", properties: { x: { $ref: "#/$defs/D0" } }, $defs };
  const out = normalize(input);
  expect(danglingRefs(out)).toEqual([]);
});
