import { randomBase62 } from "../util/random.ts";
import type { AdmissionRequest, Reservation } from "./billing.ts";

/** A request waiting for its lease to grow. */
export interface Waiter {
  request: AdmissionRequest;
  /** Its worst-case cost, nano-USD. */
  estimate: bigint;
  resolve(reservation: Reservation): void;
  reject(error: unknown): void;
}

/**
 * Whether the database counts a lease's hold, as this process knows it:
 * nothing granted yet; granted until a local time (renewed while in use);
 * or void — its hold expired unrenewed (a paused process, an unreachable
 * database), so other processes may have been granted that credit.
 */
export type LeaseValidity = { state: "pending" } | { state: "granted"; until: number } | { state: "void" };

/**
 * One process's hold on one key's share of its workspace's credit, mirrored
 * in memory: `available` = the hold's amount − estimates of requests in
 * flight − costs settled but not yet written.
 */
export class Lease {
  readonly id = `hold_${randomBase62(20)}`;
  available = 0n;
  validity: LeaseValidity = { state: "pending" };
  inFlight = 0;
  unwritten = 0;
  lastUsed = Date.now();
  queue: Waiter[] = [];
  extending = false;

  constructor(
    readonly workspaceId: string,
    readonly keyId: string,
  ) {}

  /** Admits from memory: the database counts the hold now. */
  usable(now: number): boolean {
    return this.validity.state === "granted" && now < this.validity.until;
  }

  /** Was granted once and the database may no longer count it: only a fresh lease can admit. */
  lapsed(now: number): boolean {
    return this.validity.state === "void" || (this.validity.state === "granted" && now >= this.validity.until);
  }

  grant(until: number): void {
    this.validity = { state: "granted", until };
  }

  void(): void {
    this.validity = { state: "void" };
  }

  get idle(): boolean {
    return this.inFlight === 0 && this.unwritten === 0 && this.queue.length === 0 && !this.extending;
  }
}
