/**
 * The progress line on standard error: the indicator itself against a hand-driven clock, then the command
 * end to end (real pack) with a terminal-like standard error and a fake clock.
 */
import * as path from "path";
import { Io, main } from "../../src/cli/main";
import { ProgressClock, ProgressIndicator, systemClock } from "../../src/cli/progress";

const ERASE = "\r\x1b[K";

/** A clock that moves only when told to; `advance` fires the indicator's tick like a timer would. */
function manualClock() {
  let now = 0;
  let tick: (() => void) | undefined;
  const clock: ProgressClock = {
    now: () => now,
    every: (_ms, fn) => {
      tick = fn;
      return () => (tick = undefined);
    },
  };
  return {
    clock,
    advance(ms: number) {
      now += ms;
      tick?.();
    },
    ticking: () => tick !== undefined,
  };
}

function indicator(columns?: number) {
  const time = manualClock();
  const writes: string[] = [];
  const progress = new ProgressIndicator({ write: (t) => writes.push(t), clock: time.clock, columns });
  return { time, writes, progress };
}

describe("ProgressIndicator", () => {
  test("draws nothing during the first second, then the phase and counts in place", () => {
    const { time, writes, progress } = indicator();
    progress.update({ phase: "analyze", done: 1234, total: 10000 });
    time.advance(999);
    expect(writes).toEqual([]);
    time.advance(1);
    expect(writes).toEqual(["\raks-guardrails: analysing 1,234/10,000 resources… 1s\x1b[K"]);
    time.advance(100);
    progress.update({ phase: "analyzeStack", total: 10000 });
    expect(writes[1]).toBe("\raks-guardrails: checking the stack (10,000 resources)… 1s\x1b[K");
  });

  test("redraws at most once per 100 ms however often it is told", () => {
    const { time, writes, progress } = indicator();
    time.advance(1000);
    for (let done = 0; done <= 2000; done++) {
      progress.update({ phase: "analyze", done, total: 2000 });
      if (done % 2 === 0) time.advance(1); // 2000 updates over one second
    }
    expect(writes.length).toBeGreaterThanOrEqual(9);
    expect(writes.length).toBeLessThanOrEqual(11);
  });

  test("a state the throttle skipped is drawn on the next tick", () => {
    const { time, writes, progress } = indicator();
    time.advance(1000);
    progress.update({ phase: "analyze", done: 1, total: 3 });
    progress.update({ phase: "analyze", done: 3, total: 3 });
    expect(writes).toHaveLength(1);
    expect(writes[0]).toContain("1/3");
    time.advance(100);
    expect(writes).toHaveLength(2);
    expect(writes[1]).toContain("3/3");
  });

  test("ticks keep the elapsed time moving through a long step", () => {
    const { time, writes, progress } = indicator();
    progress.update({ phase: "start" });
    for (let i = 0; i < 30; i++) time.advance(100);
    expect(writes).toEqual([
      "\raks-guardrails: starting the policy pack… 1s\x1b[K",
      "\raks-guardrails: starting the policy pack… 2s\x1b[K",
      "\raks-guardrails: starting the policy pack… 3s\x1b[K",
    ]);
  });

  test("clear erases a drawn line only; stop erases it for good and stops the timer", () => {
    const { time, writes, progress } = indicator();
    progress.update({ phase: "program" });
    progress.clear();
    expect(writes).toEqual([]);
    time.advance(1000);
    progress.clear();
    expect(writes).toEqual(["\raks-guardrails: running the program… 1s\x1b[K", ERASE]);
    time.advance(100);
    expect(writes).toHaveLength(3);
    progress.stop();
    expect(writes[3]).toBe(ERASE);
    expect(time.ticking()).toBe(false);
    progress.update({ phase: "start" });
    time.advance(1000);
    expect(writes).toHaveLength(4);
  });

  test("a line never reaches the terminal's last column", () => {
    const { time, writes, progress } = indicator(30);
    progress.update({ phase: "analyze", done: 1, total: 2 });
    time.advance(1000);
    const line = writes[0].slice("\r".length, -"\x1b[K".length);
    expect(line).toBe("aks-guardrails: analysing 1/…");
    expect(line.length).toBe(29);
  });
});

const EXPORT = path.join(__dirname, "..", "fixtures", "exports", "vmss-in-node-rg.json");
const FAILING_PROGRAM = path.join(__dirname, "..", "fixtures", "programs", "failing");

interface Write {
  stream: "stdout" | "stderr";
  text: string;
}

/** Each call of `now` is `stepMs` later (a second: past the delay at once, never throttled); real ticks. */
function steppingClock(stepMs: number): ProgressClock {
  let now = 0;
  return { now: () => (now += stepMs), every: systemClock.every };
}

async function run(argv: string[], io: Partial<Io>): Promise<{ code: number; writes: Write[] }> {
  const writes: Write[] = [];
  const code = await main(argv, {
    stdout: (text) => writes.push({ stream: "stdout", text }),
    stderr: (text) => writes.push({ stream: "stderr", text }),
    readStdin: () => "",
    isTty: false,
    env: {},
    ...io,
  });
  return { code, writes };
}

const stderrOf = (writes: Write[]) =>
  writes
    .filter((w) => w.stream === "stderr")
    .map((w) => w.text)
    .join("");
const stdoutOf = (writes: Write[]) =>
  writes
    .filter((w) => w.stream === "stdout")
    .map((w) => w.text)
    .join("");
const draws = (writes: Write[]) =>
  writes.filter((w) => w.stream === "stderr" && w.text.startsWith("\raks-guardrails: ")).map((w) => w.text);

describe("the command's progress line", () => {
  test("on a terminal, a long scan shows each phase, and the line is erased before the report", async () => {
    const { code, writes } = await run(["scan", EXPORT, "--stack", "prod"], {
      stderrIsTty: true,
      clock: steppingClock(1000),
    });
    expect(code).toBe(1);
    const phases = [...new Set(draws(writes).map((d) => d.replace(/^\raks-guardrails: (.*…).*$/s, "$1")))];
    expect(phases).toEqual([
      "starting the policy pack…",
      "analysing 0/4 resources…",
      "analysing 1/4 resources…",
      "analysing 2/4 resources…",
      "analysing 3/4 resources…",
      "analysing 4/4 resources…",
      "checking the stack (4 resources)…",
    ]);
    const firstReport = writes.findIndex((w) => w.stream === "stdout");
    expect(firstReport).toBeGreaterThan(0);
    expect(writes[firstReport - 1]).toEqual({ stream: "stderr", text: ERASE });
    expect(writes.slice(firstReport).filter((w) => w.stream === "stderr")).toEqual([]);
    expect(stdoutOf(writes)).not.toContain("\r");
    expect(stdoutOf(writes)).not.toContain("\x1b");
    expect(stdoutOf(writes)).toContain("aks-vmss-direct-modification");
  });

  test("the line is erased before an error message, which is printed clean", async () => {
    const { code, writes } = await run(["preview", "--program", FAILING_PROGRAM, "--stack", "dev"], {
      stderrIsTty: true,
      clock: steppingClock(1000),
    });
    expect(code).toBe(2);
    expect(draws(writes)[0]).toBe("\raks-guardrails: running the program… 1s\x1b[K");
    const error = writes.findIndex((w) => w.stream === "stderr" && !w.text.startsWith("\r"));
    expect(writes[error - 1]).toEqual({ stream: "stderr", text: ERASE });
    const message = writes
      .slice(error)
      .map((w) => w.text)
      .join("");
    expect(message).toMatch(/^aks-guardrails: .*\n$/s);
    expect(message).not.toContain("\r");
    expect(message).not.toContain("\x1b");
  });

  test.each<[string, string[], Partial<Io>]>([
    ["standard error is not a terminal", [], { stderrIsTty: false }],
    ["--quiet", ["--quiet"], { stderrIsTty: true }],
    ["CI is set", [], { stderrIsTty: true, env: { CI: "true" } }],
    ["the terminal cannot erase a line", [], { stderrIsTty: true, env: { TERM: "dumb" } }],
  ])("nothing on standard error when %s", async (_case, flags, io) => {
    const { code, writes } = await run(["scan", EXPORT, "--stack", "prod", "--format", "json", ...flags], {
      clock: steppingClock(1000),
      ...io,
    });
    expect(code).toBe(1);
    expect(stderrOf(writes)).toBe("");
    expect(JSON.parse(stdoutOf(writes))).toMatchObject({ resources: 4 });
  });

  test("baseline shows the line on a terminal, and --quiet turns it off there too", async () => {
    const argv = ["baseline", EXPORT, "--stack", "prod", "--output", "-"];
    const shown = await run(argv, { stderrIsTty: true, clock: steppingClock(1000) });
    expect(shown.code).toBe(0);
    expect(draws(shown.writes).length).toBeGreaterThan(0);
    const quiet = await run([...argv, "--quiet"], { stderrIsTty: true, clock: steppingClock(1000) });
    expect(quiet.code).toBe(0);
    expect(draws(quiet.writes)).toEqual([]);
    expect(stderrOf(quiet.writes)).toMatch(
      /^aks-guardrails: wrote 1 exemption for 1 rule to standard output/,
    );
    expect(JSON.parse(stdoutOf(quiet.writes))).toHaveProperty("aks-vmss-direct-modification.exemptions");
  });
});
