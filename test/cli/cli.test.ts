/**
 * The `aks-guardrails` command end to end: each scan/preview spawns the real compiled pack through
 * @pulumi/pulumi's run-policy-pack and talks the Analyzer gRPC protocol to it (needs `npm run build`,
 * which `npm test` runs first).
 */
import { existsSync, mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { rules as registry } from "../../src/rules";
import { cli, expectOneError } from "../support/cli";
import {
  INVALID_PACK_CONFIGS,
  INVALID_STACK_CONFIGS,
  expectNamed,
  stackConfigYaml,
} from "../support/invalid-config";

const EXPORTS = path.join(__dirname, "..", "fixtures", "exports");
const VMSS_EXPORT = path.join(EXPORTS, "vmss-in-node-rg.json");
const FEATURE_EXPORT = path.join(EXPORTS, "feature-registration.json");
const VMSS_URN = "urn:pulumi:prod::platform::azure-native:compute:VirtualMachineScaleSetExtension::bootstrap";
const FEATURE_URN =
  "urn:pulumi:dev::platform::azure-native:features:SubscriptionFeatureRegistration::ssh-preview";

interface JsonReport {
  stack: string;
  resources: number;
  violations: Array<{ policy: string; urn: string; enforcementLevel: string; message: string }>;
}

async function scanJson(argv: string[]): Promise<{ code: number; report: JsonReport; stderr: string }> {
  const run = await cli([...argv, "--format", "json"]);
  if (run.code === 2) throw new Error(`scan failed: ${run.stderr}`);
  return { code: run.code, report: JSON.parse(run.stdout) as JsonReport, stderr: run.stderr };
}

const tmp = mkdtempSync(path.join(tmpdir(), "aks-guardrails-cli-"));
function tmpFile(name: string, content: unknown): string {
  const file = path.join(tmp, name);
  writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
  return file;
}

describe("scan: node-pool scale sets", () => {
  test("a VMSS extension in an MC_ group is a mandatory violation on prod (exit 1)", async () => {
    const { code, report } = await scanJson(["scan", VMSS_EXPORT, "--stack", "prod"]);
    expect(code).toBe(1);
    expect(report.stack).toBe("prod");
    // The engine analyses every registered resource, the root stack and providers included.
    expect(report.resources).toBe(4);
    const vmss = report.violations.filter((v) => v.policy === "aks-vmss-direct-modification");
    expect(vmss).toHaveLength(1);
    expect(vmss[0]).toMatchObject({ urn: VMSS_URN, enforcementLevel: "mandatory" });
    expect(vmss[0].message).toContain(
      "scale set aks-sys-12345678-vmss in resource group MC_rg_aks1_westeurope",
    );
    expect(vmss[0].message).toContain("§user-customization-of-worker-nodes");
  });

  test("the ciphertext of protectedSettings never reaches a message", async () => {
    const { report } = await scanJson(["scan", VMSS_EXPORT]);
    expect(JSON.stringify(report)).not.toContain("BBBBBBBB");
  });

  test("the stack name defaults to the one in the URNs", async () => {
    const { report } = await scanJson(["scan", VMSS_EXPORT]);
    expect(report.stack).toBe("prod");
  });

  test("disabled in the pack config reports nothing (exit 0)", async () => {
    const config = tmpFile("disabled.json", { "aks-vmss-direct-modification": "disabled" });
    const { code, report } = await scanJson(["scan", VMSS_EXPORT, "--config", config]);
    expect(code).toBe(0);
    expect(report.violations.filter((v) => v.policy === "aks-vmss-direct-modification")).toEqual([]);
  });
});

describe("scan: per-stack levels of the feature-registration rule", () => {
  test("advisory on dev (exit 0)", async () => {
    const { code, report } = await scanJson(["scan", FEATURE_EXPORT, "--stack", "dev"]);
    expect(code).toBe(0);
    expect(report.violations).toEqual([
      expect.objectContaining({
        policy: "aks-preview-feature-registration",
        urn: FEATURE_URN,
        enforcementLevel: "advisory",
      }),
    ]);
  });

  test("mandatory on prod (exit 1)", async () => {
    const { code, report } = await scanJson(["scan", FEATURE_EXPORT, "--stack", "prod"]);
    expect(code).toBe(1);
    expect(report.violations[0]).toMatchObject({
      policy: "aks-preview-feature-registration",
      enforcementLevel: "mandatory",
    });
    expect(report.violations[0].message).toContain("EntraIdSSHPreview");
  });

  test("a pack-config stacks entry makes it mandatory on staging and keeps the built-in prod* entry", async () => {
    const config = tmpFile("staging.json", {
      "aks-preview-feature-registration": { stacks: { staging: "mandatory" } },
    });
    const staging = await scanJson(["scan", FEATURE_EXPORT, "--stack", "staging", "--config", config]);
    expect(staging.code).toBe(1);
    expect(staging.report.violations[0].enforcementLevel).toBe("mandatory");
    const prod = await scanJson(["scan", FEATURE_EXPORT, "--stack", "prod-eu", "--config", config]);
    expect(prod.report.violations[0].enforcementLevel).toBe("mandatory");
    const dev = await scanJson(["scan", FEATURE_EXPORT, "--stack", "dev", "--config", config]);
    expect(dev.report.violations[0].enforcementLevel).toBe("advisory");
  });

  test("a tag: key matches the stack tags sent in ConfigureStack", async () => {
    const config = tmpFile("tags.json", {
      "aks-preview-feature-registration": { stacks: { "tag:environment=production": "mandatory" } },
    });
    const tagged = await scanJson([
      "scan",
      FEATURE_EXPORT,
      "--stack",
      "payments-eu",
      "--config",
      config,
      "--stack-tag",
      "environment=production",
    ]);
    expect(tagged.code).toBe(1);
    const untagged = await scanJson(["scan", FEATURE_EXPORT, "--stack", "payments-eu", "--config", config]);
    expect(untagged.code).toBe(0);
  });
});

describe("scan: stack config (Pulumi.<stack>.yaml → PULUMI_CONFIG)", () => {
  const loosen = tmpFile(
    "Pulumi.prod.yaml",
    "config:\n  aks-guardrails:levels:\n    aks-vmss-direct-modification: advisory\n",
  );

  test("may tighten a rule: feature registration mandatory on dev", async () => {
    const tighten = tmpFile(
      "Pulumi.dev.yaml",
      "config:\n  aks-guardrails:levels:\n    aks-preview-feature-registration: mandatory\n",
    );
    const { code, report } = await scanJson([
      "scan",
      FEATURE_EXPORT,
      "--stack",
      "dev",
      "--stack-config",
      tighten,
    ]);
    expect(code).toBe(1);
    expect(report.violations[0].enforcementLevel).toBe("mandatory");
  });

  test("cannot loosen an org mandatory rule: refused and reported", async () => {
    const { code, report } = await scanJson(["scan", VMSS_EXPORT, "--stack-config", loosen]);
    expect(code).toBe(1);
    expect(report.violations.find((v) => v.urn === VMSS_URN)?.enforcementLevel).toBe("mandatory");
    const notice = report.violations.find((v) =>
      v.message.includes("aks-guardrails:levels.aks-vmss-direct-modification"),
    );
    expect(notice).toMatchObject({ policy: "aks-vmss-direct-modification", enforcementLevel: "advisory" });
    expect(notice?.message).toMatch(/refused/);
  });

  test("loosening applies when the pack config allows it for that rule", async () => {
    const allow = tmpFile("allow.json", { "aks-vmss-direct-modification": { allowStackLoosening: true } });
    const { code, report } = await scanJson([
      "scan",
      VMSS_EXPORT,
      "--stack-config",
      loosen,
      "--config",
      allow,
    ]);
    expect(code).toBe(0);
    expect(report.violations.find((v) => v.urn === VMSS_URN)?.enforcementLevel).toBe("advisory");
  });

  test.each(INVALID_STACK_CONFIGS.map((c, i) => [c.name, c, i] as const))(
    "invalid (%s): exit 2, one error naming the file, key and allowed values",
    async (_name, c, i) => {
      const file = tmpFile(`Pulumi.bad-${i}.yaml`, stackConfigYaml(c));
      const run = await cli(["scan", VMSS_EXPORT, "--stack-config", file]);
      expectOneError(run);
      expectNamed(run.stderr, file, c);
    },
  );

  test.each([
    ["not YAML", "config: [unclosed", "unexpected end of the stream"],
    ["config not a mapping", "config:\n  - aks-guardrails:levels\n", '"config" must be a mapping'],
  ])("a stack config file that is %s: exit 2 naming the file", async (_name, text, why) => {
    const file = tmpFile(`Pulumi.${why.length}.yaml`, text);
    const run = await cli(["scan", VMSS_EXPORT, "--stack-config", file]);
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 2, stdout: "" });
    // The YAML parser's message may add an excerpt of the file after the first line.
    expect(run.stderr.split("\n")[0]).toContain(`aks-guardrails: ${file}: `);
    expect(run.stderr).toContain(why);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("scan: bad config exits 2 with one message naming the file, the key and the allowed values", () => {
  // Bad scan input: test/reliability/cli-input.test.ts.
  test.each(INVALID_PACK_CONFIGS.map((c, i) => [c.name, c, i] as const))(
    "pack config: %s",
    async (_name, c, i) => {
      const file = tmpFile(`bad-pack-${i}.json`, JSON.stringify(c.document));
      const run = await cli(["scan", VMSS_EXPORT, "--config", file]);
      expectOneError(run);
      expectNamed(run.stderr, file, c);
    },
  );

  test("the unknown-rule-id message lists every rule id", async () => {
    const config = tmpFile("typo.json", { "aks-vmss-direct-modifcation": "mandatory" });
    const run = await cli(["scan", VMSS_EXPORT, "--config", config]);
    expect(run.stderr).toContain(`allowed: all, ${registry.map((r) => r.id).join(", ")}`);
  });

  test("a pack config that is not JSON", async () => {
    const config = tmpFile("truncated-config.json", '{"all": "mand');
    const run = await cli(["scan", VMSS_EXPORT, "--config", config]);
    expectOneError(run);
    expect(run.stderr).toContain(`${config}: not valid JSON`);
  });

  test("unknown command", async () => {
    const run = await cli(["scna", VMSS_EXPORT]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unknown command "scna"/);
  });
});

describe("scan: formats and stdin", () => {
  test("reads - from standard input", async () => {
    const { readFileSync } = await import("fs");
    const run = await cli(["scan", "-", "--format", "json"], readFileSync(FEATURE_EXPORT, "utf8"));
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as JsonReport).violations).toHaveLength(1);
  });

  test("text output groups by resource, shows level and rule id, ends with the summary, no colour off a TTY", async () => {
    const run = await cli(["scan", VMSS_EXPORT]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('azure-native:compute:VirtualMachineScaleSetExtension "bootstrap"');
    expect(run.stdout).toMatch(/mandatory {2}aks-vmss-direct-modification/);
    expect(run.stdout.trimEnd().split("\n").pop()).toMatch(
      /^1 mandatory, 0 advisory across 4 resources on stack "prod": the preview would fail$/,
    );
    expect(run.stdout).not.toContain("\u001b[");
  });
});

describe("rules", () => {
  test("--format json lists every rule with the contract fields", async () => {
    const run = await cli(["rules", "--format", "json"]);
    expect(run.code).toBe(0);
    const { rules } = JSON.parse(run.stdout) as { rules: Array<Record<string, unknown>> };
    expect(rules.map((r) => r.id)).toEqual(registry.map((r) => r.id));
    for (const r of rules) {
      expect(Object.keys(r)).toEqual(
        expect.arrayContaining(["id", "title", "area", "defaultLevel", "source"]),
      );
    }
    expect(rules.find((r) => r.id === "aks-preview-feature-registration")?.defaultStacks).toEqual({
      "prod*": "mandatory",
    });
  });

  test("text lists ids and levels", async () => {
    const run = await cli(["rules"]);
    expect(run.stdout).toMatch(
      /aks-preview-feature-registration\s+preview\s+advisory \(mandatory on prod\*\)/,
    );
    // Points at the generated docs that exist.
    expect(run.stdout).toContain(
      `${registry.length} rules. Index: docs/README.md; details: docs/rules/<rule>.md`,
    );
    expect(existsSync(path.join(__dirname, "..", "..", "docs", "README.md"))).toBe(true);
  });
});

describe("validate-config", () => {
  test("a valid pack config and stack config exit 0 without analysing anything", async () => {
    const config = tmpFile("ok.json", {
      all: "mandatory",
      "aks-preview-feature-registration": { stacks: { "qa-*": "mandatory" } },
    });
    const stack = tmpFile(
      "Pulumi.qa.yaml",
      "config:\n  aks-guardrails:levels:\n    aks-beta-kubernetes-api: advisory\n",
    );
    const run = await cli(["validate-config", config, "--stack-config", stack]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`${config}: valid policy-pack config`);
    expect(run.stdout).toContain(`${stack}: valid stack config`);
  });

  test("an invalid pack config exits 2 naming the file, key and allowed values", async () => {
    const config = tmpFile("bad-glob.json", {
      "aks-preview-feature-registration": { stacks: { "prod[1]": "mandatory" } },
    });
    const run = await cli(["validate-config", config]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${config}: aks-preview-feature-registration.stacks["prod[1]"]`);
    expect(run.stderr).toMatch(/allowed: stack-name globs/);
  });

  test("needs something to validate", async () => {
    const run = await cli(["validate-config"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/needs a pack-config file/);
  });
});
