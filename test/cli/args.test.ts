/** Argument parsing of `aks-guardrails`: the Analyze pipelining option, which `scan` and `preview` share. */
import { DEFAULT_SCAN_CONCURRENCY, UsageError, parseArgs } from "../../src/cli/args";

const concurrencyOf = (argv: string[]): number => {
  const args = parseArgs(argv);
  if (args.command !== "scan" && args.command !== "preview") throw new Error(`unexpected ${args.command}`);
  return args.concurrency;
};

describe("--concurrency", () => {
  it("defaults to 8 calls in flight for scan and preview", () => {
    expect(DEFAULT_SCAN_CONCURRENCY).toBe(8);
    expect(concurrencyOf(["scan", "stack.json"])).toBe(8);
    expect(concurrencyOf(["preview"])).toBe(8);
  });

  it("takes 1 (the engine's order) up to 64 on both commands", () => {
    expect(concurrencyOf(["scan", "stack.json", "--concurrency", "1"])).toBe(1);
    expect(concurrencyOf(["preview", "--concurrency", "1"])).toBe(1);
    expect(concurrencyOf(["preview", "--concurrency", "64"])).toBe(64);
  });

  it.each(["0", "65", "2.5", "eight", "-1"])("refuses %j with the allowed range", (value) => {
    for (const argv of [
      ["scan", "stack.json", "--concurrency", value],
      ["preview", "--concurrency", value],
    ]) {
      expect(() => parseArgs(argv)).toThrow(new UsageError("--concurrency must be an integer from 1 to 64"));
    }
  });

  it("needs a value", () => {
    expect(() => parseArgs(["preview", "--concurrency", ""])).toThrow("--concurrency needs a value");
    expect(() => parseArgs(["preview", "--concurrency"])).toThrow("--concurrency needs a value");
  });

  it("does not apply to baseline, which keeps the engine's order", () => {
    expect(() => parseArgs(["baseline", "stack.json", "--concurrency", "8"])).toThrow(
      "--concurrency does not apply to `baseline`",
    );
  });
});

describe("--quiet", () => {
  it("reaches every command that can show a progress line, baseline included", () => {
    for (const argv of [["scan", "stack.json"], ["preview"], ["baseline", "stack.json"]]) {
      expect(parseArgs(argv)).toMatchObject({ quiet: false });
      expect(parseArgs([...argv, "--quiet"])).toMatchObject({ quiet: true });
    }
  });
});
