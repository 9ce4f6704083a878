import type { SupplierFailure } from "../errors.ts";

export type HealthState = "closed" | "open" | "half_open" | "cooling";

/** Outcomes the breaker looks back on: the last WINDOW_SIZE, none older than WINDOW_MS. */
const WINDOW_SIZE = 20;
const WINDOW_MS = 60_000;
/** The breaker opens when at least this many recent outcomes... */
const MIN_OUTCOMES = 5;
/** ...failed at least at this rate. */
const FAILURE_RATE = 0.5;
/** Open for this long first, doubling each time a probe fails, up to the maximum. */
const FIRST_COOLDOWN_MS = 5_000;
const MAX_COOLDOWN_MS = 5 * 60_000;
/** The longest a Retry-After may keep a supplier out. */
const MAX_RETRY_AFTER_MS = 10 * 60_000;
/** A supplier whose credentials were refused, or that redirects, stays out this long (an operator has to fix it). */
const MISCONFIGURED_MS = 5 * 60_000;
/** A 429 without a Retry-After cools the supplier this long: an immediate retry would meet the same limit. */
const RATE_LIMIT_COOLDOWN_MS = 5_000;

/** What one attempt on a supplier came to, for its health. */
export type Outcome =
  | { ok: true; ttfbMs: number }
  | { ok: false; failure: SupplierFailure; retryAfterSeconds?: number };

/** Counters since the last report (supplier_stats). */
export interface HealthCounters {
  attempts: number;
  failures: number;
  ttfbMsSum: number;
  ttfbCount: number;
}

/** How long a failure keeps the supplier out of rotation, whatever the breaker says. */
function coolFor(outcome: Extract<Outcome, { ok: false }>): number {
  if (outcome.retryAfterSeconds !== undefined) return Math.min(outcome.retryAfterSeconds * 1000, MAX_RETRY_AFTER_MS);
  if (outcome.failure === "credentials" || outcome.failure === "redirect") return MISCONFIGURED_MS;
  if (outcome.failure === "rate_limited") return RATE_LIMIT_COOLDOWN_MS;
  return 0;
}

/**
 * One supplier's health as this process sees it: a circuit breaker over a
 * rolling window of supplier-side outcomes (a request the provider refused
 * as invalid, or one the client abandoned, says nothing about the supplier),
 * plus cool-downs: until a Retry-After, or for minutes after a credential
 * was refused. While open, after the cooldown one probe goes through at a
 * time (half-open); a good probe closes the breaker, a failed one doubles the
 * cooldown.
 */
export class SupplierHealth {
  private outcomes: { at: number; ok: boolean }[] = [];
  private openUntil = 0;
  private cooldownMs = FIRST_COOLDOWN_MS;
  private breakerOpen = false;
  private probing = false;
  /** Out of rotation until then, whatever the breaker says (Retry-After, refused credentials). */
  private coolingUntil = 0;
  private counters: HealthCounters = { attempts: 0, failures: 0, ttfbMsSum: 0, ttfbCount: 0 };

  constructor(private readonly now: () => number = Date.now) {}

  state(at = this.now()): HealthState {
    if (at < this.coolingUntil) return "cooling";
    if (!this.breakerOpen) return "closed";
    return at < this.openUntil ? "open" : "half_open";
  }

  /** Whether an attempt may go to it now (a half-open breaker lets one probe through at a time). */
  available(at = this.now()): boolean {
    const state = this.state(at);
    return state === "closed" || (state === "half_open" && !this.probing);
  }

  /** When it can next be tried: now when available, else the end of its cooldown. */
  availableAt(at = this.now()): number {
    if (this.available(at)) return at;
    return Math.max(this.coolingUntil, this.breakerOpen ? this.openUntil : 0, at);
  }

  /** An attempt starts: a half-open breaker's probe slot is taken. */
  begin(): void {
    this.counters.attempts++;
    if (this.state() === "half_open") this.probing = true;
  }

  record(outcome: Outcome): void {
    if (outcome.ok) {
      this.counters.ttfbMsSum += outcome.ttfbMs;
      this.counters.ttfbCount++;
      return this.answered();
    }
    const at = this.now();
    const wasProbe = this.probing;
    this.probing = false;
    this.counters.failures++;
    this.coolingUntil = Math.max(this.coolingUntil, at + coolFor(outcome));
    if (wasProbe) return this.open(at, this.cooldownMs * 2);
    this.remember(at, false);
    if (!this.breakerOpen && this.tripped(at)) this.open(at, FIRST_COOLDOWN_MS);
  }

  /**
   * The supplier answered, as a success does, but with no time to first byte
   * worth counting: it refused the request as invalid (a 4xx).
   */
  answered(): void {
    const wasProbe = this.probing;
    this.probing = false;
    if (wasProbe || this.breakerOpen) this.close();
    this.remember(this.now(), true);
  }

  /** A request that came back without a verdict on the supplier (the client left): frees a probe slot. */
  abandon(): void {
    this.probing = false;
  }

  /** The counters since the last call, reset. */
  takeCounters(): HealthCounters {
    const counters = this.counters;
    this.counters = { attempts: 0, failures: 0, ttfbMsSum: 0, ttfbCount: 0 };
    return counters;
  }

  private remember(at: number, ok: boolean) {
    this.outcomes.push({ at, ok });
    if (this.outcomes.length > WINDOW_SIZE) this.outcomes.shift();
  }

  private tripped(at: number): boolean {
    const recent = this.outcomes.filter((outcome) => at - outcome.at <= WINDOW_MS);
    if (recent.length < MIN_OUTCOMES) return false;
    return recent.filter((outcome) => !outcome.ok).length / recent.length >= FAILURE_RATE;
  }

  private open(at: number, cooldownMs: number) {
    this.breakerOpen = true;
    this.cooldownMs = Math.min(cooldownMs, MAX_COOLDOWN_MS);
    this.openUntil = at + this.cooldownMs;
  }

  private close() {
    this.breakerOpen = false;
    this.cooldownMs = FIRST_COOLDOWN_MS;
    this.outcomes = [];
  }
}
