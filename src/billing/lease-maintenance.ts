import type { Database } from "../db/client.ts";
import { dropHolds, renewHolds, sweepExpiredHolds } from "./hold-store.ts";
import type { Lease } from "./lease.ts";

/**
 * Every LEASE_TTL_SECONDS/3: renews the holds of leases in use, gives idle
 * ones back (after a third of the TTL unused), and clears holds that expired
 * long ago (left by killed processes, whichever process notices first).
 */
export class LeaseMaintenance {
  private timer: ReturnType<typeof setInterval> | undefined;
  private running = false;

  constructor(
    private readonly db: Database,
    /** This process's leases by key id (shared with LeaseBilling). */
    private readonly leases: Map<string, Lease>,
    private readonly ttlSeconds: number,
  ) {}

  start() {
    this.timer ??= setInterval(() => void this.run(), (this.ttlSeconds * 1000) / 3);
    this.timer.unref?.();
    void sweepExpiredHolds(this.db).catch(() => {});
  }

  stop() {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  async run() {
    if (this.running) return;
    this.running = true;
    const now = Date.now();
    const ttlMs = this.ttlSeconds * 1000;
    const renew: Lease[] = [];
    const drop: string[] = [];
    for (const [keyId, lease] of this.leases) {
      if (lease.idle && now - lease.lastUsed > ttlMs / 3) {
        this.leases.delete(keyId);
        drop.push(lease.id);
      } else if (lease.validity.state === "granted") {
        // Not a void lease: its hold expired, and an expired hold is never revived.
        renew.push(lease);
      }
    }
    // What each lease was granted when the renewal was sent: an extension may grant it anew meanwhile.
    const sent = new Map(renew.map((lease) => [lease, lease.validity]));
    try {
      const renewed = await renewHolds(
        this.db,
        renew.map((lease) => lease.id),
        this.ttlSeconds,
      );
      for (const lease of renew) {
        if (renewed.has(lease.id)) lease.grant(now + ttlMs);
        // A hold that expired (the process was paused, the database unreachable) is void, its lease starts
        // afresh; unless the lease was granted again while the renewal was out, by a hold the database made since.
        else if (lease.validity === sent.get(lease)) lease.void();
      }
      await dropHolds(this.db, drop);
      await sweepExpiredHolds(this.db);
    } catch (error) {
      console.error("billing: renewing credit holds failed:", String(error));
    } finally {
      this.running = false;
    }
  }
}
