/** Command-line parsing for `aks-guardrails` (contract: `../shared/design/cli-contract.md`). */

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export const FORMATS = ["text", "json", "sarif"] as const;
export type Format = (typeof FORMATS)[number];

export interface CommonArgs {
  format: Format;
  color: boolean | undefined;
  quiet: boolean;
}

export type ParsedArgs =
  | ({
      command: "scan";
      file: string;
      stack?: string;
      config?: string;
      stackConfig?: string;
      stackTags: Record<string, string>;
      concurrency: number;
    } & CommonArgs)
  | ({
      command: "preview";
      program?: string;
      stack?: string;
      config?: string;
      stackTags: Record<string, string>;
      concurrency: number;
    } & CommonArgs)
  | {
      command: "baseline";
      file: string;
      stack?: string;
      config?: string;
      stackConfig?: string;
      stackTags: Record<string, string>;
      output?: string;
      expires?: string;
      /** No progress line on a terminal. */
      quiet: boolean;
    }
  | ({ command: "rules" } & CommonArgs)
  | { command: "stage-policypack"; outDir: string }
  | { command: "validate-config"; file?: string; stackConfig?: string }
  | { command: "help"; topic?: string }
  | { command: "version" };

/**
 * `scan` sends this many Remediate/Analyze calls at once. One at a time (the engine's order) leaves both processes
 * waiting on each round trip; the findings do not depend on the order (test/reliability/host.test.ts), and
 * BENCHMARKS.md has the figures. `--concurrency 1` reproduces the engine's order.
 */
export const DEFAULT_SCAN_CONCURRENCY = 8;

export const USAGE = `aks-guardrails — AKS support-policy guardrails for Pulumi, run through the real policy pack

Usage:
  aks-guardrails scan <file|-> [--stack NAME] [--config FILE] [--stack-config FILE] [--stack-tag NAME=VALUE]... [--format text|json|sarif] [--concurrency N]
  aks-guardrails preview [--program DIR] [--stack NAME] [--config FILE] [--stack-tag NAME=VALUE]... [--format text|json|sarif] [--concurrency N]
  aks-guardrails baseline <file|-> [--stack NAME] [--config FILE] [--output FILE] [--expires YYYY-MM-DD]
  aks-guardrails rules [--format text|json]
  aks-guardrails stage-policypack <dir>
  aks-guardrails validate-config [<pack-config.json>] [--stack-config FILE]

  scan      analyse a \`pulumi stack export\` file or a \`pulumi preview --json\` document (- reads stdin)
  preview   run a Pulumi TypeScript program offline (mocks, preview mode) and analyse what it registers;
            default program: the bundled reference program (Pulumi.yaml at the repo root)
  baseline  scan like \`scan\`, then write a pack config (--config merged, else a new one) in which every
            finding is an exemption for its exact URN, reason "baseline <today>", expiring --expires
            (default: in 90 days); for adopting the pack on an existing stack
  rules     list the rules, their default levels and support-policy citations
  stage-policypack
            write the self-contained pack that \`pulumi policy publish\` uploads (the library vendored as a
            tarball, versions pinned by a lock file) into an empty directory
  validate-config
            check a pack config and/or a Pulumi.<stack>.yaml without analysing anything (exit 0 or 2)

Options:
  --stack NAME            stack name the pack sees (default: from the resources' URNs, else "dev")
  --config FILE           policy-pack config, as for \`pulumi preview --policy-pack-config FILE\`
  --stack-config FILE     a Pulumi.<stack>.yaml whose config the pack receives (scan; preview reads the program's)
  --stack-tag NAME=VALUE  a stack tag (for "tag:NAME=GLOB" keys of per-stack level maps); repeatable
  --output FILE           baseline: where to write (default: the --config file, else policy-config.json; - for stdout)
  --expires YYYY-MM-DD    baseline: the last day the written exemptions apply
  --format FORMAT         text (default), json or sarif
  --concurrency N         Remediate/Analyze calls in flight (scan, preview; default ${DEFAULT_SCAN_CONCURRENCY}; 1 is the engine's order)
  --quiet                 text format: print only findings and the summary line; no progress line (also baseline)
  --no-color              never colour text output (colour is used only on a terminal; NO_COLOR is honoured)
  -h, --help, --version

On a terminal, scan, preview and baseline show a progress line on stderr once a run takes over a second
(not with --quiet, CI set or TERM=dumb); it is erased before the report or an error is printed.

Exit codes: 0 no mandatory violation · 1 at least one mandatory violation · 2 bad usage, input or config`;

const VALUE_FLAGS = new Set([
  "--stack",
  "--config",
  "--stack-config",
  "--format",
  "--program",
  "--stack-tag",
  "--concurrency",
  "--output",
  "--expires",
]);

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const positional: string[] = [];
  const values = new Map<string, string>();
  const stackTags: Record<string, string> = {};
  let color: boolean | undefined;
  let quiet = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "-h" || arg === "--help") return { command: "help", topic: positional[0] };
    if (arg === "--version") return { command: "version" };
    if (arg === "--no-color") color = false;
    else if (arg === "--color") color = true;
    else if (arg === "--quiet" || arg === "-q") quiet = true;
    else if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const flag = eq > 0 ? arg.slice(0, eq) : arg;
      if (!VALUE_FLAGS.has(flag)) throw new UsageError(`unknown option ${flag}`);
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || value === "") throw new UsageError(`${flag} needs a value`);
      if (flag === "--stack-tag") {
        const sep = value.indexOf("=");
        if (sep <= 0) throw new UsageError(`--stack-tag expects NAME=VALUE, got "${value}"`);
        stackTags[value.slice(0, sep)] = value.slice(sep + 1);
      } else {
        values.set(flag, value);
      }
    } else positional.push(arg);
  }
  const [command, ...rest] = positional;
  const format = (values.get("--format") ?? "text") as Format;
  if (!FORMATS.includes(format))
    throw new UsageError(`--format must be one of ${FORMATS.join(", ")}, got "${format}"`);
  const common: CommonArgs = { format, color, quiet };
  const allow = (...flags: string[]) => {
    for (const flag of values.keys()) {
      if (!flags.includes(flag)) throw new UsageError(`${flag} does not apply to \`${command}\``);
    }
    if (Object.keys(stackTags).length && !flags.includes("--stack-tag")) {
      throw new UsageError(`--stack-tag does not apply to \`${command}\``);
    }
  };
  switch (command) {
    case "scan": {
      allow("--stack", "--config", "--stack-config", "--format", "--stack-tag", "--concurrency");
      if (rest.length !== 1) throw new UsageError("scan takes exactly one file (or - for standard input)");
      const concurrency = parseConcurrency(values.get("--concurrency"));
      return {
        command,
        file: rest[0],
        stack: values.get("--stack"),
        config: values.get("--config"),
        stackConfig: values.get("--stack-config"),
        stackTags,
        concurrency,
        ...common,
      };
    }
    case "baseline":
      allow("--stack", "--config", "--stack-config", "--stack-tag", "--output", "--expires");
      if (rest.length !== 1)
        throw new UsageError("baseline takes exactly one file (or - for standard input)");
      return {
        command,
        file: rest[0],
        stack: values.get("--stack"),
        config: values.get("--config"),
        stackConfig: values.get("--stack-config"),
        stackTags,
        output: values.get("--output"),
        expires: values.get("--expires"),
        quiet,
      };
    case "preview":
      allow("--program", "--stack", "--config", "--format", "--stack-tag", "--concurrency");
      if (rest.length)
        throw new UsageError(`preview takes no positional arguments (got "${rest[0]}"); use --program DIR`);
      return {
        command,
        program: values.get("--program"),
        stack: values.get("--stack"),
        config: values.get("--config"),
        stackTags,
        concurrency: parseConcurrency(values.get("--concurrency")),
        ...common,
      };
    case "rules":
      allow("--format");
      if (rest.length) throw new UsageError(`rules takes no arguments (got "${rest[0]}")`);
      if (format === "sarif") throw new UsageError("rules supports --format text or json");
      return { command, ...common };
    case "validate-config":
      allow("--stack-config");
      if (rest.length > 1) throw new UsageError("validate-config takes at most one pack-config file");
      if (!rest.length && !values.has("--stack-config")) {
        throw new UsageError("validate-config needs a pack-config file, --stack-config FILE, or both");
      }
      return { command, file: rest[0], stackConfig: values.get("--stack-config") };
    case "stage-policypack":
      allow();
      if (rest.length !== 1) throw new UsageError("stage-policypack takes exactly one output directory");
      return { command, outDir: rest[0] };
    case undefined:
      return { command: "help" };
    default:
      throw new UsageError(
        `unknown command "${command}"; expected scan, preview, baseline, rules, validate-config or stage-policypack`,
      );
  }
}

function parseConcurrency(raw: string | undefined): number {
  const concurrency = Number(raw ?? String(DEFAULT_SCAN_CONCURRENCY));
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    throw new UsageError("--concurrency must be an integer from 1 to 64");
  }
  return concurrency;
}
