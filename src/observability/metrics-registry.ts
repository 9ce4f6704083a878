/**
 * A small Prometheus registry: counters, gauges and histograms with label
 * values, rendered in the text exposition format (version 0.0.4).
 * Hand-written rather than prom-client: recording is on every request's
 * path, and here it is one Map lookup and a few additions per series
 * (prom-client's label objects, hashing and default collectors cost several
 * times that), and it adds nothing to the binary.
 *
 * Label values must come from bounded sets (routes, catalog models,
 * suppliers, status codes): a series lives as long as the process.
 */

import { formatUsd } from "../billing/money.ts";

type Labels = readonly string[];

const SEPARATOR = "\u0000";

abstract class Metric {
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
  ) {}

  abstract render(out: string[]): void;

  protected header(out: string[], type: "counter" | "gauge" | "histogram") {
    out.push(`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} ${type}`);
  }
}

/** A metric whose series are recorded as things happen. */
abstract class RecordedMetric<S> extends Metric {
  private readonly series = new Map<string, { labels: Labels; value: S }>();

  protected abstract readonly type: "counter" | "histogram";
  protected abstract initial(): S;
  protected abstract samples(labels: string, value: S, out: string[]): void;

  /** The series of these label values, created on first use. */
  protected get(labels: Labels): S {
    const key = labels.length === 1 ? labels[0]! : labels.join(SEPARATOR);
    let entry = this.series.get(key);
    if (entry === undefined) {
      if (labels.length !== this.labelNames.length) throw new Error(`${this.name}: expected labels ${this.labelNames.join(", ")}`);
      entry = { labels: [...labels], value: this.initial() };
      this.series.set(key, entry);
    }
    return entry.value;
  }

  render(out: string[]): void {
    this.header(out, this.type);
    for (const { labels, value } of this.series.values()) this.samples(labelText(this.labelNames, labels), value, out);
  }
}

export class Counter extends RecordedMetric<{ n: number }> {
  protected readonly type = "counter";
  protected initial() {
    return { n: 0 };
  }
  inc(labels: Labels = [], by = 1): void {
    this.get(labels).n += by;
  }
  protected samples(labels: string, value: { n: number }, out: string[]) {
    out.push(`${this.name}${labels} ${value.n}`);
  }
}

/**
 * A counter of nano-USD kept exact as a bigint and shown in USD: a number
 * would lose whole nanos past $9M, and the exposition takes decimal text.
 */
export class UsdCounter extends RecordedMetric<{ nano: bigint }> {
  protected readonly type = "counter";
  protected initial() {
    return { nano: 0n };
  }
  inc(labels: Labels, nano: bigint): void {
    this.get(labels).nano += nano;
  }
  protected samples(labels: string, value: { nano: bigint }, out: string[]) {
    out.push(`${this.name}${labels} ${formatUsd(value.nano)}`);
  }
}

/** A metric read when scraped (a queue's depth, the process's CPU time): `collect` yields its series. */
export class Collected extends Metric {
  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    private readonly type: "gauge" | "counter",
    private readonly collect: () => Iterable<readonly [Labels, number]>,
  ) {
    super(name, help, labelNames);
  }

  render(out: string[]): void {
    this.header(out, this.type);
    for (const [labels, value] of this.collect()) out.push(`${this.name}${labelText(this.labelNames, labels)} ${value}`);
  }
}

interface HistogramSeries {
  /** Per bucket (not cumulative); the last is +Inf. */
  counts: number[];
  sum: number;
  count: number;
}

export class Histogram extends RecordedMetric<HistogramSeries> {
  protected readonly type = "histogram";

  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    /** Upper bounds, ascending. */
    private readonly buckets: readonly number[],
  ) {
    super(name, help, labelNames);
  }

  protected initial(): HistogramSeries {
    return { counts: new Array(this.buckets.length + 1).fill(0), sum: 0, count: 0 };
  }

  observe(labels: Labels, value: number): void {
    const series = this.get(labels);
    const buckets = this.buckets;
    let i = 0;
    while (i < buckets.length && value > buckets[i]!) i++;
    series.counts[i]!++;
    series.sum += value;
    series.count++;
  }

  protected samples(labels: string, value: HistogramSeries, out: string[]) {
    // le goes last inside the braces: `{route="/v1/models",le="0.1"}`.
    const open = labels === "" ? "{" : `${labels.slice(0, -1)},`;
    let cumulative = 0;
    for (let i = 0; i <= this.buckets.length; i++) {
      cumulative += value.counts[i]!;
      const le = i < this.buckets.length ? String(this.buckets[i]) : "+Inf";
      out.push(`${this.name}_bucket${open}le="${le}"} ${cumulative}`);
    }
    out.push(`${this.name}_sum${labels} ${value.sum}`, `${this.name}_count${labels} ${value.count}`);
  }
}

export class Registry {
  private readonly metrics: Metric[] = [];

  register<M extends Metric>(metric: M): M {
    if (this.metrics.some((m) => m.name === metric.name)) throw new Error(`metric ${metric.name} registered twice`);
    this.metrics.push(metric);
    return metric;
  }

  /** The text exposition format: `text/plain; version=0.0.4`. */
  render(): string {
    const out: string[] = [];
    for (const metric of this.metrics) metric.render(out);
    out.push("");
    return out.join("\n");
  }
}

export const CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

function labelText(names: readonly string[], values: Labels): string {
  if (names.length === 0) return "";
  let text = "{";
  for (let i = 0; i < names.length; i++) text += `${i ? "," : ""}${names[i]}="${escapeLabel(values[i]!)}"`;
  return `${text}}`;
}

const escapeLabel = (value: string) => value.replace(/[\\"\n]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`));
const escapeHelp = (value: string) => value.replace(/[\\\n]/g, (c) => (c === "\n" ? "\\n" : "\\\\"));
