/**
 * Input hardening of `aks-guardrails scan`, whose input may be untrusted: every malformed shape exits 2 with one
 * message naming the file and what is wrong (no stack trace, nothing on stdout: never a partial report presented
 * as complete); odd but valid input gives a correct, complete report; nothing from the input can forge output
 * lines or leak through an error message; a 100 MB export is scanned within generous time and memory.
 */
import { spawnSync } from "child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { cli, expectOneError } from "../support/cli";

const ROOT = path.join(__dirname, "..", "..");
const tmp = mkdtempSync(path.join(tmpdir(), "aks-guardrails-input-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const p = path.join(tmp, name);
  writeFileSync(p, content);
  return p;
}

const URN = "urn:pulumi:dev::p::azure-native:compute:VirtualMachineScaleSet::vmss";
/** A scale set in a node resource group: a mandatory finding (exit 1) when the input is read correctly. */
const vmss = (fields: Record<string, unknown> = {}) => ({
  urn: URN,
  type: "azure-native:compute:VirtualMachineScaleSet",
  custom: true,
  inputs: { resourceGroupName: "MC_rg_aks1_westeurope", vmScaleSetName: "aks-sys-12345678-vmss" },
  ...fields,
});
const exportOf = (resources: unknown) => JSON.stringify({ version: 3, deployment: { resources } });
/** JSON text of a value nested `depth` levels deep (objects and lists in turn), built as text. */
const nested = (depth: number) => {
  let open = "";
  let close = "";
  for (let i = depth - 1; i >= 0; i--) {
    open += i % 2 ? "[" : '{"a":';
    close = (i % 2 ? "]" : "}") + close;
  }
  return `${open}1${close}`;
};
/** `exportOf` with the JSON text `json` in place of the string "$DEEP". */
const withDeep = (text: string, json: string) => text.replace('"$DEEP"', json);

/** [name, file content, a fragment the one error line must hold]. */
const MALFORMED: ReadonlyArray<readonly [string, string | Buffer, string]> = [
  ["truncated JSON", '{"version":3,"deployment":{"resources":[{"urn":', "not valid JSON"],
  ["an empty file", "", "empty input"],
  ["only whitespace", " \n\t ", "empty input"],
  ["binary garbage", Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80, 0x81]), "not valid JSON"],
  ["a JSON list (wrong document kind)", "[]", "neither a `pulumi stack export`"],
  ["a JSON string (wrong document kind)", '"stack.json"', "neither a `pulumi stack export`"],
  ["a policy pack config (wrong document kind)", '{"all":"mandatory"}', "neither a `pulumi stack export`"],
  ["an export without a deployment", '{"version":3}', "neither a `pulumi stack export`"],
  ["preview JSON whose steps are not a list", '{"steps":{}}', "neither a `pulumi stack export`"],
  [
    "an export of another version",
    JSON.stringify({ version: 4, deployment: { resources: [] } }),
    "unsupported deployment version 4",
  ],
  [
    "resources that are not a list",
    JSON.stringify({ version: 3, deployment: { resources: {} } }),
    "deployment.resources must be a list",
  ],
  [
    "a resource that is not an object",
    exportOf([null]),
    "resource #0 (deployment.resources[0]) is not an object",
  ],
  ["a resource without type", exportOf([{ urn: URN, inputs: {} }]), 'is missing "type"'],
  ["a resource without urn", exportOf([{ type: "x:y:Z" }]), 'is missing "urn"'],
  ["a non-string type", exportOf([vmss({ type: 42 })]), 'has "type" 42, which is not a non-empty string'],
  ["a non-string urn", exportOf([vmss({ urn: ["x"] })]), 'has "urn" ["x"], which is not a non-empty string'],
  ["a urn that is not a Pulumi URN", exportOf([vmss({ urn: "vmss" })]), "which is not a Pulumi URN"],
  ["duplicate URNs", exportOf([vmss(), vmss()]), `duplicate resource URN ${URN}`],
  [
    "inputs that are a string",
    exportOf([vmss({ inputs: "x" })]),
    "deployment.resources[0].inputs must be an object",
  ],
  [
    "inputs that are a list",
    exportOf([vmss({ inputs: [1] })]),
    "deployment.resources[0].inputs must be an object",
  ],
  [
    "outputs that are a number",
    exportOf([vmss({ outputs: 7 })]),
    "deployment.resources[0].outputs must be an object",
  ],
  [
    "dependencies that are not URNs",
    exportOf([vmss({ dependencies: [1] })]),
    "dependencies must be a list of URNs",
  ],
  ["a malformed provider reference", exportOf([vmss({ provider: "nope" })]), "is not a provider reference"],
  [
    "a malformed secret",
    exportOf([
      vmss({ inputs: { p: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" } } }),
    ]),
    'malformed secret value: exactly one of "ciphertext" or "plaintext"',
  ],
  [
    "properties nested 5,000 levels deep",
    withDeep(exportOf([vmss({ inputs: { deep: "$DEEP" } })]), nested(5000)),
    "deployment.resources[0].inputs.deep: nested deeper than 1000 levels",
  ],
  ["preview JSON with a step that is not an object", '{"steps":[42]}', "steps[0] is not an object"],
  [
    "preview JSON with a state without urn",
    '{"steps":[{"op":"create","newState":{"type":"x:y:Z"}}]}',
    'missing "urn"',
  ],
];

describe("scan: malformed input exits 2 with one message naming the file", () => {
  test.each(MALFORMED.map(([name, content, why], i) => [name, content, why, i] as const))(
    "%s",
    async (_name, content, why, i) => {
      const input = file(`bad-${i}.json`, content);
      const run = await cli(["scan", input, "--format", "json"]);
      expectOneError(run);
      expect(run.stderr).toContain(`aks-guardrails: ${input}: `);
      expect(run.stderr).toContain(why);
    },
  );

  test("from standard input, the message names <stdin>", async () => {
    const run = await cli(["scan", "-"], '{"version":3,"deployment":');
    expectOneError(run);
    expect(run.stderr).toContain("aks-guardrails: <stdin>: not valid JSON");
  });

  test("a syntax error never quotes the input (a --show-secrets export holds plaintext secrets)", async () => {
    const input = file("secret-near-error.json", '{"version":3,"password": hunter2-plaintext}');
    const run = await cli(["scan", input]);
    expectOneError(run);
    expect(run.stderr).toContain("not valid JSON (Unexpected token 'h')");
    expect(run.stderr).not.toContain("hunter2");
  });

  test("a file that cannot be read", async () => {
    const run = await cli(["scan", path.join(tmp, "missing.json")]);
    expectOneError(run);
    expect(run.stderr).toContain("missing.json: cannot read");
  });
});

describe("scan: odd but valid input gives a correct, complete report", () => {
  const scan = async (content: string | Buffer) => {
    const run = await cli(["scan", file(`ok-${content.length}.json`, content), "--format", "json"]);
    expect(run.stderr).toBe("");
    return {
      code: run.code,
      report: JSON.parse(run.stdout) as { resources: number; summary: { mandatory: number } },
    };
  };

  test("a byte-order mark", async () => {
    const { code, report } = await scan(`\ufeff${exportOf([vmss()])}`);
    expect([code, report.resources, report.summary.mandatory]).toEqual([1, 1, 1]);
  });

  test("a 20 MB string property and properties nested 1,000 levels deep", async () => {
    const inputs = { ...vmss().inputs, blob: "x".repeat(20_000_000), deep: "$DEEP" };
    const { code, report } = await scan(withDeep(exportOf([vmss({ inputs })]), nested(999)));
    expect([code, report.resources, report.summary.mandatory]).toEqual([1, 1, 1]);
  });

  test("no resources", async () => {
    const { code, report } = await scan(exportOf([]));
    expect([code, report.resources]).toEqual([0, 0]);
  });
});

describe("scan: names from the input cannot forge output", () => {
  // A resource name with a newline, a fake passing summary, and ANSI escapes (clear screen, colours).
  const forged = `evil\n0 mandatory, 0 advisory across 1 resources on stack "dev": the preview would pass\u001b[2J`;
  const input = () =>
    file("forged.json", exportOf([vmss({ urn: `${URN.replace("::vmss", "")}::${forged}` })]));

  test("text output escapes control characters: one summary line, the real one", async () => {
    const run = await cli(["scan", input()]);
    expect(run.code).toBe(1);
    expect(run.stdout).not.toContain("\u001b");
    const summaries = run.stdout.split("\n").filter((l) => /^\d+ mandatory, /.test(l));
    expect(summaries).toEqual([
      '1 mandatory, 0 advisory across 1 resources on stack "dev": the preview would fail',
    ]);
    expect(run.stdout).toContain("evil\\u000a0 mandatory");
  });

  test("error messages escape them too", async () => {
    const dup = vmss({ urn: `${URN}\u001b[31m` });
    const run = await cli(["scan", file("forged-dup.json", exportOf([dup, dup]))]);
    expectOneError(run);
    expect(run.stderr).toContain("\\u001b[31m");
  });
});

describe("scan: a 100 MB export", () => {
  /**
   * ~100 MB: a cluster, a scale set in its node resource group (a mandatory finding) and 3,600 ConfigMaps of 28
   * KB (inputs and outputs), written at test time. Run through the real binary, with a preload that records the
   * peak resident memory and run time of the CLI and of the pack it starts. Measured on 2 cores: ~25 s, CLI
   * ~0.9 GB, pack ~0.5 GB. The bounds are generous; the time is reported, not asserted (the test timeout is 5
   * minutes).
   */
  const MEMORY_BOUND_MB = 2048;
  const CONFIG_MAPS = 3600;

  test("is scanned completely: exit 1, a full JSON report, within the memory bound", () => {
    const input = path.join(tmp, "big.json");
    const fd = openSync(input, "w");
    writeSync(fd, '{"version":3,"deployment":{"resources":[');
    const cluster = {
      urn: "urn:pulumi:prod::big::azure-native:containerservice:ManagedCluster::aks",
      type: "azure-native:containerservice:ManagedCluster",
      custom: true,
      inputs: {
        resourceGroupName: "rg",
        resourceName: "aks1",
        location: "westeurope",
        kubernetesVersion: "1.35",
      },
    };
    writeSync(
      fd,
      `${JSON.stringify(cluster)},${JSON.stringify(vmss({ urn: URN.replace("dev::p", "prod::big") }))}`,
    );
    const chunk = "x".repeat(3500);
    for (let i = 0; i < CONFIG_MAPS; i++) {
      const data = Object.fromEntries([0, 1, 2, 3].map((k) => [`key${k}.conf`, `${chunk}${i}`]));
      const body = {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: `cm-${i}`, namespace: "apps" },
        data,
      };
      const state = {
        urn: `urn:pulumi:prod::big::kubernetes:core/v1:ConfigMap::cm-${i}`,
        type: "kubernetes:core/v1:ConfigMap",
        custom: true,
        inputs: body,
        outputs: body,
      };
      writeSync(fd, `,${JSON.stringify(state)}`);
    }
    writeSync(fd, "]}}");
    closeSync(fd);
    const sizeMb = readFileSync(input).length / 2 ** 20;
    expect(sizeMb).toBeGreaterThanOrEqual(95);

    const usage = path.join(tmp, "usage.jsonl");
    const probe = path.join(ROOT, "test", "fixtures", "usage-probe.js");
    const started = Date.now();
    const result = spawnSync(
      process.execPath,
      [path.join(ROOT, "bin", "aks-guardrails.js"), "scan", input, "--format", "json"],
      {
        env: { ...process.env, NODE_OPTIONS: `--require ${probe}`, AKS_USAGE_FILE: usage },
        maxBuffer: 64 * 2 ** 20,
        encoding: "utf8",
      },
    );
    const seconds = (Date.now() - started) / 1000;
    expect(result.stderr).toBe("");
    expect(result.status).toBe(1);
    const report = JSON.parse(result.stdout) as {
      resources: number;
      violations: Array<{ policy: string; enforcementLevel: string }>;
      summary: { mandatory: number };
    };
    expect(report.resources).toBe(CONFIG_MAPS + 2);
    expect(report.summary.mandatory).toBeGreaterThanOrEqual(1);
    expect(report.violations).toContainEqual(
      expect.objectContaining({ policy: "aks-vmss-direct-modification", enforcementLevel: "mandatory" }),
    );
    const processes = readFileSync(usage, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { script: string; maxRssMb: number });
    expect(processes).toHaveLength(2);
    process.stdout.write(
      `100 MB scan: ${sizeMb.toFixed(0)} MB, ${report.resources} resources, ${seconds.toFixed(1)} s; peak RSS ` +
        processes
          .map((p) => `${path.basename(path.dirname(p.script))}/${path.basename(p.script)} ${p.maxRssMb} MB`)
          .join(", ") +
        "\n",
    );
    for (const p of processes) expect(p.maxRssMb).toBeLessThanOrEqual(MEMORY_BOUND_MB);
  }, 300_000);
});
