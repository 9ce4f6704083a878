import { expect, test } from "bun:test";
import { applyPartialArgs } from "../../../src/providers/google/apply-partial-args.ts";

test("strings stream in fragments; numbers, booleans and null land whole; nested paths and arrays are built", () => {
  const args: Record<string, unknown> = {};
  applyPartialArgs(args, [{ jsonPath: "$.recipe.name", stringValue: "Las", willContinue: true }]);
  applyPartialArgs(args, [{ jsonPath: "$.recipe.name", stringValue: "agna \"classic\"" }]);
  applyPartialArgs(args, [
    { jsonPath: "$.recipe.servings", numberValue: 4 },
    { jsonPath: "$.recipe.vegetarian", boolValue: false },
    { jsonPath: "$.recipe.ingredients[0].item", stringValue: "noodles" },
    { jsonPath: "$.recipe.ingredients[1].item", stringValue: "cheese" },
    { jsonPath: "$.note", nullValue: "NULL_VALUE" },
    { jsonPath: "$.ignored" },
    { jsonPath: "$", stringValue: "root" },
  ]);
  expect(JSON.stringify(args)).toBe(
    '{"recipe":{"name":"Lasagna \\"classic\\"","servings":4,"vegetarian":false,"ingredients":[{"item":"noodles"},{"item":"cheese"}]},"note":null}',
  );
});

test("a __proto__ key stays plain data", () => {
  const args: Record<string, unknown> = {};
  applyPartialArgs(args, [{ jsonPath: "$.__proto__.polluted", stringValue: "yes" }]);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(JSON.stringify(args)).toBe('{"__proto__":{"polluted":"yes"}}');
});
