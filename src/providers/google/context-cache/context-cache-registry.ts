/**
 * What one creation attempt gave: a live cache (with the tokens it holds,
 * when Google reports them), or Google's refusal to cache this prefix.
 */
export type Creation = { name: string; expiresAt: number; totalTokens?: number } | "refused";

/**
 * The cache one caller sends its request on. `created`: this very call ran
 * the creation (it alone pays for writing the cache; callers that waited for
 * the same attempt, or came later, only read it). `totalTokens`: what the
 * creation reported the cache holds, given to the creator only.
 */
export interface ResolvedCache {
  name: string;
  created: boolean;
  totalTokens?: number;
}

/** A successful attempt, as every caller waiting on it sees it. */
interface Created {
  name: string;
  totalTokens?: number;
}

export interface RegistryOptions {
  /** Clock in epoch ms (tests). */
  now?: () => number;
  /** Most keys remembered (caches and refusals together); the least recently used goes first. */
  maxEntries?: number;
  /** A cache is reused until this long before it expires, so no request reaches Google with a dead one. */
  safetyMarginMs?: number;
  /** How long a refused prefix is sent plainly before creation is tried again. */
  refusalMs?: number;
}

/** `name` undefined: a remembered refusal. Either way the entry is good until `until`. */
interface Entry {
  name: string | undefined;
  until: number;
}

/**
 * Which prompt prefixes have a live Gemini context cache, by cache key. Holds
 * only hashes, resource names and times. One creation per key at a time:
 * concurrent requests for the same prefix wait for the same attempt.
 */
export class ContextCacheRegistry {
  private readonly entries = new Map<string, Entry>();
  private readonly pending = new Map<string, Promise<Created | undefined>>();
  private readonly now: () => number;
  private readonly maxEntries: number;
  private readonly safetyMarginMs: number;
  private readonly refusalMs: number;

  constructor(options: RegistryOptions = {}) {
    this.now = options.now ?? Date.now;
    this.maxEntries = options.maxEntries ?? 1000;
    this.safetyMarginMs = options.safetyMarginMs ?? 30_000;
    this.refusalMs = options.refusalMs ?? 10 * 60_000;
  }

  /**
   * The cache to send for `key`, or undefined to send the plain request
   * (creation refused now or recently, or failed). `create` runs only when
   * no live entry or attempt exists, and then this caller is the creator;
   * it rejects on a failure that says nothing about the prefix (outage,
   * timeout), which is not remembered. `signal` ends only this caller's
   * wait, not the attempt.
   */
  async resolve(key: string, create: () => Promise<Creation>, signal: AbortSignal): Promise<ResolvedCache | undefined> {
    const entry = this.entries.get(key);
    if (entry && this.now() < entry.until) {
      this.remember(key, entry);
      return entry.name === undefined ? undefined : { name: entry.name, created: false };
    }
    if (entry) this.entries.delete(key);
    let attempt = this.pending.get(key);
    const created = !attempt;
    if (!attempt) {
      attempt = this.attempt(key, create);
      this.pending.set(key, attempt);
    }
    const cache = await waitUnlessAborted(attempt, signal);
    if (!cache) return undefined;
    return created ? { name: cache.name, created, totalTokens: cache.totalTokens } : { name: cache.name, created };
  }

  private async attempt(key: string, create: () => Promise<Creation>): Promise<Created | undefined> {
    // Even a `create` that throws at once must settle only after resolve() registered the attempt.
    await undefined;
    try {
      const creation = await create();
      if (creation === "refused") {
        this.remember(key, { name: undefined, until: this.now() + this.refusalMs });
        return undefined;
      }
      this.remember(key, { name: creation.name, until: creation.expiresAt - this.safetyMarginMs });
      // The requests that waited for it use it even if its lifetime is shorter than the margin.
      return { name: creation.name, totalTokens: creation.totalTokens };
    } catch {
      return undefined;
    } finally {
      this.pending.delete(key);
    }
  }

  /** Map order is recency: re-inserting marks the key as used; the oldest key goes past the cap. */
  private remember(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}

function waitUnlessAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
