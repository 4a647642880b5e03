import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { InputError, loadResourceFile, parseResourceDocument } from "../../src/host/loaders";
import { SECRET_SIG, SECRET_SIG_KEY, UNKNOWN } from "../../src/host/types";

const SIG = SECRET_SIG_KEY;
const ROOT = "urn:pulumi:prod::aks::pulumi:pulumi:Stack::aks-prod";
const PROVIDER = "urn:pulumi:prod::aks::pulumi:providers:azure-native::default_3_28_0";
const RG = "urn:pulumi:prod::aks::azure-native:resources:ResourceGroup::rg";
const CLUSTER = "urn:pulumi:prod::aks::azure-native:containerservice:ManagedCluster::cluster";

function exportDoc(resources: unknown[]): string {
  return JSON.stringify({ version: 3, deployment: { manifest: {}, resources } });
}

function inputError(run: () => unknown): InputError {
  try {
    run();
  } catch (err) {
    if (err instanceof InputError) {
      return err;
    }
    throw err;
  }
  throw new Error("no InputError thrown");
}

describe("stack export loader", () => {
  const document = exportDoc([
    { urn: ROOT, custom: false, type: "pulumi:pulumi:Stack", outputs: { kubeconfig: "x" } },
    {
      urn: PROVIDER,
      custom: true,
      id: "prov-id",
      type: "pulumi:providers:azure-native",
      inputs: { location: "westeurope" },
      outputs: { location: "westeurope" },
    },
    {
      urn: RG,
      custom: true,
      id: "/subscriptions/s/resourceGroups/rg",
      type: "azure-native:resources:ResourceGroup",
      inputs: { location: "westeurope" },
      outputs: { name: "rg" },
      parent: ROOT,
      provider: `${PROVIDER}::prov-id`,
    },
    {
      urn: CLUSTER,
      custom: true,
      type: "azure-native:containerservice:ManagedCluster",
      inputs: {
        kubernetesVersion: "1.30",
        servicePrincipalProfile: {
          clientId: "app",
          secret: { [SIG]: SECRET_SIG, ciphertext: "v1:abc" },
        },
        adminPassword: { [SIG]: SECRET_SIG, plaintext: '{"value":"hunter2","rotated":true}' },
      },
      outputs: { provisioningState: "Succeeded" },
      parent: ROOT,
      dependencies: [RG],
      propertyDependencies: { resourceGroupName: [RG] },
      provider: `${PROVIDER}::prov-id`,
      protect: true,
      customTimeouts: { create: 3600 },
    },
    { urn: CLUSTER, custom: true, delete: true, type: "azure-native:containerservice:ManagedCluster" },
  ]);

  it("reads every registered resource, providers and the root stack included", () => {
    const loaded = parseResourceDocument(document, "state.json");
    expect(loaded.kind).toBe("stack-export");
    expect(loaded.stack).toBe("prod");
    expect(loaded.project).toBe("aks");
    expect(loaded.resources.map((r) => r.urn)).toEqual([ROOT, PROVIDER, RG, CLUSTER]);
  });

  it("maps inputs, outputs, parent, dependencies, options and resolves the provider reference", () => {
    const cluster = parseResourceDocument(document, "state.json").resources[3];
    expect(cluster).toMatchObject({
      type: "azure-native:containerservice:ManagedCluster",
      name: "cluster",
      custom: true,
      outputs: { provisioningState: "Succeeded" },
      parent: ROOT,
      dependencies: [RG],
      propertyDependencies: { resourceGroupName: [RG] },
      options: { protect: true, customTimeouts: { create: 3600 } },
      provider: {
        urn: PROVIDER,
        type: "pulumi:providers:azure-native",
        name: "default_3_28_0",
        inputs: { location: "westeurope" },
      },
    });
  });

  it("turns ciphertext secrets into unknowns and plaintext secrets into wrapped values", () => {
    const { inputs } = parseResourceDocument(document, "state.json").resources[3];
    expect(inputs).toEqual({
      kubernetesVersion: "1.30",
      servicePrincipalProfile: { clientId: "app", secret: UNKNOWN },
      adminPassword: { [SIG]: SECRET_SIG, value: { value: "hunter2", rotated: true } },
    });
  });

  it("keeps read resources for AnalyzeStack only, and asset or reference objects as they are", () => {
    const reference = { [SIG]: "5cf8f73096256a8f31e491e813e4eb8e", urn: RG, id: "rg-id" };
    const [read] = parseResourceDocument(
      exportDoc([
        {
          urn: RG,
          type: "azure-native:resources:ResourceGroup",
          external: true,
          outputs: { ref: reference },
        },
      ]),
      "state.json",
    ).resources;
    expect(read.external).toBe(true);
    expect(read.outputs.ref).toEqual(reference);
  });

  it("names a provider it cannot find in the document with no inputs", () => {
    const [rg] = parseResourceDocument(
      exportDoc([{ urn: RG, type: "azure-native:resources:ResourceGroup", provider: `${PROVIDER}::id` }]),
      "state.json",
    ).resources;
    expect(rg.provider).toEqual({
      urn: PROVIDER,
      type: "pulumi:providers:azure-native",
      name: "default_3_28_0",
      inputs: {},
    });
  });

  it.each([
    [
      "urn",
      { type: "azure-native:resources:ResourceGroup" },
      'is missing "urn" (expected a non-empty string)',
    ],
    ["type", { urn: RG, type: 5 }, 'has "type" 5, which is not a non-empty string'],
  ])("rejects a resource without a string %s, naming the file, index and key", (key, bad, why) => {
    const err = inputError(() =>
      parseResourceDocument(exportDoc([{ urn: ROOT, type: "pulumi:pulumi:Stack" }, bad]), "state.json"),
    );
    expect(err.file).toBe("state.json");
    expect(err.key).toBe(key);
    expect(err.message).toBe(`state.json: resource #1 (deployment.resources[1]) ${why}`);
  });

  it("rejects duplicate URNs, naming the URN", () => {
    const err = inputError(() =>
      parseResourceDocument(
        exportDoc([
          { urn: RG, type: "t:m:T" },
          { urn: RG, type: "t:m:T" },
        ]),
        "state.json",
      ),
    );
    expect(err.message).toBe(`state.json: duplicate resource URN ${RG} (deployment.resources[1])`);
  });

  it("rejects a malformed secret", () => {
    const secret = { [SIG]: SECRET_SIG, ciphertext: "c", plaintext: '"p"' };
    const err = inputError(() =>
      parseResourceDocument(exportDoc([{ urn: RG, type: "t:m:T", inputs: { secret } }]), "state.json"),
    );
    expect(err.message).toMatch(/deployment\.resources\[0\]\.inputs\.secret: malformed secret value/);
  });

  it("rejects an unsupported deployment version", () => {
    const err = inputError(() =>
      parseResourceDocument(JSON.stringify({ version: 2, deployment: { resources: [] } }), "old.json"),
    );
    expect(err.message).toMatch(/^old\.json: unsupported deployment version 2/);
  });
});

describe("preview --json loader", () => {
  const preview = JSON.stringify({
    config: {},
    steps: [
      { op: "same", urn: ROOT, newState: { urn: ROOT, custom: false, type: "pulumi:pulumi:Stack" } },
      {
        op: "create",
        urn: CLUSTER,
        newState: {
          urn: CLUSTER,
          custom: true,
          type: "azure-native:containerservice:ManagedCluster",
          inputs: { kubernetesVersion: "1.30", adminPassword: "[secret]" },
          outputs: { fqdn: UNKNOWN },
          parent: ROOT,
        },
      },
      {
        op: "delete",
        urn: "urn:pulumi:prod::aks::t:m:T::gone",
        oldState: { urn: "urn:pulumi:prod::aks::t:m:T::gone" },
      },
      {
        op: "replace",
        urn: RG,
        newState: { urn: RG, custom: true, type: "azure-native:resources:ResourceGroup" },
      },
      {
        op: "create-replacement",
        urn: RG,
        newState: { urn: RG, custom: true, type: "azure-native:resources:ResourceGroup" },
      },
      {
        op: "read",
        urn: PROVIDER,
        newState: { urn: PROVIDER, custom: true, type: "pulumi:providers:azure-native" },
      },
    ],
    changeSummary: { create: 1 },
  });

  it("reads each step's newState, skipping deletes and repeated replacement steps", () => {
    const loaded = parseResourceDocument(preview, "preview.json");
    expect(loaded.kind).toBe("preview-json");
    expect(loaded.resources.map((r) => r.urn)).toEqual([ROOT, CLUSTER, RG, PROVIDER]);
  });

  it('treats "[secret]" as unknown and keeps unknown outputs unknown', () => {
    const cluster = parseResourceDocument(preview, "preview.json").resources[1];
    expect(cluster.inputs).toEqual({ kubernetesVersion: "1.30", adminPassword: UNKNOWN });
    expect(cluster.outputs).toEqual({ fqdn: UNKNOWN });
  });

  it("marks read steps as reads", () => {
    expect(parseResourceDocument(preview, "preview.json").resources[3].external).toBe(true);
  });

  it("rejects a newState without a type, naming the step", () => {
    const err = inputError(() =>
      parseResourceDocument(
        JSON.stringify({ steps: [{ op: "create", newState: { urn: RG } }] }),
        "preview.json",
      ),
    );
    expect(err.key).toBe("type");
    expect(err.message).toBe(
      'preview.json: resource #0 (steps[0].newState) is missing "type" (expected a non-empty string)',
    );
  });
});

describe("loadResourceFile", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "loaders-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, text: string): string => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it("sniffs and reads a stack export file", () => {
    const file = write("state.json", exportDoc([{ urn: RG, type: "azure-native:resources:ResourceGroup" }]));
    expect(loadResourceFile(file)).toMatchObject({ kind: "stack-export", file, resources: [{ urn: RG }] });
  });

  it("reports truncated JSON as not JSON, naming the file, without a stack trace", () => {
    const file = write("truncated.json", exportDoc([{ urn: RG, type: "t:m:T" }]).slice(0, 40));
    const err = inputError(() => loadResourceFile(file));
    expect(err.file).toBe(file);
    expect(err.message).toMatch(
      new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: not valid JSON \\(`),
    );
    expect(err.message).not.toContain("\n");
  });

  it("rejects a document of another kind", () => {
    const file = write("other.json", JSON.stringify({ resources: [] }));
    expect(() => loadResourceFile(file)).toThrow(
      `${file}: neither a \`pulumi stack export\` document (with "deployment") nor a \`pulumi preview --json\` document (with "steps")`,
    );
  });

  it("reports a missing file as an input error", () => {
    const file = path.join(dir, "absent.json");
    expect(() => loadResourceFile(file)).toThrow(`${file}: cannot read resource file: no such file`);
  });

  it("reports empty input", () => {
    const file = write("empty.json", "");
    expect(() => loadResourceFile(file)).toThrow(`${file}: empty input`);
  });
});
