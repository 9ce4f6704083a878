/**
 * The performance targets, stated against the floor for a translating
 * proxy (bare-proxy.ts) and computed from rows of the same run, so the
 * machine's drift between runs cancels out of each ratio.
 */
import type { LoadRow } from "./load.ts";

export interface TargetCheck {
  id: "cpuPerRequestRatio16" | "throughputRatio16" | "addedP50OverBare1" | "addedP99At1";
  label: string;
  measured: number;
  /** How `measured` is shown: a ratio (×), a share (%), or milliseconds. */
  unit: "x" | "%" | "ms";
  comparison: "<=" | ">=";
  target: number;
  met: boolean;
  /** The figures it was computed from. */
  from: string;
}

const f = (value: number, digits = 3) => value.toFixed(digits);

/** The four targets from the non-streaming rows; empty when the bare proxy was not measured at 1 and 16 connections. */
export function checkTargets(rows: readonly LoadRow[]): TargetCheck[] {
  const at = (c: number) => rows.find((r) => r.concurrency === c);
  const one = at(1);
  const sixteen = at(16);
  const checks: TargetCheck[] = [];
  const check = (c: Omit<TargetCheck, "met">) =>
    checks.push({ ...c, met: Number.isFinite(c.measured) && (c.comparison === "<=" ? c.measured <= c.target : c.measured >= c.target) });

  if (sixteen?.bare && sixteen.cpuMsPerRequest.bare !== undefined) {
    const gw = sixteen.cpuMsPerRequest.gateway;
    const bare = sixteen.cpuMsPerRequest.bare;
    check({
      id: "cpuPerRequestRatio16",
      label: "Gateway CPU per request ÷ bare proxy's, 16 conn",
      measured: gw / bare,
      unit: "x",
      comparison: "<=",
      target: 1.5,
      from: `${f(gw)} / ${f(bare)} CPU ms per request`,
    });
    check({
      id: "throughputRatio16",
      label: "Gateway throughput ÷ bare proxy's, 16 conn",
      measured: sixteen.gateway.rps / sixteen.bare.result.rps,
      unit: "%",
      comparison: ">=",
      target: 0.6,
      from: `${Math.round(sixteen.gateway.rps)} / ${Math.round(sixteen.bare.result.rps)} req/s`,
    });
  }
  if (one?.bare) {
    check({
      id: "addedP50OverBare1",
      label: "Gateway added p50 minus bare proxy's added p50, 1 conn",
      measured: one.addedMs.p50 - one.bare.addedMs.p50,
      unit: "ms",
      comparison: "<=",
      target: 0.1,
      from: `(${f(one.gateway.latencyMs.p50)} − ${f(one.direct.latencyMs.p50)}) − (${f(one.bare.result.latencyMs.p50)} − ${f(one.direct.latencyMs.p50)}) ms`,
    });
  }
  if (one) {
    check({
      id: "addedP99At1",
      label: "Gateway added p99, 1 conn",
      measured: one.addedMs.p99,
      unit: "ms",
      comparison: "<=",
      target: 2,
      from: `${f(one.gateway.latencyMs.p99)} − ${f(one.direct.latencyMs.p99)} ms (direct)`,
    });
  }
  return checks;
}

export function formatValue(value: number, unit: TargetCheck["unit"]): string {
  if (!Number.isFinite(value)) return "–";
  if (unit === "x") return `${value.toFixed(2)}×`;
  if (unit === "%") return `${(100 * value).toFixed(0)}%`;
  return `${value >= 0 ? "+" : ""}${value.toFixed(2)} ms`;
}

export const formatCheck = (c: TargetCheck) =>
  `${c.label}: ${formatValue(c.measured, c.unit)} (target ${c.comparison === "<=" ? "≤" : "≥"} ${formatValue(c.target, c.unit)}) ${c.met ? "met" : "NOT met"}; ${c.from}`;
