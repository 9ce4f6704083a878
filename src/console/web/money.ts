// Money in the console: the API's exact decimal strings, added up as integer nano-USD (never floats),
// shown with enough digits that a per-token cost never reads as $0.00.

const NANO = 1_000_000_000n;

/** "12.500000001" → 12_500_000_001n. */
export function toNano(decimal: string): bigint {
  const match = /^(-?)(\d+)(?:\.(\d{1,9}))?$/.exec(decimal);
  if (!match) throw new Error(`not a USD amount: ${decimal}`);
  const nano = BigInt(match[2]!) * NANO + BigInt((match[3] ?? "").padEnd(9, "0"));
  return match[1] ? -nano : nano;
}

/** The exact decimal, at least 2 decimals, as the API writes it. */
export function fromNano(nano: bigint): string {
  const sign = nano < 0n ? "-" : "";
  const abs = nano < 0n ? -nano : nano;
  const fraction = String(abs % NANO).padStart(9, "0").replace(/0+$/, "").padEnd(2, "0");
  return `${sign}${abs / NANO}.${fraction}`;
}

export const sumUsd = (amounts: Iterable<string>) => {
  let total = 0n;
  for (const amount of amounts) total += toNano(amount);
  return fromNano(total);
};

/**
 * "$0.000066", "$12.35", "$1,234.57": at least `significant` significant
 * digits (rounded half up) and 2 decimals; an exact amount without its
 * trailing zeros past the second. The exact amount goes in a title (usd()).
 */
export function displayUsd(decimal: string, significant = 4): string {
  const nano = toNano(decimal);
  const abs = nano < 0n ? -nano : nano;
  const step = 10n ** BigInt(9 - decimalsFor(abs, significant));
  const rounded = ((abs + step / 2n) / step) * step;
  // A carry (0.000099999 → 0.00010000) needs a digit fewer.
  const decimals = decimalsFor(rounded, significant);
  // Trailing zeros are dropped only from an exact amount: in a rounded one they are significant ($1.230).
  const digits = String(rounded % NANO).padStart(9, "0").slice(0, decimals);
  const fraction = rounded === abs ? digits.replace(/(\d\d)0+$/, "$1") : digits;
  return `${nano < 0n ? "-" : ""}$${groupThousands(String(rounded / NANO))}.${fraction}`;
}

/** Decimals for `significant` digits of a non-negative nano amount: after the whole part's own, or after the fraction's leading zeros; 2 to 9. */
function decimalsFor(abs: bigint, significant: number): number {
  const whole = abs / NANO;
  const wanted = whole > 0n ? significant - String(whole).length : 9 - String(abs).length + significant;
  return Math.min(9, Math.max(2, wanted));
}

const groupThousands = (digits: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
