/**
 * Exemptions and baselines end to end, through the real compiled pack (needs `npm run build`): a finding an
 * exemption covers no longer fails the scan and is listed as exempted (JSON, text); `baseline` writes the
 * current findings as dated exemptions, and a rescan with that config passes and lists them.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { main } from "../../src/cli/main";
import { parsePackConfig } from "../../src/model/config";
import { rules } from "../../src/rules";

const EXPORTS = path.join(__dirname, "..", "fixtures", "exports");
const VMSS_EXPORT = path.join(EXPORTS, "vmss-in-node-rg.json");
const NODE_POOLS_EXPORT = path.join(EXPORTS, "node-pools-multi.json");
const VMSS_URN = "urn:pulumi:prod::platform::azure-native:compute:VirtualMachineScaleSetExtension::bootstrap";
const RULE = "aks-vmss-direct-modification";
// The pack runs in its own process on the real clock, so the dates here are relative to today.
const DAY = 86_400_000;
const isoDay = (offsetDays: number) => new Date(Date.now() + offsetDays * DAY).toISOString().slice(0, 10);
const TODAY = isoDay(0);
const IN_90_DAYS = isoDay(90);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(argv: string[]): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    readStdin: () => "",
    isTty: false,
    env: {},
  });
  return { code, stdout, stderr };
}

interface Finding {
  policy: string;
  urn: string;
  enforcementLevel: string;
  message: string;
}
interface JsonReport {
  violations: Finding[];
  exempted: Array<Finding & { reason: string; expires?: string; resourceName: string }>;
  summary: { mandatory: number; advisory: number; exempted: number };
}

async function scanJson(argv: string[]): Promise<{ code: number; report: JsonReport }> {
  const run = await cli([...argv, "--format", "json"]);
  if (run.code === 2) throw new Error(`scan failed: ${run.stderr}`);
  return { code: run.code, report: JSON.parse(run.stdout) as JsonReport };
}

const tmp = mkdtempSync(path.join(tmpdir(), "aks-guardrails-exemptions-"));
function tmpFile(name: string, content: unknown): string {
  const file = path.join(tmp, name);
  writeFileSync(file, JSON.stringify(content));
  return file;
}

describe("scan with exemptions", () => {
  const REASON = "bootstrap extension predates AKS, removal tracked in INC-12";
  const exemptionConfig = tmpFile("exempt.json", {
    [RULE]: {
      exemptions: [{ resource: "bootstrap", stacks: "prod*", reason: REASON, expires: "2099-12-31" }],
    },
  });

  test("the exempted mandatory finding no longer fails the scan and is listed with its reason (JSON)", async () => {
    const before = await scanJson(["scan", VMSS_EXPORT]);
    expect(before.code).toBe(1);
    const finding = before.report.violations.find((v) => v.policy === RULE)!;
    expect(finding).toMatchObject({ urn: VMSS_URN, enforcementLevel: "mandatory" });

    const { code, report } = await scanJson(["scan", VMSS_EXPORT, "--config", exemptionConfig]);
    expect(code).toBe(0);
    expect(report.violations.filter((v) => v.policy === RULE)).toEqual([]);
    expect(report.exempted).toEqual([
      {
        policy: RULE,
        urn: VMSS_URN,
        enforcementLevel: "mandatory",
        reason: REASON,
        expires: "2099-12-31",
        message: finding.message,
        resourceType: "azure-native:compute:VirtualMachineScaleSetExtension",
        resourceName: "bootstrap",
      },
    ]);
    expect(report.summary).toEqual({ mandatory: 0, advisory: before.report.summary.advisory, exempted: 1 });
  });

  test("the exemption's stacks glob is honoured: on another stack the finding still fails", async () => {
    const { code, report } = await scanJson([
      "scan",
      VMSS_EXPORT,
      "--stack",
      "dev",
      "--config",
      exemptionConfig,
    ]);
    expect(code).toBe(1);
    expect(report.exempted).toEqual([]);
  });

  test("text lists exempted findings after the findings, with the reason; the summary counts them", async () => {
    const run = await cli(["scan", VMSS_EXPORT, "--config", exemptionConfig]);
    expect(run.code).toBe(0);
    const exemptedAt = run.stdout.indexOf("Exempted by the policy pack config (1):");
    expect(exemptedAt).toBeGreaterThan(0);
    const section = run.stdout.slice(exemptedAt);
    expect(section).toContain(`${RULE}  azure-native:compute:VirtualMachineScaleSetExtension "bootstrap"`);
    expect(section).toContain(`reason: ${REASON}, until 2099-12-31 (would be mandatory)`);
    expect(run.stdout.trimEnd().split("\n").pop()).toMatch(
      /^0 mandatory, \d+ advisory, 1 exempted across 4 resources on stack "prod": the preview would pass$/,
    );
  });

  test("an expired exemption applies no more and the scan says so", async () => {
    const expired = tmpFile("expired.json", {
      [RULE]: { exemptions: [{ resource: "bootstrap", reason: REASON, expires: "2020-01-01" }] },
    });
    const { code, report } = await scanJson(["scan", VMSS_EXPORT, "--config", expired]);
    expect(code).toBe(1);
    expect(report.exempted).toEqual([]);
    const notices = report.violations.filter((v) => v.message.includes("expired on"));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ policy: RULE, enforcementLevel: "advisory" });
    expect(notices[0].message).toContain('the exemption for resource "bootstrap" expired on 2020-01-01');
  });

  test("a broad exemption on a mandatory rule without allowBroad is a config error (exit 2)", async () => {
    const broad = tmpFile("broad.json", {
      [RULE]: { exemptions: [{ resource: "*", reason: "all of them" }] },
    });
    const run = await cli(["scan", VMSS_EXPORT, "--config", broad]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${broad}: ${RULE}.exemptions[0]: exempts every resource on every stack`);
    expect(run.stderr).toContain('"allowBroad": true');
  });

  test("an exemption without a reason is a config error, for validate-config too", async () => {
    const noReason = tmpFile("no-reason.json", { [RULE]: { exemptions: [{ resource: "bootstrap" }] } });
    const run = await cli(["validate-config", noReason]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${RULE}.exemptions[0].reason: an exemption needs a reason`);
  });
});

describe("baseline", () => {
  test("writes every finding as a dated exemption; a rescan with it exits 0 and lists them as exempted", async () => {
    const before = await scanJson(["scan", NODE_POOLS_EXPORT]);
    const exemptible = before.report.violations.filter((v) => !v.urn.includes("::pulumi:pulumi:Stack::"));
    expect(exemptible.length).toBeGreaterThan(1);
    const output = path.join(tmp, "baseline-1.json");

    const run = await cli(["baseline", NODE_POOLS_EXPORT, "--output", output]);
    expect(run.code).toBe(0);
    const pairs = new Set(exemptible.map((v) => `${v.policy} ${v.urn}`));
    expect(run.stdout).toContain(`wrote ${pairs.size} exemptions for `);
    expect(run.stdout).toContain(`to ${output} (reason "baseline ${TODAY}", expiring after ${IN_90_DAYS})`);
    const config = JSON.parse(readFileSync(output, "utf8")) as Record<string, { exemptions: unknown[] }>;
    expect(() => parsePackConfig(rules, config, output)).not.toThrow();
    const written = Object.entries(config).flatMap(([policy, entry]) =>
      entry.exemptions.map((e) => ({ policy, ...(e as object) })),
    );
    expect(written).toHaveLength(pairs.size);
    for (const e of written) {
      expect(e).toEqual({
        policy: expect.any(String),
        resource: expect.stringMatching(/^urn:pulumi:/),
        reason: `baseline ${TODAY}`,
        expires: IN_90_DAYS,
      });
    }

    const after = await scanJson(["scan", NODE_POOLS_EXPORT, "--config", output]);
    expect(after.code).toBe(0);
    expect(after.report.summary.mandatory).toBe(0);
    expect(after.report.violations.filter((v) => !v.urn.includes("::pulumi:pulumi:Stack::"))).toEqual([]);
    const key = (f: Finding) => `${f.policy} ${f.urn} ${f.message}`;
    expect(after.report.exempted.map(key).sort()).toEqual(exemptible.map(key).sort());
    expect(after.report.exempted.every((e) => e.reason === `baseline ${TODAY}`)).toBe(true);
  });

  test("merges into --config (written in place by default), keeping its settings", async () => {
    const config = tmpFile("team.json", {
      all: "advisory",
      [RULE]: { enforcementLevel: "mandatory", exemptions: [{ resource: "other", reason: "kept" }] },
    });
    const run = await cli(["baseline", VMSS_EXPORT, "--config", config, "--expires", isoDay(30)]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`to ${config} `);
    const merged = JSON.parse(readFileSync(config, "utf8")) as Record<string, unknown>;
    expect(merged.all).toBe("advisory");
    expect(merged[RULE]).toEqual({
      enforcementLevel: "mandatory",
      exemptions: [
        { resource: "other", reason: "kept" },
        { resource: VMSS_URN, reason: `baseline ${TODAY}`, expires: isoDay(30) },
      ],
    });
    const rescan = await scanJson(["scan", VMSS_EXPORT, "--config", config]);
    expect(rescan.code).toBe(0);
    expect(rescan.report.exempted.map((e) => e.urn)).toContain(VMSS_URN);
  });

  test("refuses to overwrite a file that is not the --config, and a past or malformed --expires", async () => {
    const existing = tmpFile("existing.json", { all: "mandatory" });
    const overwrite = await cli(["baseline", VMSS_EXPORT, "--output", existing]);
    expect(overwrite.code).toBe(2);
    expect(overwrite.stderr).toContain("exists and is not the --config file");
    expect(JSON.parse(readFileSync(existing, "utf8"))).toEqual({ all: "mandatory" });

    const fresh = path.join(tmp, "never-written.json");
    const past = await cli(["baseline", VMSS_EXPORT, "--output", fresh, "--expires", isoDay(-1)]);
    expect(past.code).toBe(2);
    expect(past.stderr).toContain(`--expires ${isoDay(-1)} is in the past`);
    const malformed = await cli(["baseline", VMSS_EXPORT, "--output", fresh, "--expires", "2025-02-30"]);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain("--expires must be a date YYYY-MM-DD");
    expect(existsSync(fresh)).toBe(false);
  });

  test("--output - writes the config to standard output", async () => {
    const run = await cli(["baseline", VMSS_EXPORT, "--output", "-"]);
    expect(run.code).toBe(0);
    const config = JSON.parse(run.stdout) as Record<string, { exemptions: Array<{ resource: string }> }>;
    expect(config[RULE].exemptions.map((e) => e.resource)).toEqual([VMSS_URN]);
    expect(run.stderr).toContain("to standard output");
  });
});
