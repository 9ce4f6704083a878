import type { Database } from "../db/client.ts";
import { type Settlement, writeSettlements } from "./settlement-writer.ts";

export interface QueuedSettlement extends Settlement {
  /** Runs once the settlement is durably written. */
  onWritten(): void;
}

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
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | undefined;
  private retryDelayMs = 50;

  constructor(
    private readonly db: Database,
    private readonly intervalMs: number,
  ) {}

  enqueue(settlement: QueuedSettlement) {
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

  private async writeAll() {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      try {
        await writeSettlements(this.db, batch);
      } catch (error) {
        this.queue.unshift(...batch);
        console.error(`billing: writing ${batch.length} settlements failed, retrying in ${this.retryDelayMs} ms:`, errorText(error));
        this.timer = setTimeout(() => this.kick(), this.retryDelayMs);
        this.retryDelayMs = Math.min(this.retryDelayMs * 2, MAX_RETRY_DELAY_MS);
        return;
      }
      this.retryDelayMs = 50;
      for (const settlement of batch) settlement.onWritten();
    }
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
