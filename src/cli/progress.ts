/**
 * The progress line `scan`, `preview` and `baseline` draw on standard error while they work, for a person
 * watching a terminal. It stays silent for the first second (short runs show nothing), redraws one line in
 * place at most ten times a second, and erases itself before anything else is printed, so the report and
 * error messages look exactly as they would without it. Whether to draw at all (a terminal, not `--quiet`,
 * not CI) is decided by the caller: see `progressWanted` in `main.ts`.
 */
import type { AnalysisProgress } from "../host/analyzer-client";

/** What the command is doing: running the program (`preview`), starting the pack, or the host's progress. */
export type ProgressState = { phase: "program" } | { phase: "start" } | AnalysisProgress;

/** Something that can be told how far the work has got. */
export interface Progress {
  update(state: ProgressState): void;
}

/** For runs that draw nothing. */
export const NO_PROGRESS: Progress = { update: () => undefined };

/** Time, injectable so tests can drive the delay and the throttle. */
export interface ProgressClock {
  /** Milliseconds, monotonic. */
  now(): number;
  /** Calls `tick` every `ms` milliseconds until the returned function is called; must not keep the process alive. */
  every(ms: number, tick: () => void): () => void;
}

export const systemClock: ProgressClock = {
  now: () => performance.now(),
  every: (ms, tick) => {
    const timer = setInterval(tick, ms);
    timer.unref();
    return () => clearInterval(timer);
  },
};

export interface ProgressOptions {
  /** Writes to standard error (a terminal). */
  write: (text: string) => void;
  clock?: ProgressClock;
  /** Nothing is drawn before the work has run this long. */
  delayMs?: number;
  /** The least time between two redraws. */
  intervalMs?: number;
  /** The terminal's width: a longer line would wrap, and `\r` could not redraw it. */
  columns?: number;
}

/** Carriage return, then erase to the end of the line (ECMA-48 EL). */
const ERASE_LINE = "\r\x1b[K";

const count = (n: number): string => n.toLocaleString("en-US");

function describe(state: ProgressState): string {
  switch (state.phase) {
    case "program":
      return "running the program…";
    case "start":
      return "starting the policy pack…";
    case "analyze":
      return `analysing ${count(state.done)}/${count(state.total)} resources…`;
    case "analyzeStack":
      return `checking the stack (${count(state.total)} resources)…`;
  }
}

export class ProgressIndicator implements Progress {
  private readonly write: (text: string) => void;
  private readonly clock: ProgressClock;
  private readonly delayMs: number;
  private readonly intervalMs: number;
  private readonly columns: number;
  private readonly startedAt: number;
  private readonly stopTicking: () => void;
  private state: ProgressState | undefined;
  /** The line on screen, if any. */
  private drawn: string | undefined;
  private drawnAt = -Infinity;
  private stopped = false;

  constructor(options: ProgressOptions) {
    this.write = options.write;
    this.clock = options.clock ?? systemClock;
    this.delayMs = options.delayMs ?? 1000;
    this.intervalMs = options.intervalMs ?? 100;
    this.columns = options.columns && options.columns > 1 ? options.columns : 80;
    this.startedAt = this.clock.now();
    // Ticks keep the elapsed time moving through long single steps and draw states a throttled update skipped.
    this.stopTicking = this.clock.every(this.intervalMs, () => this.draw());
  }

  update(state: ProgressState): void {
    this.state = state;
    this.draw();
  }

  /** Erases the line, if one is drawn; the next tick draws it again. */
  clear(): void {
    if (this.drawn === undefined) return;
    this.write(ERASE_LINE);
    this.drawn = undefined;
  }

  /** Erases the line for good: nothing is drawn after this. */
  stop(): void {
    this.stopped = true;
    this.stopTicking();
    this.clear();
  }

  private draw(): void {
    if (this.stopped || this.state === undefined) return;
    const now = this.clock.now();
    const elapsed = now - this.startedAt;
    if (elapsed < this.delayMs || now - this.drawnAt < this.intervalMs) return;
    const full = `aks-guardrails: ${describe(this.state)} ${Math.floor(elapsed / 1000)}s`;
    // One column short of the width: writing the last column wraps on some terminals.
    const line = full.length < this.columns ? full : `${full.slice(0, this.columns - 2)}…`;
    if (line === this.drawn) return;
    this.write(`\r${line}\x1b[K`);
    this.drawn = line;
    this.drawnAt = now;
  }
}
