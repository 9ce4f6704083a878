import { inArray, sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { apiKeys } from "../db/schema.ts";
import type { LimitReset } from "../billing/limit-period.ts";
import { expiredKey, invalidKey, missingAuth } from "../errors.ts";
import { hashApiKey, hashesEqual } from "./api-key.ts";

/** Who is calling: what the rest of a request needs to know about its key. */
export interface Principal {
  keyId: string;
  workspaceId: string;
  spendLimit: bigint | null;
  limitReset: LimitReset | null;
}

interface CachedKey {
  principal: Principal;
  keyHash: string;
  expiresAt: number | null;
  revoked: boolean;
}

const MISSING = missingAuth();
const INVALID = invalidKey();
const EXPIRED = expiredKey();

/** Unknown keys are remembered briefly so a flood of bad keys cannot flood the database. */
const MAX_NEGATIVE_ENTRIES = 10_000;

/**
 * Authenticates bearer keys from memory. A key's first use reads it from the
 * database; after that a background refresh re-reads every cached key in one
 * query each period, so revocation takes effect within `refreshMs` and
 * expiry exactly (it is checked on every request). `last_used_at` is written
 * in batches by the same timer.
 */
export class Authenticator {
  private readonly byHash = new Map<string, CachedKey>();
  private readonly unknown = new Map<string, number>();
  private readonly used = new Set<string>();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly db: Database,
    private readonly refreshMs: number,
  ) {}

  start() {
    this.timer ??= setInterval(() => void this.refresh().catch(() => {}), this.refreshMs);
    this.timer.unref?.();
  }

  async stop() {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flushUsage();
  }

  /** Throws the spec's 401 for a missing, unknown, revoked or expired key. */
  async authenticate(authorization: string | null): Promise<Principal> {
    const token = bearerToken(authorization);
    if (!token) throw MISSING;
    const keyHash = hashApiKey(token);
    const entry = this.byHash.get(keyHash) ?? (await this.load(keyHash));
    if (!entry || entry.revoked || !hashesEqual(entry.keyHash, keyHash)) throw INVALID;
    if (entry.expiresAt !== null && entry.expiresAt <= Date.now()) throw EXPIRED;
    this.used.add(entry.principal.keyId);
    return entry.principal;
  }

  /** Re-reads every cached key and writes pending `last_used_at` stamps. */
  async refresh() {
    this.unknown.clear();
    await this.flushUsage();
    const hashes = [...this.byHash.keys()];
    if (hashes.length === 0) return;
    const rows = await this.db.select().from(apiKeys).where(inArray(apiKeys.keyHash, hashes));
    const seen = new Set<string>();
    for (const row of rows) {
      seen.add(row.keyHash);
      this.byHash.set(row.keyHash, toCached(row));
    }
    for (const hash of hashes) if (!seen.has(hash)) this.byHash.delete(hash);
  }

  private async load(keyHash: string): Promise<CachedKey | undefined> {
    const negativeUntil = this.unknown.get(keyHash);
    if (negativeUntil !== undefined && negativeUntil > Date.now()) return undefined;
    const [row] = await this.db.select().from(apiKeys).where(sql`${apiKeys.keyHash} = ${keyHash}`);
    if (!row) {
      if (this.unknown.size >= MAX_NEGATIVE_ENTRIES) this.unknown.clear();
      this.unknown.set(keyHash, Date.now() + this.refreshMs);
      return undefined;
    }
    const entry = toCached(row);
    this.byHash.set(keyHash, entry);
    return entry;
  }

  private async flushUsage() {
    if (this.used.size === 0) return;
    const ids = [...this.used];
    this.used.clear();
    await this.db.update(apiKeys).set({ lastUsedAt: sql`now()` }).where(inArray(apiKeys.id, ids));
  }
}

function bearerToken(header: string | null): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

function toCached(row: typeof apiKeys.$inferSelect): CachedKey {
  return {
    principal: { keyId: row.id, workspaceId: row.workspaceId, spendLimit: row.spendLimit, limitReset: row.limitReset },
    keyHash: row.keyHash,
    expiresAt: row.expiresAt ? row.expiresAt.getTime() : null,
    revoked: row.revokedAt !== null,
  };
}
