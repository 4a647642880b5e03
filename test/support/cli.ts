/** Runs the `aks-guardrails` command in-process (the pack it hosts is still a real child process). */
import { main } from "../../src/cli/main";

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export async function cli(argv: string[], stdin = ""): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    readStdin: () => stdin,
    isTty: false,
    env: {},
  });
  return { code, stdout, stderr };
}

/** Exit 2 with one error line (no stack trace) and nothing on standard output: no partial report. */
export function expectOneError(run: Run): void {
  expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 2, stdout: "" });
  expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
  expect(run.stderr).toMatch(/^aks-guardrails: /);
  expect(run.stderr).not.toMatch(/\n\s+at |unexpected error/);
}
