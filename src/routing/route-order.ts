import type { Supplier } from "./supplier.ts";

/**
 * The order in which a request tries its candidates: lowest priority number
 * first; within a priority, a weighted random order (each next pick in
 * proportion to weight). Suppliers that are cooling down or whose breaker is
 * open are skipped; when every candidate is unavailable, the one whose
 * cooldown ends first is still tried rather than failing without trying.
 */
export function routeOrder(candidates: readonly Supplier[], now: number, random: () => number = Math.random): readonly Supplier[] {
  // The common case, one healthy supplier, without building anything.
  if (candidates.length === 1 && candidates[0]!.health.available(now)) return candidates;
  const available = candidates.filter((supplier) => supplier.health.available(now));
  if (available.length === 0) {
    const soonest = candidates.reduce<Supplier | undefined>(
      (best, supplier) => (!best || supplier.health.availableAt(now) < best.health.availableAt(now) ? supplier : best),
      undefined,
    );
    return soonest ? [soonest] : [];
  }
  const byPriority = new Map<number, Supplier[]>();
  for (const supplier of available) {
    const group = byPriority.get(supplier.config.priority);
    if (group) group.push(supplier);
    else byPriority.set(supplier.config.priority, [supplier]);
  }
  return [...byPriority.keys()].sort((a, b) => a - b).flatMap((priority) => weightedOrder(byPriority.get(priority)!, random));
}

function weightedOrder(group: Supplier[], random: () => number): Supplier[] {
  if (group.length === 1) return group;
  const left = [...group];
  const order: Supplier[] = [];
  while (left.length > 0) {
    let pick = random() * left.reduce((sum, supplier) => sum + supplier.config.weight, 0);
    let index = 0;
    while (index < left.length - 1 && (pick -= left[index]!.config.weight) >= 0) index++;
    order.push(left.splice(index, 1)[0]!);
  }
  return order;
}
