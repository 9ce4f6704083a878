import { expect, test } from "bun:test";
import { formatUsd, nanoToUsdNumber, parseUsd } from "../../src/billing/money.ts";

/** The reference: BigInt division only. */
function exactText(nano: bigint): string {
  const abs = nano < 0n ? -nano : nano;
  const fraction = (abs % 1_000_000_000n).toString().padStart(9, "0").replace(/0+$/, "").padEnd(2, "0");
  return `${nano < 0n ? "-" : ""}${abs / 1_000_000_000n}.${fraction}`;
}

const EDGES = [0n, 1n, 9n, 10n, 999_999_999n, 1_000_000_000n, 1_000_000_001n, 12_500_000_000n, 820_500n, 66_000n,
  BigInt(Number.MAX_SAFE_INTEGER), BigInt(Number.MAX_SAFE_INTEGER) + 1n, 10n ** 21n + 7n];

test("formatUsd: the exact decimal, at and around 2^53, positive and negative", () => {
  for (const nano of EDGES) {
    expect(formatUsd(nano)).toBe(exactText(nano));
    expect(formatUsd(-nano)).toBe(exactText(-nano));
  }
  expect(formatUsd(-1_500n)).toBe("-0.0000015");
  expect(formatUsd(0n)).toBe("0.00");
  expect(formatUsd(12_500_000_000n)).toBe("12.50");
});

test("formatUsd and nanoToUsdNumber agree with the exact decimal on 100,000 random amounts", () => {
  for (let i = 0; i < 100_000; i++) {
    const digits = 1 + Math.floor(Math.random() * 17);
    const nano = BigInt(Math.floor(Math.random() * 10 ** digits)) * (Math.random() < 0.5 ? -1n : 1n);
    const text = exactText(nano);
    expect(formatUsd(nano)).toBe(text);
    // The nearest double to the exact amount, as parsing its decimal gives.
    expect(nanoToUsdNumber(nano)).toBe(Number(text));
  }
});

test("parseUsd round-trips formatUsd", () => {
  for (const nano of EDGES.filter((n) => n < 10n ** 21n)) expect(parseUsd(formatUsd(nano))).toBe(nano);
});
