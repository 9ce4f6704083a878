import type { SupplierFailure } from "../errors.ts";

/** A failing HTTP status as its supplier failure: 429 a rate limit, 503 and Anthropic's 529 overload, else the server failing. */
export const supplierFailureOf = (status: number): SupplierFailure =>
  status === 429 ? "rate_limited" : status === 529 || status === 503 ? "overloaded" : "server_error";
