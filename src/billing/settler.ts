import type { Database } from "../db/client.ts";
import type { BillingObserver } from "./billing.ts";
import { type Settlement, writeSettlements } from "./settlement-writer.ts";

export interface QueuedSettlement extends Settlement {
  /** Runs once the settlement is durably written. */
  onWritten(): void;
}

/** performance.now() when a batch's oldest settlement was queued. */
type Batch = { settlements: QueuedSettlement[]; since: number };

const MAX_BATCH = 1000;
const MAX_RETRY_DELAY_MS = 5_000;

/**
 * Settlement off the response path: finished requests queue here and are
 * written together every `intervalMs` (or as soon as a batch is full), one
 * transaction per batch. A failed write keeps the batch and retries with
 * backoff; idempotency by request id makes a retry after an unseen commit
 * harmless.
 */
export class Settler {
  private queue: QueuedSettlement[] = [];
  /** When the oldest queued settlement arrived (the queue is FIFO); the batch being written has its own. */
  private queuedSince = 0;
  private writing: Batch | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | undefined;
  private retryDelayMs = 50;

  constructor(
    private readonly db: Database,
    private readonly intervalMs: number,
    private readonly observer?: BillingObserver,
  ) {}

  enqueue(settlement: QueuedSettlement) {
    if (this.queue.length === 0) this.queuedSince = performance.now();
    this.queue.push(settlement);
    if (this.queue.length >= MAX_BATCH) this.kick();
    else this.timer ??= setTimeout(() => this.kick(), this.intervalMs);
  }

  /** Writes everything queued; gives up (and says so) after `timeoutMs` of failures. */
  async drain(timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      this.kick();
      await this.running;
      if (this.queue.length === 0) return;
      if (Date.now() > deadline) {
        console.error(`billing: ${this.queue.length} settlements could not be written before shutdown`);
        return;
      }
      await Bun.sleep(this.retryDelayMs);
    }
  }

  private kick() {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.running ??= this.writeAll().finally(() => {
      this.running = undefined;
    });
  }

  /** What is not yet written (queued or being written), and how long the oldest has waited. */
  backlog(now = performance.now()): { depth: number; oldestAgeMs: number } {
    const depth = this.queue.length + (this.writing?.settlements.length ?? 0);
    const since = this.writing?.since ?? (this.queue.length > 0 ? this.queuedSince : now);
    return { depth, oldestAgeMs: now - since };
  }

  private async writeAll() {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      // What stays queued arrived after the batch: its age counts from now at the latest.
      this.writing = { settlements: batch, since: this.queuedSince };
      if (this.queue.length > 0) this.queuedSince = performance.now();
      try {
        await writeSettlements(this.db, batch);
      } catch (error) {
        this.queue.unshift(...batch);
        this.queuedSince = this.writing.since;
        this.writing = undefined;
        this.observer?.settlementBatch(false);
        console.error(`billing: writing ${batch.length} settlements failed, retrying in ${this.retryDelayMs} ms:`, errorText(error));
        this.timer = setTimeout(() => this.kick(), this.retryDelayMs);
        this.retryDelayMs = Math.min(this.retryDelayMs * 2, MAX_RETRY_DELAY_MS);
        return;
      }
      this.writing = undefined;
      this.observer?.settlementBatch(true);
      this.retryDelayMs = 50;
      for (const settlement of batch) settlement.onWritten();
    }
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
