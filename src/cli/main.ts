/**
 * The `aks-guardrails` command. It hosts the real policy pack (`policypack/`) the way the Pulumi engine
 * does — spawned through `@pulumi/pulumi`'s run-policy-pack, driven over the Analyzer gRPC protocol — so
 * its findings are what `pulumi preview --policy-pack ./policypack` reports.
 */
import { existsSync, readFileSync, writeFileSync } from "fs";
import * as path from "path";
import { ConfigError, isIsoDate, parsePackConfig, parseStackLevels } from "../model/config";
import { REPORT_EXEMPTED_ENV } from "../model/exemptions";
import { isRecord } from "../model/values";
import { rules } from "../rules";
import { AnalyzerCallError, PackStartError, runPolicyPack } from "../host/analyzer-client";
import { PackConfigError, PolicyConfigEntry, parsePolicyPackConfig } from "../host/pack-config";
import { InputError, parseResourceDocument } from "../host/loaders";
import { ProgramLoadError, loadProgram, readStackConfig } from "../host/loaders/program";
import type { HostResource } from "../host/types";
import { ParsedArgs, USAGE, UsageError, parseArgs } from "./args";
import { Report, buildReport, printable, renderJson, renderText } from "./report";
import { renderRules } from "./rules-command";
import { renderSarif } from "./sarif";
import { BASELINE_DAYS, addDays, baselineConfig, isoDate } from "./baseline";
import { StageError, stagePolicyPack } from "../publish/stage";
import { NO_PROGRESS, Progress, ProgressClock, ProgressIndicator } from "./progress";

/** The command's world: streams, terminal facts, environment and time (tests pass their own). */
export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readStdin: () => string;
  /** Standard output is a terminal (text output is coloured). */
  isTty: boolean;
  env: NodeJS.ProcessEnv;
  /** Standard error is a terminal: the progress indicator is drawn only there (default: not). */
  stderrIsTty?: boolean;
  /** Standard error's width in columns, when it is a terminal. */
  stderrColumns?: number;
  /** The progress indicator's clock (default: the system's). */
  clock?: ProgressClock;
}

const defaultIo: Io = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  readStdin: () => readFileSync(0, "utf8"),
  isTty: Boolean(process.stdout.isTTY),
  env: process.env,
  stderrIsTty: Boolean(process.stderr.isTTY),
  stderrColumns: process.stderr.columns,
};

/** The repository (or installed package) root: the directory holding `policypack/PulumiPolicy.yaml`. */
export function packageRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (existsSync(path.join(dir, "policypack", "PulumiPolicy.yaml"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error("cannot find policypack/PulumiPolicy.yaml above " + __dirname);
    dir = parent;
  }
}

function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new InputError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`, file);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new InputError(`${file}: not valid JSON`, file);
  }
}

/** Strict validation first (a typo must not silently disable a guardrail), then the engine's own parsing. */
function readPackConfig(file: string | undefined): Record<string, PolicyConfigEntry> | undefined {
  if (!file) return undefined;
  const document = readJsonFile(file);
  parsePackConfig(rules, document, file);
  return parsePolicyPackConfig(document, file);
}

function validateStackConfig(config: Record<string, string>, file: string): void {
  parseStackLevels(rules, config, file);
}

/**
 * A progress line is for a person at a terminal: not on a pipe or a file, not with `--quiet`, not in CI (whose
 * log viewers may present a terminal but keep every redraw), not on a terminal that cannot erase a line.
 */
function progressWanted(io: Io, quiet: boolean): boolean {
  const ci = io.env.CI !== undefined && !["", "0", "false"].includes(io.env.CI.toLowerCase());
  return Boolean(io.stderrIsTty) && !quiet && !ci && io.env.TERM !== "dumb";
}

/**
 * Runs `work` with a progress indicator when one is wanted. Anything `work` prints goes through an Io that
 * erases the line first, and the line is erased for good before this returns or throws: the report and error
 * messages printed after it never share a line with it.
 */
async function withProgress<T>(
  io: Io,
  quiet: boolean,
  work: (io: Io, progress: Progress) => Promise<T>,
): Promise<T> {
  if (!progressWanted(io, quiet)) return work(io, NO_PROGRESS);
  const indicator = new ProgressIndicator({ write: io.stderr, clock: io.clock, columns: io.stderrColumns });
  const erasing: Io = {
    ...io,
    stdout: (text) => {
      indicator.clear();
      io.stdout(text);
    },
    stderr: (text) => {
      indicator.clear();
      io.stderr(text);
    },
  };
  try {
    return await work(erasing, indicator);
  } finally {
    indicator.stop();
  }
}

async function analyze(options: {
  progress: Progress;
  resources: HostResource[];
  stack: string;
  project: string;
  source: string;
  packConfig?: Record<string, PolicyConfigEntry>;
  stackConfig: Record<string, string>;
  stackTags: Record<string, string>;
  concurrency?: number;
}): Promise<Report> {
  options.progress.update({ phase: "start" });
  const run = await runPolicyPack({
    packDir: path.join(packageRoot(), "policypack"),
    identity: {
      stack: options.stack,
      project: options.project,
      organization: "organization",
      tags: options.stackTags,
      dryRun: true,
    },
    stackConfig: options.stackConfig,
    packConfig: options.packConfig,
    resources: options.resources,
    concurrency: options.concurrency,
    onProgress: (progress) => options.progress.update(progress),
    // The pack then lists exempted findings (marked advisories) instead of dropping them; see exemptions.ts.
    env: { [REPORT_EXEMPTED_ENV]: "1" },
  });
  const { stack, project, source } = options;
  return buildReport({ stack, project, source }, options.resources, run.diagnostics);
}

function packageVersion(): string {
  return (JSON.parse(readFileSync(path.join(packageRoot(), "package.json"), "utf8")) as { version: string })
    .version;
}

function output(
  report: Report,
  args: { format: string; quiet: boolean; color: boolean | undefined },
  io: Io,
): number {
  if (args.format === "json") io.stdout(renderJson(report));
  else if (args.format === "sarif") {
    const docsDir = path.join(packageRoot(), "docs");
    io.stdout(renderSarif(report, rules, { version: packageVersion(), docsDir, cwd: process.cwd() }));
  } else {
    const color = args.color ?? (io.isTty && !io.env.NO_COLOR);
    io.stdout(renderText(report, { color, quiet: args.quiet }));
  }
  return report.summary.mandatory > 0 ? 1 : 0;
}

async function run(args: ParsedArgs, io: Io): Promise<number> {
  switch (args.command) {
    case "help":
      io.stdout(`${USAGE}\n`);
      return 0;
    case "version":
      io.stdout(`${packageVersion()}\n`);
      return 0;
    case "rules":
      io.stdout(renderRules(rules, args.format === "json" ? "json" : "text"));
      return 0;
    case "validate-config": {
      const checked: string[] = [];
      if (args.file) {
        readPackConfig(args.file);
        checked.push(`${args.file}: valid policy-pack config`);
      }
      if (args.stackConfig) {
        validateStackConfig(readStackConfig(args.stackConfig).values, args.stackConfig);
        checked.push(`${args.stackConfig}: valid stack config`);
      }
      io.stdout(`${checked.join("\n")}\n`);
      return 0;
    }
    case "stage-policypack": {
      const staged = stagePolicyPack({ root: packageRoot(), outDir: path.resolve(args.outDir) });
      io.stdout(
        `Staged aks-guardrails ${staged.version} policy pack in ${staged.outDir}\n` +
          `Publish it with: cd ${staged.outDir} && pulumi policy publish <org>\n`,
      );
      return 0;
    }
    case "scan":
      return output(await withProgress(io, args.quiet, (io, progress) => scan(args, io, progress)), args, io);
    case "baseline": {
      const today = isoDate(new Date());
      const expires = args.expires ?? isoDate(addDays(new Date(`${today}T00:00:00Z`), BASELINE_DAYS));
      if (!isIsoDate(expires)) throw new UsageError(`--expires must be a date YYYY-MM-DD, got "${expires}"`);
      if (expires < today) throw new UsageError(`--expires ${expires} is in the past (today is ${today})`);
      const outFile = args.output ?? args.config ?? "policy-config.json";
      if (
        outFile !== "-" &&
        existsSync(outFile) &&
        (!args.config || path.resolve(outFile) !== path.resolve(args.config))
      ) {
        throw new UsageError(
          `${outFile} exists and is not the --config file; pass it as --config to merge the baseline into it`,
        );
      }
      const report = await withProgress(io, args.quiet, (io, progress) => scan(args, io, progress));
      const existing = args.config ? readJsonFile(args.config) : undefined;
      const result = baselineConfig(isRecord(existing) ? existing : undefined, report, { today, expires });
      // What is written must be a config the pack accepts.
      parsePackConfig(rules, result.config, outFile === "-" ? "<baseline>" : outFile);
      const text = `${JSON.stringify(result.config, null, 2)}\n`;
      if (outFile === "-") io.stdout(text);
      else writeFileSync(outFile, text);
      const say = outFile === "-" ? io.stderr : io.stdout;
      say(
        `aks-guardrails: wrote ${result.added} exemption${result.added === 1 ? "" : "s"} for ` +
          `${result.rules} rule${result.rules === 1 ? "" : "s"} to ${outFile === "-" ? "standard output" : outFile}` +
          ` (reason "baseline ${today}", expiring after ${expires}); ${report.exempted.length} finding` +
          `${report.exempted.length === 1 ? " was" : "s were"} already exempted\n`,
      );
      if (result.skipped) {
        io.stderr(
          `aks-guardrails: ${result.skipped} stack-wide finding${result.skipped === 1 ? "" : "s"} cannot be exempted ` +
            `and ${result.skipped === 1 ? "is" : "are"} still reported\n`,
        );
      }
      return 0;
    }
    case "preview": {
      const packConfig = readPackConfig(args.config);
      const dir = path.resolve(args.program ?? packageRoot());
      const stack = args.stack ?? "dev";
      const report = await withProgress(io, args.quiet, async (pio, progress) => {
        progress.update({ phase: "program" });
        const program = await loadProgram({ dir, stack });
        for (const note of program.notes) pio.stderr(`aks-guardrails: note: ${note}\n`);
        validateStackConfig(program.stackConfig, path.join(dir, `Pulumi.${stack}.yaml`));
        return analyze({
          progress,
          resources: program.resources,
          stack,
          project: program.project,
          source: dir,
          packConfig,
          stackConfig: program.stackConfig,
          stackTags: args.stackTags,
          concurrency: args.concurrency,
        });
      });
      return output(report, args, io);
    }
  }
}

/** `scan` and `baseline`: load the document and the configs, run the pack, build the report. */
async function scan(
  args: Extract<ParsedArgs, { command: "scan" | "baseline" }>,
  io: Io,
  progress: Progress,
): Promise<Report> {
  const packConfig = readPackConfig(args.config);
  const loaded = args.file === "-" ? parseResourceDocument(io.readStdin(), "<stdin>") : readFile(args.file);
  let stackConfig: Record<string, string> = {};
  if (args.stackConfig) {
    const file = readStackConfig(args.stackConfig);
    if (file.secureKeys.length) {
      io.stderr(
        `aks-guardrails: ${args.stackConfig}: secure values cannot be decrypted offline and are left out: ${file.secureKeys.join(", ")}\n`,
      );
    }
    validateStackConfig(file.values, args.stackConfig);
    stackConfig = file.values;
  }
  return analyze({
    progress,
    resources: loaded.resources,
    stack: args.stack ?? loaded.stack ?? "dev",
    project: loaded.project ?? "project",
    source: loaded.file,
    packConfig,
    stackConfig,
    stackTags: args.stackTags,
    concurrency: args.command === "scan" ? args.concurrency : undefined,
  });
}

function readFile(file: string) {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new InputError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`, file);
  }
  return parseResourceDocument(text, file);
}

/** Runs the command; returns the exit code. Never throws: every failure becomes a message and exit 2. */
export async function main(argv: readonly string[], io: Io = defaultIo): Promise<number> {
  try {
    return await run(parseArgs(argv), io);
  } catch (error) {
    const known =
      error instanceof UsageError ||
      error instanceof ConfigError ||
      error instanceof InputError ||
      error instanceof PackConfigError ||
      error instanceof PackStartError ||
      error instanceof ProgramLoadError ||
      error instanceof StageError ||
      error instanceof AnalyzerCallError;
    // Messages quote file names, URNs and keys from untrusted input: control characters are shown escaped. Only
    // the output of the pack or program (start, call and program failures) keeps its line breaks.
    const text = error instanceof Error ? error.message : String(error);
    const multiline =
      error instanceof PackStartError ||
      error instanceof AnalyzerCallError ||
      error instanceof ProgramLoadError;
    const message = multiline ? text.split("\n").map(printable).join("\n") : printable(text);
    io.stderr(`aks-guardrails: ${known ? message : `unexpected error: ${message}`}\n`);
    if (error instanceof UsageError) io.stderr(`Run \`aks-guardrails --help\` for usage.\n`);
    return 2;
  }
}
