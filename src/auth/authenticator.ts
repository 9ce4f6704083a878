import { inArray, sql } from "drizzle-orm";
import type { LimitReset } from "../billing/limit-period.ts";
import type { Database } from "../db/client.ts";
import { adminKeys, apiKeys } from "../db/schema.ts";
import { type ApiError, expiredKey, invalidKey, missingAuth } from "../errors.ts";
import type { ConsoleSession } from "./console-sessions.ts";
import { bearerToken, KeyCache } from "./key-cache.ts";
import { type ModelAccess, modelAccess } from "./model-access.ts";

/** Who is calling /v1: what the rest of a request needs to know about its customer key. */
export interface Principal {
  keyId: string;
  workspaceId: string;
  /** The key's display prefix (access logs), never the key. */
  keyPrefix: string;
  spendLimit: bigint | null;
  limitReset: LimitReset | null;
  /** The models the key may use; null = all. */
  models: ModelAccess | null;
}

/** Who is calling /admin/v1: a management key, directly or through a console session it signed in. */
export interface AdminPrincipal {
  adminKeyId: string;
  name: string;
  /** Set when the call came with a console session cookie. */
  session?: ConsoleSession;
}

const MISSING = missingAuth();
const INVALID = invalidKey();
const EXPIRED = expiredKey();

/** The 401 for a token the cache refused (unknown or revoked, or expired). */
type Refusal = (reason: "invalid" | "expired") => ApiError;
const keyRefusal: Refusal = (reason) => (reason === "expired" ? EXPIRED : INVALID);

/**
 * Token authentication over a key cache, for keys (from the Authorization
 * header) and console sessions (from their cookie): throws the spec's 401
 * for a missing, unknown, revoked or expired one.
 */
export class Authenticator<P = Principal> {
  constructor(
    private readonly cache: KeyCache<P>,
    private readonly refusal: Refusal = keyRefusal,
  ) {}

  start = () => this.cache.start();
  stop = () => this.cache.stop();
  /** Re-reads every cached key now (tests; the timer does it every refresh period). */
  refresh = () => this.cache.refresh();
  /** Drops a token ended here (a console sign-out) at once; other processes drop it at their next refresh. */
  forget = (tokenHash: string) => this.cache.forget(tokenHash);

  authenticate(authorization: string | null): Promise<P> {
    const token = bearerToken(authorization);
    if (!token) throw MISSING;
    return this.authenticateToken(token);
  }

  async authenticateToken(token: string): Promise<P> {
    const result = await this.cache.check(token);
    if (result.ok) return result.principal;
    throw this.refusal(result.reason);
  }
}

export type AdminAuthenticator = Authenticator<AdminPrincipal>;

/** Customer keys (api_keys): the /v1 routes. */
export const customerAuthenticator = (db: Database, refreshMs: number): Authenticator =>
  new Authenticator(
    new KeyCache<Principal>(
      {
        load: async (hashes) =>
          (await db.select().from(apiKeys).where(inArray(apiKeys.keyHash, hashes))).map((row) => ({
            id: row.id,
            keyHash: row.keyHash,
            expiresAt: row.expiresAt ? row.expiresAt.getTime() : null,
            revoked: row.revokedAt !== null,
            principal: {
              keyId: row.id,
              workspaceId: row.workspaceId,
              keyPrefix: row.prefix,
              spendLimit: row.spendLimit,
              limitReset: row.limitReset,
              models: modelAccess(row.models),
            },
          })),
        markUsed: async (ids) => {
          await db.update(apiKeys).set({ lastUsedAt: sql`now()` }).where(inArray(apiKeys.id, ids));
        },
      },
      refreshMs,
    ),
  );

/** Management keys (admin_keys): the /admin/v1 routes only. */
export const adminAuthenticator = (db: Database, refreshMs: number): AdminAuthenticator =>
  new Authenticator(
    new KeyCache<AdminPrincipal>(
      {
        load: async (hashes) =>
          (await db.select().from(adminKeys).where(inArray(adminKeys.keyHash, hashes))).map((row) => ({
            id: row.id,
            keyHash: row.keyHash,
            expiresAt: null,
            revoked: row.revokedAt !== null,
            principal: { adminKeyId: row.id, name: row.name },
          })),
        markUsed: markAdminKeysUsed(db),
      },
      refreshMs,
    ),
  );

/** Stamps management keys' last_used_at: by their own calls, and by their console sessions'. */
export const markAdminKeysUsed = (db: Database) => async (ids: string[]) => {
  await db.update(adminKeys).set({ lastUsedAt: sql`now()` }).where(inArray(adminKeys.id, ids));
};
