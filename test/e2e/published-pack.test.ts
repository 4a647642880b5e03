/**
 * The published form of the pack works: `pulumi policy publish` uploads one directory and Pulumi Cloud
 * installs its package.json dependencies. The test stages that directory (`aks-guardrails stage-policypack`:
 * the library as an `npm pack` tarball + a lock pinning its production tree), installs it offline from the
 * npm cache that the repo's own `npm ci` filled, starts it the CLI's way (its own run-policy-pack, the pack
 * dir as cwd) and analyses a resource.
 */
import { execFileSync } from "child_process";
import { existsSync, mkdtempSync, readFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { main } from "../../src/cli/main";
import { runPolicyPack } from "../../src/host/analyzer-client";

const staged = path.join(mkdtempSync(path.join(tmpdir(), "aks-guardrails-publish-")), "pack");

beforeAll(async () => {
  let stderr = "";
  const code = await main(["stage-policypack", staged], {
    stdout: () => undefined,
    stderr: (t) => (stderr += t),
    readStdin: () => "",
    isTty: false,
    env: {},
  });
  if (code !== 0) throw new Error(`stage-policypack failed: ${stderr}`);
  execFileSync("npm", ["ci", "--offline", "--no-audit", "--no-fund", "--ignore-scripts"], {
    cwd: staged,
    stdio: "pipe",
  });
}, 180_000);

test("the staged directory holds only what publish needs, with the library pinned as a tarball", () => {
  const manifest = JSON.parse(readFileSync(path.join(staged, "package.json"), "utf8")) as {
    main: string;
    dependencies: Record<string, string>;
  };
  expect(manifest.main).toBe("index.js");
  expect(manifest.dependencies["aks-guardrails"]).toMatch(/^file:aks-guardrails-\d+\.\d+\.\d+\.tgz$/);
  expect(existsSync(path.join(staged, manifest.dependencies["aks-guardrails"].slice(5)))).toBe(true);
  expect(existsSync(path.join(staged, "PulumiPolicy.yaml"))).toBe(true);
  expect(existsSync(path.join(staged, "node_modules", "aks-guardrails", "dist", "src", "index.js"))).toBe(
    true,
  );
});

test("the installed pack starts the CLI's way and reports a mandatory finding", async () => {
  const { info, diagnostics } = await runPolicyPack({
    packDir: staged,
    identity: { stack: "prod", project: "platform", organization: "acme", tags: {}, dryRun: true },
    resources: [
      {
        urn: "urn:pulumi:prod::platform::azure-native:compute:VirtualMachineScaleSetExtension::bootstrap",
        type: "azure-native:compute:VirtualMachineScaleSetExtension",
        name: "bootstrap",
        custom: true,
        inputs: { resourceGroupName: "MC_rg_aks1_westeurope", vmScaleSetName: "aks-sys-12345678-vmss" },
        outputs: {},
        dependencies: [],
        propertyDependencies: {},
      },
    ],
  });
  expect(info.name).toBe("aks-guardrails");
  expect(info.policies.length).toBeGreaterThanOrEqual(19);
  expect(diagnostics.map((d) => [d.policyName, d.enforcementLevel])).toContainEqual([
    "aks-vmss-direct-modification",
    "mandatory",
  ]);
}, 60_000);

test("staging refuses a non-empty directory", async () => {
  let stderr = "";
  const code = await main(["stage-policypack", staged], {
    stdout: () => undefined,
    stderr: (t) => (stderr += t),
    readStdin: () => "",
    isTty: false,
    env: {},
  });
  expect(code).toBe(2);
  expect(stderr).toMatch(/not empty/);
});
