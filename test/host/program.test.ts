import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  loadProgram,
  type LoadedProgram,
  ProgramLoadError,
  type ProgramResource,
  readStackConfig,
} from "../../src/host/loaders/program";
import { SECRET_SIG, SECRET_SIG_KEY, UNKNOWN } from "../../src/host/types";

const repoRoot = path.resolve(__dirname, "../..");
const fixture = (name: string): string => path.join(repoRoot, "test/fixtures/programs", name);

function find(program: LoadedProgram, predicate: (r: ProgramResource) => boolean): ProgramResource {
  const found = program.resources.find(predicate);
  if (found === undefined) throw new Error("resource not found");
  return found;
}
const byType = (program: LoadedProgram, type: string): ProgramResource =>
  find(program, (r) => r.type === type);
const byName = (program: LoadedProgram, name: string): ProgramResource =>
  find(program, (r) => r.name === name);
const byUrn = (program: LoadedProgram): Map<string, ProgramResource> =>
  new Map(program.resources.map((r) => [r.urn, r]));

describe("reference program (root Pulumi.yaml)", () => {
  let dev: LoadedProgram;
  let prod: LoadedProgram;
  beforeAll(async () => {
    [dev, prod] = await Promise.all([
      loadProgram({ dir: repoRoot, stack: "dev" }),
      loadProgram({ dir: repoRoot, stack: "prod" }),
    ]);
  });

  it("loads both stacks with their config; only dev registers the AKS preview feature", () => {
    expect(dev.project).toBe("aks-reference");
    expect(dev.stackConfig["azure-native:location"]).toBe("westeurope");
    expect(prod.stackConfig["azure-native:location"]).toBe("westeurope");
    expect(dev.stackConfig["aks-reference:enablePreviewFeature"]).toBe("true");
    const feature = byType(dev, "azure-native:features:SubscriptionFeatureRegistration");
    expect(feature.inputs).toMatchObject({
      providerNamespace: "Microsoft.ContainerService",
      featureName: "EntraIdSSHPreview",
    });
    expect(
      prod.resources.some((r) => r.type === "azure-native:features:SubscriptionFeatureRegistration"),
    ).toBe(false);
    for (const program of [dev, prod]) {
      const types = program.resources.map((r) => r.type);
      for (const type of [
        "pulumi:pulumi:Stack",
        "azure-native:resources:ResourceGroup",
        "azure-native:network:VirtualNetwork",
        "azure-native:network:Subnet",
        "azure-native:network:NetworkSecurityGroup",
        "azure-native:network:RouteTable",
        "azure-native:containerservice:ManagedCluster",
        "azure-native:containerservice:AgentPool",
      ]) {
        expect(types).toContain(type);
      }
    }
  });

  it("captures the cluster as written: supported version, auto-upgrade, System pool, no SSH", () => {
    const cluster = byType(prod, "azure-native:containerservice:ManagedCluster");
    expect(cluster.inputs).toMatchObject({
      kubernetesVersion: "1.35",
      autoUpgradeProfile: { upgradeChannel: "stable", nodeOSUpgradeChannel: "NodeImage" },
      nodeResourceGroupProfile: { restrictionLevel: "ReadOnly" },
      networkProfile: { outboundType: "loadBalancer" },
      location: "westeurope",
      tags: { environment: "prod", owner: "platform-team" },
    });
    expect(cluster.inputs.linuxProfile).toBeUndefined();
    const pools = cluster.inputs.agentPoolProfiles as Record<string, unknown>[];
    expect(pools[0]).toMatchObject({
      name: "system",
      mode: "System",
      osType: "Linux",
      count: 3,
      nodeTaints: ["CriticalAddonsOnly=true:NoSchedule"],
      securityProfile: { sshAccess: "Disabled" },
    });
    expect(pools[1]).toMatchObject({ mode: "User", securityProfile: { sshAccess: "Disabled" } });
    expect(byType(prod, "azure-native:containerservice:AgentPool").inputs).toMatchObject({
      mode: "User",
      securityProfile: { sshAccess: "Disabled" },
    });
  });

  it("gives engine-shaped URNs and parents the top-level resources to the root stack", () => {
    const stack = byType(dev, "pulumi:pulumi:Stack");
    expect(stack.urn).toBe("urn:pulumi:dev::aks-reference::pulumi:pulumi:Stack::aks-reference-dev");
    expect(stack.parent).toBeUndefined();
    const cluster = byType(dev, "azure-native:containerservice:ManagedCluster");
    expect(cluster.urn).toBe(
      "urn:pulumi:dev::aks-reference::azure-native:containerservice:ManagedCluster::aks",
    );
    expect(cluster.parent).toBe(stack.urn);
    for (const resource of dev.resources) {
      expect(resource.urn).toMatch(/^urn:pulumi:dev::aks-reference::[^:]+:[^:]+:[^:]+::[^:]+$/);
      expect(resource.urn).not.toContain("pulumi:pulumi:Stack$");
      expect(resource.urn.endsWith(`::${resource.name}`)).toBe(true);
    }
  });

  it("leaves ids and computed outputs unknown, as a preview does", () => {
    const cluster = byType(dev, "azure-native:containerservice:ManagedCluster");
    expect(cluster.id).toBe(UNKNOWN);
    // vnetSubnetID is the subnet's id; resourceName is the cluster's `name` output, which the provider computes.
    expect((cluster.inputs.agentPoolProfiles as Record<string, unknown>[])[0].vnetSubnetID).toBe(UNKNOWN);
    expect(byType(dev, "azure-native:containerservice:AgentPool").inputs.resourceName).toBe(UNKNOWN);
  });

  it("records property dependencies and dependencies as URNs", () => {
    const cluster = byType(dev, "azure-native:containerservice:ManagedCluster");
    const subnet = byType(dev, "azure-native:network:Subnet");
    expect(cluster.propertyDependencies.agentPoolProfiles).toContain(subnet.urn);
    expect(cluster.dependencies).toContain(subnet.urn);
    expect(byType(dev, "azure-native:containerservice:AgentPool").propertyDependencies.resourceName).toEqual([
      cluster.urn,
    ]);
  });

  it("adds the default azure-native provider the engine would create, configured from the stack", () => {
    const provider = byType(dev, "pulumi:providers:azure-native");
    expect(provider.urn).toBe("urn:pulumi:dev::aks-reference::pulumi:providers:azure-native::default_3_28_0");
    expect(provider.inputs).toEqual({ location: "westeurope", version: "3.28.0" });
    expect(dev.resources.indexOf(provider)).toBeLessThan(
      dev.resources.indexOf(byType(dev, "azure-native:resources:ResourceGroup")),
    );
    for (const resource of dev.resources.filter((r) => r.type.startsWith("azure-native:"))) {
      expect(resource.provider?.urn).toBe(provider.urn);
    }
  });
});

describe("program loader", () => {
  let basics: LoadedProgram;
  beforeAll(async () => {
    basics = await loadProgram({ dir: fixture("basics"), stack: "test" });
  });

  it("qualifies child URNs with the full parent type chain, not the root stack", () => {
    expect(byName(basics, "wrap").urn).toBe("urn:pulumi:test::basics::test:index:Wrapper::wrap");
    expect(byName(basics, "wrap-inner").urn).toBe(
      "urn:pulumi:test::basics::test:index:Wrapper$test:index:Thing::wrap-inner",
    );
    const leaf = byName(basics, "wrap-nested-leaf");
    expect(leaf.urn).toBe(
      "urn:pulumi:test::basics::test:index:Wrapper$test:index:Nested$test:index:Thing::wrap-nested-leaf",
    );
    expect(leaf.parent).toBe(byName(basics, "wrap-nested").urn);
    expect(byName(basics, "wrap").custom).toBe(false);
    expect(byName(basics, "wrap").outputs).toEqual({ innerLabel: "inner" });
  });

  it("passes a secret input as the signature object", () => {
    expect(byName(basics, "first").inputs.secret).toEqual({ [SECRET_SIG_KEY]: SECRET_SIG, value: "s3cr3t" });
  });

  it("gives the program its stack and project config as the CLI does and omits undecryptable secrets", () => {
    expect(byName(basics, "first").inputs).toMatchObject({
      greeting: "hello",
      fallback: "from-project",
      version: "1.30",
      enabled: true,
      tags: { team: "platform", tier: 1 },
      password: "absent",
    });
    expect(basics.stackConfig).toEqual({
      "basics:greeting": "hello",
      "basics:fallback": "from-project",
      "basics:version": "1.30",
      "basics:enabled": "true",
      "basics:tags": '{"team":"platform","tier":1}',
      "test:region": "north",
    });
  });

  it("flattens resource references, echoes invokes and resolves explicit and default providers", () => {
    const first = byName(basics, "first");
    const second = byName(basics, "second");
    expect(second.inputs).toMatchObject({
      ref: UNKNOWN,
      firstId: UNKNOWN,
      fromFirst: UNKNOWN,
      component: byName(basics, "wrap").urn,
      lookedUp: "q",
    });
    expect(second.propertyDependencies.ref).toEqual([first.urn]);
    expect(second.dependencies).toEqual(
      expect.arrayContaining([first.urn, byName(basics, "wrap-inner").urn]),
    );
    expect(second.provider).toEqual({
      urn: "urn:pulumi:test::basics::pulumi:providers:test::explicit",
      type: "pulumi:providers:test",
      name: "explicit",
      inputs: { region: "south" },
    });
    expect(first.provider).toEqual({
      urn: "urn:pulumi:test::basics::pulumi:providers:test::default",
      type: "pulumi:providers:test",
      name: "default",
      inputs: { region: "north" },
    });
    expect(byType(basics, "pulumi:pulumi:Stack").outputs).toEqual({ firstUrn: first.urn });
  });

  it("takes plaintext values for secure keys from the config option", async () => {
    const program = await loadProgram({
      dir: fixture("basics"),
      stack: "test",
      config: { password: "plain" },
    });
    expect(byName(program, "first").inputs.password).toBe("plain");
    expect(program.stackConfig["basics:password"]).toBe("plain");
  });

  it("explains a required secret that cannot be decrypted offline", async () => {
    await expect(
      loadProgram({ dir: fixture("basics"), stack: "test", config: { requirePassword: "true" } }),
    ).rejects.toThrow(/basics:password[\s\S]*"secure:" value in the stack file/);
  });

  it("keeps aliases identical with and without the alias fast path and the runtime patches", async () => {
    const [fast, slow, stock] = await Promise.all([
      loadProgram({ dir: fixture("aliases"), stack: "test" }),
      loadProgram({ dir: fixture("aliases"), stack: "test", aliasFastPath: false }),
      loadProgram({ dir: fixture("aliases"), stack: "test", aliasFastPath: false, runtimePatches: false }),
    ]);
    expect(byUrn(fast)).toEqual(byUrn(slow));
    expect(byUrn(fast)).toEqual(byUrn(stock));
    expect(fast.notes).toEqual([]);
    const b = byName(fast, "b");
    expect(b.aliases).toHaveLength(112);
    expect(b.aliases?.slice(0, 3)).toEqual([
      { name: "b-old", parentUrn: byType(fast, "pulumi:pulumi:Stack").urn },
      "urn:pulumi:test::aliases::azure-native:containerservice:AgentPool::b-older",
      {
        type: "azure-native:containerservice/v20190201:AgentPool",
        parentUrn: byType(fast, "pulumi:pulumi:Stack").urn,
      },
    ]);
    expect(byName(fast, "c").aliases?.[0]).toEqual({
      type: "azure-native:containerservice/v20190201:AgentPool",
      parentUrn: byName(fast, "pools").urn,
    });
  });

  it("captures output properties read before, after and never as the SDK's own code does", async () => {
    const [patched, stock] = await Promise.all([
      loadProgram({ dir: fixture("outputs"), stack: "test" }),
      loadProgram({ dir: fixture("outputs"), stack: "test", aliasFastPath: false, runtimePatches: false }),
    ]);
    expect(byUrn(patched)).toEqual(byUrn(stock));
    const vnet = byName(patched, "vnet").urn;
    const early = byName(patched, "early");
    expect(early.inputs.natGateway).toEqual({ id: UNKNOWN });
    expect(early.propertyDependencies.natGateway).toEqual([vnet]);
    const late = byName(patched, "late");
    expect(late.inputs.addressPrefix).toBe("10.0.0.0/16");
    expect(late.inputs.serviceEndpoints).toEqual([
      {
        service: {
          [SECRET_SIG_KEY]: SECRET_SIG,
          value: `${byName(patched, "rg").urn}|team-a`,
        },
      },
    ]);
    const stackOutputs = byType(patched, "pulumi:pulumi:Stack").outputs;
    expect(stackOutputs.late).toBe(late.urn);
    expect(stackOutputs.group).toMatchObject({ location: "westeurope", resourceGroupName: "rg-outputs" });
  });

  it("gives a program that computes closure code paths the npm modules the runner defers", async () => {
    const [patched, stock] = await Promise.all([
      loadProgram({ dir: fixture("closure"), stack: "test" }),
      loadProgram({ dir: fixture("closure"), stack: "test", runtimePatches: false }),
    ]);
    const outputs = byType(patched, "pulumi:pulumi:Stack").outputs;
    expect(outputs).toEqual({ codePaths: ["index.ts"] });
    expect(byType(stock, "pulumi:pulumi:Stack").outputs).toEqual(outputs);
  });

  it("runs 1,000 azure-native resources with the alias fast path", async () => {
    const program = await loadProgram({ dir: fixture("many"), stack: "test" });
    const pools = program.resources.filter((r) => r.type === "azure-native:containerservice:AgentPool");
    expect(pools).toHaveLength(1000);
    expect(pools.every((pool) => pool.aliases?.length === 110)).toBe(true);
    expect(pools[999].propertyDependencies.resourceName).toEqual([
      byType(program, "azure-native:containerservice:ManagedCluster").urn,
    ]);
  });
});

describe("program failures", () => {
  it("rejects with the program's error message and its TypeScript stack frames", async () => {
    const error = await loadProgram({ dir: fixture("failing"), stack: "test" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProgramLoadError);
    expect((error as Error).message).toContain("failed: boom: settings are invalid");
    expect((error as Error).message).toMatch(/at validateSettings \(.*failing\/index\.ts:4:9\)/);
  });

  it("rejects on an unhandled rejection", async () => {
    await expect(loadProgram({ dir: fixture("rejecting"), stack: "test" })).rejects.toThrow(
      /async boom: lookup failed[\s\S]*rejecting\/index\.ts:8/,
    );
  });

  it("rejects on a missing module", async () => {
    await expect(loadProgram({ dir: fixture("missing-module"), stack: "test" })).rejects.toThrow(
      /Cannot find module '\.\/does-not-exist'/,
    );
  });

  it("kills a program that does not finish in time", async () => {
    await expect(loadProgram({ dir: fixture("hang"), stack: "test", timeoutMs: 2000 })).rejects.toThrow(
      /did not finish within 2000 ms/,
    );
  });

  describe("project and stack files", () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "program-loader-"));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("requires a Pulumi.yaml for the nodejs runtime", async () => {
      await expect(loadProgram({ dir, stack: "dev" })).rejects.toThrow(/no Pulumi.yaml in/);
      fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: p\nruntime: python\n");
      await expect(loadProgram({ dir, stack: "dev" })).rejects.toThrow(/runtime must be "nodejs"/);
    });

    it("reads stack config in the CLI's encoding and rejects keys without a namespace", () => {
      const file = path.join(dir, "Pulumi.dev.yaml");
      fs.writeFileSync(
        file,
        [
          "config:",
          "  p:version: 1.30",
          "  p:count: 3",
          "  p:flag: true",
          "  p:empty:",
          "  p:config:key: x",
          "  p:list: [a, 1]",
          "  p:token:",
          "    secure: v1:abc",
          "  p:nested:",
          "    password:",
          "      secure: v1:def",
        ].join("\n"),
      );
      expect(readStackConfig(file)).toEqual({
        values: {
          "p:version": "1.30",
          "p:count": "3",
          "p:flag": "true",
          "p:empty": "",
          "p:key": "x",
          "p:list": '["a",1]',
        },
        secureKeys: ["p:token", "p:nested"],
        objectKeys: ["p:list"],
      });
      fs.writeFileSync(file, "config:\n  bare: 1\n");
      expect(() => readStackConfig(file)).toThrow(/config key "bare" must be of the form <namespace>:<name>/);
    });
  });
});
