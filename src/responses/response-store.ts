import { and, eq, gt, inArray, lte, sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { rowsOf } from "../db/rows.ts";
import { responses } from "../db/schema.ts";
import { invalidRequest, previousResponseNotFound } from "../errors.ts";
import type { ResponseInputItem } from "../openai/responses-request.ts";
import type { OutputItem, ResponseObject, ResponseStatus, ResponseUsage } from "../openai/responses-response.ts";
import type { ItemAddress } from "./item-ids.ts";

/** The response object less what has its own column. */
export type ResponseFields = Omit<ResponseObject, "status" | "model" | "output" | "output_text" | "usage">;

export interface StoredResponse {
  id: string;
  workspaceId: string;
  createdAt: Date;
  expiresAt: Date;
  previousResponseId: string | null;
  model: string;
  status: ResponseStatus;
  /** The request's own items, references resolved, each with an id. */
  input: ResponseInputItem[];
  /** As returned, reasoning with its encrypted content whatever `include` said. */
  output: OutputItem[];
  usage: ResponseUsage | null;
  response: ResponseFields;
}

/**
 * The most stored responses one previous_response_id chain may span (each
 * turn of a conversation is one): what a single request may make the
 * gateway load. Longer conversations send their history as input items.
 */
export const MAX_CHAIN = 100;

const MAX_BATCH = 500;
const WRITE_ATTEMPTS = 3;
const SWEEP_INTERVAL_MS = 60 * 60 * 1000;
const SWEEP_BATCH = 5_000;

interface StoreLimits {
  retentionDays: number;
  /**
   * The most stored items one request may load, in bytes of JSON (a
   * previous_response_id chain, or the items its references name): what a
   * body may carry (MAX_BODY_BYTES), as history sent instead would be.
   */
  maxHistoryBytes: number;
}

interface ChainRow {
  id: string;
  previous_response_id: string | null;
  input: ResponseInputItem[];
  output: OutputItem[];
  /** Bytes of the chain so far, this row included (a bigint: postgres.js gives it as a string). */
  total: number | string;
}

/**
 * Stored responses, per workspace, for `RESPONSES_RETENTION_DAYS`; expired
 * rows count as missing on every read and are swept hourly. Writes are off
 * the response path: a saved response is queued and written right after the
 * reply (the saves of one tick in one insert), and kept in memory until
 * then, so that this process sees it at once; another process sees it once
 * the insert commits, a few milliseconds after the reply. What one request
 * loads is bounded (MAX_CHAIN, StoreLimits.maxHistoryBytes).
 */
export class ResponseStore {
  /** Saved, not yet written. */
  private readonly pending = new Map<string, StoredResponse>();
  private queue: StoredResponse[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private writing: Promise<void> | undefined;
  private sweeper: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly db: Database,
    private readonly limits: StoreLimits,
  ) {}

  expiryFor(createdAt: Date): Date {
    return new Date(createdAt.getTime() + this.limits.retentionDays * 86_400_000);
  }

  save(response: StoredResponse): void {
    this.pending.set(response.id, response);
    this.queue.push(response);
    this.timer ??= setTimeout(() => this.kick(), 0);
  }

  async find(id: string, workspaceId: string): Promise<StoredResponse | undefined> {
    const pending = this.pendingFor(id, workspaceId);
    if (pending) return pending;
    const [row] = await this.db.select().from(responses).where(and(eq(responses.id, id), ...visibleTo(workspaceId)));
    return row as StoredResponse | undefined;
  }

  /** Whether it was there to delete. */
  async remove(id: string, workspaceId: string): Promise<boolean> {
    // A response still being written would come back after the delete.
    if (this.pending.has(id)) await this.flush();
    const deleted = await this.db
      .delete(responses)
      .where(and(eq(responses.id, id), ...visibleTo(workspaceId)))
      .returning({ id: responses.id });
    return deleted.length > 0;
  }

  /**
   * The conversation `id` continues, oldest first: the response and its
   * predecessors. 404 when it or a predecessor is missing (unknown, expired,
   * never stored, another workspace's), or with `partial` the part that is
   * still there, up to the first gap; 400 past MAX_CHAIN responses or
   * maxHistoryBytes, checked as the chain is walked, so no more is loaded.
   */
  async chain(id: string, workspaceId: string, { partial = false } = {}): Promise<ChainRow[]> {
    const { maxHistoryBytes } = this.limits;
    const newestFirst: ChainRow[] = [];
    let next: string | null = id;
    let total = 0;
    for (let pending = this.pendingFor(id, workspaceId); pending && newestFirst.length <= MAX_CHAIN && total <= maxHistoryBytes; ) {
      total += jsonBytes(pending.input) + jsonBytes(pending.output);
      newestFirst.push({ id: pending.id, previous_response_id: pending.previousResponseId, input: pending.input, output: pending.output, total });
      next = pending.previousResponseId;
      pending = next === null ? undefined : this.pendingFor(next, workspaceId);
    }
    if (next !== null && newestFirst.length <= MAX_CHAIN && total <= maxHistoryBytes) {
      // One row per step of the walk; the sizes stop it as soon as the budget is spent.
      const rows = rowsOf<ChainRow>(
        await this.db.execute(sql`
          with recursive chain as (
            select id, previous_response_id, input, output, 1 as depth,
              ${total}::bigint + octet_length(input::text) + octet_length(output::text) as total
            from responses
            where id = ${next} and workspace_id = ${workspaceId} and expires_at > now()
            union all
            select r.id, r.previous_response_id, r.input, r.output, c.depth + 1,
              c.total + octet_length(r.input::text) + octet_length(r.output::text)
            from responses r join chain c on r.id = c.previous_response_id
            where r.workspace_id = ${workspaceId} and r.expires_at > now()
              and c.depth < ${MAX_CHAIN + 1 - newestFirst.length} and c.total <= ${maxHistoryBytes}
          )
          select id, previous_response_id, input, output, total from chain order by depth`),
      );
      if (rows.length === 0 && !partial) throw previousResponseNotFound(next);
      newestFirst.push(...rows);
      next = rows.at(-1)?.previous_response_id ?? null;
    }
    const loaded = newestFirst.at(-1);
    if (!loaded) return [];
    if (newestFirst.length > MAX_CHAIN || Number(loaded.total) > maxHistoryBytes) {
      throw invalidRequest(
        `the conversation behind previous_response_id is longer than ${MAX_CHAIN} responses or ${maxHistoryBytes} bytes; send its history as input items instead`,
        "previous_response_id",
      );
    }
    if (next !== null && !partial) throw previousResponseNotFound(next);
    return newestFirst.reverse();
  }

  /**
   * The items at these addresses that the caller can see, by position in
   * `addresses` (missing ones absent), and their size in bytes of JSON. Only
   * the items are read, never whole responses; 400 once they add up to more
   * than maxHistoryBytes, whether they are still in memory or written.
   */
  async items(addresses: readonly ItemAddress[], workspaceId: string): Promise<{ found: Map<number, ResponseInputItem>; bytes: number }> {
    const { maxHistoryBytes } = this.limits;
    const tooMuch = () => invalidRequest(`the items referenced add up to more than ${maxHistoryBytes} bytes; send them as input items instead`, "input");
    const found = new Map<number, ResponseInputItem>();
    const unwritten: { address: ItemAddress; position: number }[] = [];
    // An item referenced again is measured once.
    const sizes = new Map<ResponseInputItem, number>();
    let bytes = 0;
    for (const [position, address] of addresses.entries()) {
      const pending = this.pendingFor(address.responseId, workspaceId);
      const item = pending && (address.side === "o" ? pending.output : pending.input)[address.index];
      if (item) {
        let size = sizes.get(item);
        if (size === undefined) sizes.set(item, (size = jsonBytes(item)));
        bytes += size;
        if (bytes > maxHistoryBytes) throw tooMuch();
        found.set(position, item);
      } else if (!pending) unwritten.push({ address, position });
    }
    if (unwritten.length === 0) return { found, bytes };
    const budget = maxHistoryBytes - bytes;
    const refs = sql.join(
      unwritten.map(({ address, position }) => sql`(${address.responseId}, ${address.side}, ${address.index}::int, ${position}::int)`),
      sql`, `,
    );
    const rows = rowsOf<{ position: number; item: ResponseInputItem; total: number | string }>(
      await this.db.execute(sql`
        with ref(response_id, side, idx, position) as (values ${refs}),
        found as (
          select ref.position, case when ref.side = 'o' then r.output -> ref.idx else r.input -> ref.idx end as item
          from ref join responses r on r.id = ref.response_id
          where r.workspace_id = ${workspaceId} and r.expires_at > now()
        ),
        sized as (
          select position, item, octet_length(item::text) as bytes, sum(octet_length(item::text)) over (order by position) as total
          from found where item is not null
        )
        select position, item, total from sized where total - bytes <= ${budget} order by position`),
    );
    const written = rows.length === 0 ? 0 : Number(rows.at(-1)!.total);
    if (written > budget) throw tooMuch();
    for (const row of rows) found.set(Number(row.position), row.item);
    return { found, bytes: bytes + written };
  }

  /** Starts the hourly sweep of expired rows (one right away). */
  start(): void {
    if (this.sweeper) return;
    const sweep = () => void this.sweep().catch((error) => console.error("responses: sweeping expired responses failed:", error));
    this.sweeper = setInterval(sweep, SWEEP_INTERVAL_MS);
    this.sweeper.unref?.();
    sweep();
  }

  /** Stops the sweep and writes what is queued. */
  async stop(): Promise<void> {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
    await this.flush();
  }

  /** Deletes expired rows, a batch at a time; returns how many. */
  async sweep(): Promise<number> {
    let total = 0;
    for (;;) {
      const expired = this.db.select({ id: responses.id }).from(responses).where(lte(responses.expiresAt, sql`now()`)).limit(SWEEP_BATCH);
      const deleted = await this.db.delete(responses).where(inArray(responses.id, expired)).returning({ id: responses.id });
      total += deleted.length;
      if (deleted.length < SWEEP_BATCH) return total;
    }
  }

  /** Resolves once everything saved so far is written (or given up on). */
  async flush(): Promise<void> {
    this.kick();
    while (this.writing) await this.writing;
  }

  private pendingFor(id: string, workspaceId: string): StoredResponse | undefined {
    const pending = this.pending.get(id);
    return pending?.workspaceId === workspaceId ? pending : undefined;
  }

  private kick(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.queue.length === 0 || this.writing) return;
    this.writing = this.writeQueued().finally(() => {
      this.writing = undefined;
      this.kick();
    });
  }

  /**
   * Writes the queue in batches, each retried a few times; a batch that
   * still fails is dropped with an error in the log (its responses are then
   * missing: a later reference to them is a 404), so a database outage
   * cannot make the queue grow without bound.
   */
  private async writeQueued(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      for (let attempt = 1; ; attempt++) {
        try {
          await this.db.insert(responses).values(batch).onConflictDoNothing();
          break;
        } catch (error) {
          if (attempt === WRITE_ATTEMPTS) {
            console.error(`responses: ${batch.length} stored responses could not be written and are lost:`, error);
            break;
          }
          await Bun.sleep(100 * 4 ** attempt);
        }
      }
      for (const response of batch) this.pending.delete(response.id);
    }
  }
}

/** A row the caller may read: its own workspace's and not expired. */
const visibleTo = (workspaceId: string) => [eq(responses.workspaceId, workspaceId), gt(responses.expiresAt, sql`now()`)];

const jsonBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));
