import { expect, test } from "bun:test";
import { loadConfig } from "../../src/config.ts";
import { ApiError } from "../../src/errors.ts";
import { defaultSuppliers } from "../../src/providers/default-suppliers.ts";
import { anthropicModel } from "./anthropic/helpers.ts";
import { gemini3Flash } from "./google/support.ts";

test("the environment's keys define the google and anthropic suppliers, with their base URLs", () => {
  const suppliers = defaultSuppliers(
    loadConfig({ GOOGLE_API_KEY: "g-key", GOOGLE_BASE_URL: "http://google.test/", ANTHROPIC_API_KEY: "a-key" }),
  );
  const google = suppliers.clientFor(gemini3Flash);
  expect({ name: google.name, baseUrl: google.baseUrl, headers: google.headers }).toEqual({
    name: "google",
    baseUrl: "http://google.test",
    headers: { "x-goog-api-key": "g-key", "content-type": "application/json" },
  });
  expect(suppliers.clientFor(anthropicModel()).baseUrl).toBe("https://api.anthropic.com");
});

test("a provider without a key (unset or empty) has no supplier: 503 no_supplier before any I/O", () => {
  const suppliers = defaultSuppliers(loadConfig({ ANTHROPIC_API_KEY: "" }));
  for (const model of [gemini3Flash, anthropicModel()]) {
    let error: unknown;
    try {
      suppliers.clientFor(model);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).toEnvelope().error).toEqual({
      type: "upstream_error",
      code: "no_supplier",
      message: `no supplier is configured for provider "${model.provider}"`,
    });
  }
});
