import type { Database } from "../db/client.ts";
import type { BillingObserver } from "./billing.ts";
import { type Settlement, writeSettlements } from "./settlement-writer.ts";

export interface QueuedSettlement extends Settlement {
  /** Runs once the settlement is durably written. */
  onWritten(): void;
}

/** A settlement not yet written, and performance.now() when it was queued. */
type Entry = { settlement: QueuedSettlement; queuedAt: number };

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
  private queue: Entry[] = [];
  private writing: Entry[] | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | undefined;
  private retryDelayMs = 50;

  constructor(
    private readonly db: Database,
    private readonly intervalMs: number,
    private readonly observer?: BillingObserver,
  ) {}

  enqueue(settlement: QueuedSettlement) {
    this.queue.push({ settlement, queuedAt: performance.now() });
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
    const depth = this.queue.length + (this.writing?.length ?? 0);
    // The batch being written was queued before everything still queued (FIFO; a failed batch goes back to the front).
    const oldest = this.writing?.[0] ?? this.queue[0];
    return { depth, oldestAgeMs: oldest ? now - oldest.queuedAt : 0 };
  }

  private async writeAll() {
    while (this.queue.length > 0) {
      const entries = this.queue.splice(0, MAX_BATCH);
      this.writing = entries;
      const batch = entries.map((entry) => entry.settlement);
      try {
        await writeSettlements(this.db, batch);
      } catch (error) {
        this.queue.unshift(...entries);
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
