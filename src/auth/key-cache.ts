import { hashApiKey } from "./api-key.ts";

/** How one kind of key is stored: loading by hash, and writing last-used stamps. */
export interface KeyStore<P> {
  /** The keys with these hashes (missing ones are simply absent). */
  load(hashes: string[]): Promise<StoredKey<P>[]>;
  markUsed(ids: string[]): Promise<void>;
}

export interface StoredKey<P> {
  id: string;
  keyHash: string;
  /** What a request authenticated by this key knows about its caller. */
  principal: P;
  expiresAt: number | null;
  revoked: boolean;
}

/** Unknown keys are remembered briefly so a flood of bad keys cannot flood the database. */
const MAX_NEGATIVE_ENTRIES = 10_000;

export type KeyCheck<P> = { ok: true; principal: P } | { ok: false; reason: "invalid" | "expired" };

/**
 * Bearer keys checked from memory. A key's first use reads it from the
 * database; after that a background refresh re-reads every cached key in
 * one query each period, so revocation and changes (limits, model lists)
 * take effect within `refreshMs`, and expiry exactly (it is checked on every
 * request). `last_used_at` is written in batches by the same timer.
 */
export class KeyCache<P> {
  private readonly byHash = new Map<string, StoredKey<P>>();
  private readonly unknown = new Map<string, number>();
  private readonly used = new Set<string>();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly store: KeyStore<P>,
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

  async check(token: string): Promise<KeyCheck<P>> {
    const keyHash = hashApiKey(token);
    const entry = this.byHash.get(keyHash) ?? (await this.load(keyHash));
    // Looked up by the digest of the key, never compared with the key: what a lookup's timing tells is about a hash.
    if (!entry || entry.revoked) return { ok: false, reason: "invalid" };
    if (entry.expiresAt !== null && entry.expiresAt <= Date.now()) return { ok: false, reason: "expired" };
    this.used.add(entry.id);
    return { ok: true, principal: entry.principal };
  }

  /** Drops a key ended here (a console sign-out) at once; other processes drop it at their next refresh. */
  forget(keyHash: string) {
    this.byHash.delete(keyHash);
  }

  /** Re-reads every cached key and writes pending `last_used_at` stamps. */
  async refresh() {
    this.unknown.clear();
    await this.flushUsage();
    const hashes = [...this.byHash.keys()];
    if (hashes.length === 0) return;
    const rows = await this.store.load(hashes);
    const seen = new Set<string>();
    for (const row of rows) {
      seen.add(row.keyHash);
      this.byHash.set(row.keyHash, row);
    }
    for (const hash of hashes) if (!seen.has(hash)) this.byHash.delete(hash);
  }

  private async load(keyHash: string): Promise<StoredKey<P> | undefined> {
    const negativeUntil = this.unknown.get(keyHash);
    if (negativeUntil !== undefined && negativeUntil > Date.now()) return undefined;
    const [row] = await this.store.load([keyHash]);
    if (!row) {
      if (this.unknown.size >= MAX_NEGATIVE_ENTRIES) this.unknown.clear();
      this.unknown.set(keyHash, Date.now() + this.refreshMs);
      return undefined;
    }
    this.byHash.set(keyHash, row);
    return row;
  }

  private async flushUsage() {
    if (this.used.size === 0) return;
    const ids = [...this.used];
    this.used.clear();
    await this.store.markUsed(ids);
  }
}

/** The token of an `Authorization: Bearer <token>` header. */
export function bearerToken(header: string | null): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
