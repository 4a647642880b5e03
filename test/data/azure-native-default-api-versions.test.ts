/**
 * The committed table of azure-native resources whose default API version is a pre-release
 * (`src/data/azure-native-default-api-versions.json`, read by `aks-preview-api-version`) must match the
 * installed, pinned `@pulumi/azure-native`: after a version bump, regenerate it with
 * `node scripts/azure-native-default-api-versions.js`.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..", "..");
const SCRIPT = path.join(ROOT, "scripts", "azure-native-default-api-versions.js");
const TABLE = path.join(ROOT, "src", "data", "azure-native-default-api-versions.json");

interface Table {
  package: string;
  version: string;
  resourcesWithDefaultVersion: number;
  previewDefaultCount: number;
  previewDefaults: Record<string, Record<string, string>>;
}

const table = JSON.parse(fs.readFileSync(TABLE, "utf8")) as Table;

describe("src/data/azure-native-default-api-versions.json", () => {
  it("is up to date with the installed @pulumi/azure-native (scripts/azure-native-default-api-versions.js --check)", () => {
    const run = spawnSync(process.execPath, [SCRIPT, "--check"], { encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
  });

  it("is built from the version package.json pins", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
      devDependencies: Record<string, string>;
    };
    expect(table.version).toBe(pkg.devDependencies["@pulumi/azure-native"]);
  });

  it("holds only pre-release defaults, and counts them", () => {
    const entries = Object.values(table.previewDefaults).flatMap((types) => Object.values(types));
    expect(entries.length).toBe(table.previewDefaultCount);
    for (const version of entries)
      expect(version).toMatch(/^\d{4}-\d{2}-\d{2}-(?:preview|privatepreview|beta)$/);
  });

  // rule-catalog §2.16, checked against @pulumi/azure-native 3.28.0.
  it("matches the catalog for 3.28.0: 732 of 2,282 resources, 13 in containerservice", () => {
    if (table.version !== "3.28.0") return;
    expect(table.resourcesWithDefaultVersion).toBe(2282);
    expect(table.previewDefaultCount).toBe(732);
    expect(table.previewDefaults.containerservice).toEqual({
      AutoUpgradeProfile: "2024-05-02-preview",
      DeploymentSafeguard: "2025-04-02-preview",
      Fleet: "2024-05-02-preview",
      FleetManagedNamespace: "2025-08-01-preview",
      FleetMember: "2024-05-02-preview",
      FleetUpdateStrategy: "2024-05-02-preview",
      IdentityBinding: "2025-06-02-preview",
      JWTAuthenticator: "2025-07-02-preview",
      LoadBalancer: "2024-10-02-preview",
      ManagedClusterSnapshot: "2024-10-02-preview",
      MeshMembership: "2025-08-02-preview",
      Namespace: "2025-02-02-preview",
      UpdateRun: "2024-05-02-preview",
    });
  });

  it("--check fails on a stale table, naming the fix", () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "api-versions-"));
    try {
      const copy = path.join(tmp, "scripts", "azure-native-default-api-versions.js");
      fs.mkdirSync(path.dirname(copy), { recursive: true });
      fs.mkdirSync(path.join(tmp, "src", "data"), { recursive: true });
      fs.copyFileSync(SCRIPT, copy);
      fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(tmp, "node_modules"));
      const stale = {
        ...table,
        previewDefaults: { containerservice: { LoadBalancer: "2024-03-02-preview" } },
      };
      fs.writeFileSync(
        path.join(tmp, "src", "data", "azure-native-default-api-versions.json"),
        JSON.stringify(stale),
      );
      const run = spawnSync(process.execPath, [copy, "--check"], { encoding: "utf8" });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain("is stale for the installed @pulumi/azure-native");
      expect(run.stderr).toContain("node scripts/azure-native-default-api-versions.js");
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
