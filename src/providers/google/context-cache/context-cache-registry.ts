/** What one creation attempt gave: a live cache, or Google's refusal to cache this prefix. */
export type Creation = { name: string; expiresAt: number } | "refused";

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
  private readonly pending = new Map<string, Promise<string | undefined>>();
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
   * The cache name to send for `key`, or undefined to send the plain
   * request (creation refused now or recently, or failed). `create` runs
   * only when no live entry or attempt exists; it rejects on a failure
   * that says nothing about the prefix (outage, timeout), which is not
   * remembered. `signal` ends only this caller's wait, not the attempt.
   */
  resolve(key: string, create: () => Promise<Creation>, signal: AbortSignal): Promise<string | undefined> {
    const entry = this.entries.get(key);
    if (entry && this.now() < entry.until) {
      this.remember(key, entry);
      return Promise.resolve(entry.name);
    }
    if (entry) this.entries.delete(key);
    let attempt = this.pending.get(key);
    if (!attempt) {
      attempt = this.attempt(key, create);
      this.pending.set(key, attempt);
    }
    return waitUnlessAborted(attempt, signal);
  }

  private async attempt(key: string, create: () => Promise<Creation>): Promise<string | undefined> {
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
      return creation.name;
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
