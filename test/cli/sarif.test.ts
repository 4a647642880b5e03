/**
 * `--format sarif`: a scan of a violating stack produces SARIF 2.1.0 that validates against the official
 * schema (the 2.1.0-rtm.5 JSON schema shipped in @microsoft/jest-sarif; its matcher module cannot load
 * because the package omits its tslib dependency, so the schema is applied with ajv 6 as that matcher does),
 * so GitHub code scanning and Azure DevOps accept it.
 */
import Ajv from "ajv";
import { existsSync } from "fs";
import * as path from "path";
import { fileURLToPath } from "url";
import { main } from "../../src/cli/main";
import { rules } from "../../src/rules";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const sarifSchema = require("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json") as object;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const draft04 = require("ajv/lib/refs/json-schema-draft-04.json") as object;
const ajv = new Ajv({ schemaId: "auto", allErrors: true });
ajv.addMetaSchema(draft04);
const validateSarif = ajv.compile(sarifSchema);

function expectValidSarif(log: unknown): void {
  const valid = validateSarif(log);
  expect(valid ? [] : ajv.errorsText(validateSarif.errors, { separator: "\n" }).split("\n")).toEqual([]);
}

const EXPORTS = path.join(__dirname, "..", "fixtures", "exports");
const VMSS_URN = "urn:pulumi:prod::platform::azure-native:compute:VirtualMachineScaleSetExtension::bootstrap";

interface SarifLog {
  version: string;
  runs: Array<{
    tool: {
      driver: {
        name: string;
        informationUri: string;
        rules: Array<{ id: string; helpUri: string; defaultConfiguration: { level: string } }>;
      };
    };
    results: Array<{
      ruleId: string;
      ruleIndex: number;
      level: string;
      message: { text: string };
      locations: Array<{
        physicalLocation: { artifactLocation: { uri: string } };
        logicalLocations: Array<{ name: string; fullyQualifiedName?: string; kind: string }>;
      }>;
    }>;
  }>;
}

async function sarif(argv: string[]): Promise<{ code: number; text: string; log: SarifLog }> {
  let stdout = "";
  let stderr = "";
  const code = await main([...argv, "--format", "sarif"], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    readStdin: () => "",
    isTty: false,
    env: {},
  });
  if (code === 2) throw new Error(stderr);
  return { code, text: stdout, log: JSON.parse(stdout) as SarifLog };
}

describe("SARIF output", () => {
  test("an exempted finding is a result with an external suppression carrying the reason; still valid SARIF", async () => {
    const { mkdtempSync, writeFileSync } = await import("fs");
    const { tmpdir } = await import("os");
    const config = path.join(mkdtempSync(path.join(tmpdir(), "aks-guardrails-sarif-")), "exempt.json");
    const reason = 'bootstrap extension predates AKS "v2" [INC-12]';
    writeFileSync(
      config,
      JSON.stringify({
        "aks-vmss-direct-modification": {
          exemptions: [{ resource: VMSS_URN, reason, expires: "2099-12-31" }],
        },
      }),
    );
    const { code, log } = await sarif([
      "scan",
      path.join(EXPORTS, "vmss-in-node-rg.json"),
      "--config",
      config,
    ]);
    expect(code).toBe(0);
    expectValidSarif(log);
    const results = log.runs[0].results.filter((r) => r.ruleId === "aks-vmss-direct-modification");
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({
      level: "error",
      suppressions: [
        {
          kind: "external",
          status: "accepted",
          justification: reason,
          properties: { expires: "2099-12-31" },
        },
      ],
    });
    expect(results[0].message.text).not.toContain("[exempted");
    const others = log.runs[0].results.filter((r) => r.ruleId !== "aks-vmss-direct-modification");
    expect(others.every((r) => !("suppressions" in r))).toBe(true);
  });

  test("the schema check is not vacuous: a malformed log is rejected", () => {
    const broken = {
      version: "2.1.0",
      runs: [{ tool: { driver: { name: "x" } }, results: [{ level: "fatal", message: {} }] }],
    };
    expect(validateSarif(broken)).toBe(false);
  });

  test("a violating stack: valid SARIF 2.1.0, mandatory → error, URN and name as logical location", async () => {
    const { code, log } = await sarif([
      "scan",
      path.join(EXPORTS, "vmss-in-node-rg.json"),
      "--stack",
      "prod",
    ]);
    expect(code).toBe(1);
    expectValidSarif(log);
    expect(log.version).toBe("2.1.0");
    const [run] = log.runs;
    expect(run.tool.driver.name).toBe("aks-guardrails");
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(rules.map((r) => r.id));
    const result = run.results.find((r) => r.ruleId === "aks-vmss-direct-modification");
    expect(result).toBeDefined();
    expect(result?.level).toBe("error");
    expect(run.tool.driver.rules[result!.ruleIndex].id).toBe("aks-vmss-direct-modification");
    expect(result?.locations[0].logicalLocations[0]).toEqual({
      name: "bootstrap",
      fullyQualifiedName: VMSS_URN,
      kind: "resource",
    });
    expect(result?.locations[0].physicalLocation.artifactLocation.uri).toMatch(/vmss-in-node-rg\.json$/);
  });

  test("advisory → warning; rule descriptors carry their default level and a help URI to the generated doc", async () => {
    const { code, log } = await sarif([
      "scan",
      path.join(EXPORTS, "feature-registration.json"),
      "--stack",
      "dev",
    ]);
    expect(code).toBe(0);
    expectValidSarif(log);
    const [run] = log.runs;
    expect(run.results.map((r) => [r.ruleId, r.level])).toEqual([
      ["aks-preview-feature-registration", "warning"],
    ]);
    const vmssRule = run.tool.driver.rules.find((r) => r.id === "aks-vmss-direct-modification");
    expect(vmssRule?.defaultConfiguration.level).toBe("error");
    expect(vmssRule?.helpUri).toMatch(/^file:\/\/.*docs\/rules\/aks-vmss-direct-modification\.md$/);
    // The rule index (docs/README.md) is the tool's page; both links reach committed files.
    expect(run.tool.driver.informationUri).toMatch(/^file:\/\/.*\/docs\/README\.md$/);
    for (const uri of [run.tool.driver.informationUri, vmssRule?.helpUri ?? ""]) {
      expect(existsSync(fileURLToPath(uri))).toBe(true);
    }
  });

  test("a clean stack is still a valid log with no results", async () => {
    const { code, log } = await sarif(["preview", "--stack", "prod"]);
    expect(code).toBe(0);
    expectValidSarif(log);
    expect(log.runs[0].results).toEqual([]);
  });
});
