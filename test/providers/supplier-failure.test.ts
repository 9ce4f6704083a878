import { expect, test } from "bun:test";
import type { SupplierFailure } from "../../src/errors.ts";
import { mapAnthropicError } from "../../src/providers/anthropic/map-anthropic-error.ts";
import { mapGeminiError } from "../../src/providers/google/map-gemini-error.ts";
import { supplierFailureOf } from "../../src/providers/supplier-failure.ts";

const failures: [number, SupplierFailure][] = [
  [429, "rate_limited"],
  [503, "overloaded"],
  [529, "overloaded"],
  [500, "server_error"],
  [502, "server_error"],
];

test("both providers' error mappers report a failing status as the same supplier failure", () => {
  for (const [status, failure] of failures) {
    expect(supplierFailureOf(status)).toBe(failure);
    expect(mapAnthropicError(status, "").supplierFailure).toBe(failure);
    expect(mapGeminiError(status, "").supplierFailure).toBe(failure);
  }
});
