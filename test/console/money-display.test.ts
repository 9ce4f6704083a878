import { expect, test } from "bun:test";
import { formatUsd, parseUsd } from "../../src/billing/money.ts";
import { displayUsd, fromNano, sumUsd, toNano } from "../../src/console/web/money.ts";

test("per-token amounts keep their digits: $0.000066, never $0.00", () => {
  expect(displayUsd("0.000066")).toBe("$0.000066");
  expect(displayUsd("0.00000005")).toBe("$0.00000005");
  expect(displayUsd("0.000000001")).toBe("$0.000000001");
  expect(displayUsd("0.0008205")).toBe("$0.0008205");
  expect(displayUsd("0.00")).toBe("$0.00");
});

test("totals to four significant digits, at least two decimals, rounded half up, thousands grouped", () => {
  expect(displayUsd("0.000123456")).toBe("$0.0001235");
  expect(displayUsd("0.000099999")).toBe("$0.0001000");
  expect(displayUsd("1.2300001")).toBe("$1.230");
  expect(displayUsd("1.23456")).toBe("$1.235");
  expect(displayUsd("12.5")).toBe("$12.50");
  expect(displayUsd("1234.5678")).toBe("$1,234.57");
  expect(displayUsd("1234567.891")).toBe("$1,234,567.89");
  expect(displayUsd("9.99999")).toBe("$10.00");
  expect(displayUsd("-0.0008205")).toBe("-$0.0008205");
});

test("exact arithmetic: the console reads and writes the API's decimals as the gateway does, and sums without floats", () => {
  for (let i = 0; i < 10_000; i++) {
    const nano = BigInt(Math.floor(Math.random() * 2 ** 53)) * (i % 2 ? 1n : 1_000n) * (i % 3 ? 1n : -1n);
    const text = formatUsd(nano);
    expect(toNano(text)).toBe(nano);
    expect(fromNano(nano)).toBe(text);
    // The shown amount is within half of its last digit of the exact one, with at least four significant digits.
    const shown = displayUsd(text).replace(/[$,]/g, "");
    const decimals = shown.split(".")[1]!.length;
    const error = toNano(shown) - nano;
    expect(2n * (error < 0n ? -error : error)).toBeLessThanOrEqual(10n ** BigInt(9 - decimals));
    const significant = shown.replace(/^-?0\.0*/, "").replace(/\D/g, "").length;
    if (error !== 0n) expect(significant).toBeGreaterThanOrEqual(4);
  }
  expect(sumUsd(["0.000066", "0.1", "12.500000001"])).toBe("12.600066001");
  expect(sumUsd(Array.from({ length: 1000 }, () => "0.000000001"))).toBe(formatUsd(parseUsd("0.000001")));
});
