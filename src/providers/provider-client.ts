import type { ProviderName } from "../catalog/model.ts";
import type { ApiError } from "../errors.ts";

/** How one provider's API authenticates and reports errors (each provider folder has one). */
export interface ProviderProtocol {
  readonly provider: ProviderName;
  /** Headers that authenticate and version a call (besides content-type). */
  headers(credential: string): Record<string, string>;
  /** A non-2xx reply (its body already free of the credential) → the spec's error table. */
  mapError(status: number, bodyText: string): ApiError;
}

/**
 * One account at one provider: where to send, with which credential, and
 * how to read its errors. The transport sends a call through it; each
 * supplier has one. The credential comes from the environment and is only
 * ever sent to `baseUrl`.
 */
export interface ProviderClient {
  /** The supplier's name, as reported in responses, records and messages (never a URL or key). */
  readonly name: string;
  readonly provider: ProviderName;
  /** Without a trailing slash. */
  readonly baseUrl: string;
  readonly credential: string;
  /** Every header a call carries, built once. */
  readonly headers: Readonly<Record<string, string>>;
  mapError(status: number, bodyText: string): ApiError;
}

export function createProviderClient(
  protocol: ProviderProtocol,
  supplier: { name: string; baseUrl: string; credential: string },
): ProviderClient {
  return {
    name: supplier.name,
    provider: protocol.provider,
    baseUrl: supplier.baseUrl.replace(/\/+$/, ""),
    credential: supplier.credential,
    headers: { ...protocol.headers(supplier.credential), "content-type": "application/json" },
    mapError: (status, bodyText) => protocol.mapError(status, bodyText),
  };
}
