import * as path from "path";
import {
  AnalysisProgress,
  AnalyzerCallError,
  AnalyzerHost,
  Diagnostic,
  PackStartError,
  defaultRootStackUrn,
  encodeStackConfig,
  runPolicyPack,
} from "../../src/host/analyzer-client";
import { reconcilePolicyPackConfig } from "../../src/host/pack-config";
import { HostResource, SECRET_SIG, SECRET_SIG_KEY, StackIdentity, UNKNOWN } from "../../src/host/types";
import { isPidAlive } from "../support/processes";

const FIXTURES = path.join(__dirname, "..", "fixtures");
const BARE_PACK = path.join(FIXTURES, "bare-pack");

const identity: StackIdentity = {
  stack: "dev",
  project: "proj",
  organization: "org",
  tags: { env: "test", team: "platform" },
  dryRun: true,
};
const stackConfig = { "proj:region": "westeurope", "proj:limits": '{"nodes":3}' };

const urn = (type: string, name: string): string => `urn:pulumi:dev::proj::${type}::${name}`;
const ROOT_URN = urn("pulumi:pulumi:Stack", "proj-dev");
const PROVIDER_URN = urn("pulumi:providers:test", "prov");
const DEP_URN = urn("test:index:Dep", "dep");

function resource(type: string, name: string, fields: Partial<HostResource> = {}): HostResource {
  return {
    urn: urn(type, name),
    type,
    name,
    custom: true,
    inputs: {},
    outputs: {},
    dependencies: [],
    propertyDependencies: {},
    ...fields,
  };
}

const provider = resource("pulumi:providers:test", "prov", {
  inputs: { region: "westeurope", __internal: "dropped" },
  outputs: { region: "westeurope" },
});
const providerRef = {
  urn: PROVIDER_URN,
  type: "pulumi:providers:test",
  name: "prov",
  inputs: provider.inputs,
};
const root = resource("pulumi:pulumi:Stack", "proj-dev", { custom: false });
const dep = resource("test:index:Dep", "dep", { parent: ROOT_URN, outputs: { id: "dep-id" } });
const echo = resource("test:index:Echo", "echo", {
  parent: ROOT_URN,
  inputs: {
    size: 3,
    nested: { list: [1, "a", null], __kept: "nested internal keys stay" },
    password: { [SECRET_SIG_KEY]: SECRET_SIG, value: "hunter2" },
    __defaults: [],
  },
  outputs: { size: 3, id: "echo-id", report: "mandatory" },
  dependencies: [DEP_URN],
  propertyDependencies: { size: [DEP_URN], empty: [] },
  provider: providerRef,
  options: { protect: true },
});
const unknownEcho = resource("test:index:Echo", "unknown-echo", { inputs: { size: UNKNOWN } });
const remediated = resource("test:index:Remediated", "fixme", { inputs: { size: 1 } });
const readOnly = resource("test:index:Echo", "read-only", {
  external: true,
  inputs: { size: 99 },
  outputs: { report: "advisory" },
});

function parseEcho(d: Diagnostic): Record<string, unknown> {
  return JSON.parse(d.message) as Record<string, unknown>;
}

describe("AnalyzerHost against the bare fixture pack", () => {
  let host: AnalyzerHost;
  let diagnostics: Diagnostic[];
  let pid: number | undefined;

  beforeAll(async () => {
    host = await AnalyzerHost.start({ packDir: BARE_PACK, identity, stackConfig });
    pid = host.pid;
    const info = host.info();
    await host.configure(reconcilePolicyPackConfig(info.policies, info.initialConfig));
    diagnostics = await host.analyzeAll([root, provider, dep, echo, unknownEcho, remediated, readOnly]);
    await host.close();
  });

  const byResource = (name: string, phase: Diagnostic["phase"], policy: string): Diagnostic[] =>
    diagnostics.filter((d) => d.urn.endsWith(`::${name}`) && d.phase === phase && d.policyName === policy);

  it("reports the pack's info the way the CLI reads it", () => {
    const info = host.info();
    expect(info.name).toBe("bare-pack");
    expect(info.version).toBe("0.0.7");
    expect(info.policies.map((p) => p.name)).toEqual([
      "add-marker",
      "echo-inputs",
      "explode",
      "flag-type",
      "stack-echo",
    ]);
    const flag = info.policies.find((p) => p.name === "flag-type");
    expect(flag?.enforcementLevel).toBe("mandatory");
    expect(flag?.configSchema?.properties.flaggedType).toEqual({
      type: "string",
      default: "test:index:Flagged",
    });
    expect(host.pluginVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("makes the engine's calls in the engine's order", () => {
    const summary = diagnostics.find((d) => d.message.startsWith("calls: "));
    const perResource = Array(6).fill("remediate,analyze").join(",");
    expect(summary?.message).toBe(
      `calls: handshake,configureStack,getAnalyzerInfo,getPluginInfo,configure,${perResource},analyzeStack`,
    );
  });

  it("sends inputs to Analyze: secrets as plaintext, internal top-level keys dropped, provider and options", () => {
    const [d] = byResource("echo", "analyze", "echo-inputs");
    expect(d.enforcementLevel).toBe("advisory");
    expect(d.policyPackName).toBe("bare-pack");
    expect(d.policyPackVersion).toBe("0.0.7");
    const echoed = parseEcho(d);
    expect(echoed.props).toEqual({
      size: 3,
      nested: { list: [1, "a", null], __kept: "nested internal keys stay" },
      password: "hunter2",
    });
    expect(echoed.parent).toBe(ROOT_URN);
    expect(echoed.protect).toBe(true);
    expect(echoed.provider).toEqual({
      urn: PROVIDER_URN,
      type: "pulumi:providers:test",
      props: { region: "westeurope" },
    });
  });

  it("starts the pack with the CLI's environment and sends the stack tags", () => {
    const echoed = parseEcho(byResource("echo", "analyze", "echo-inputs")[0]);
    expect(echoed.env).toEqual({
      PULUMI_CONFIG: JSON.stringify(stackConfig),
      PULUMI_DRY_RUN: "true",
      PULUMI_NODEJS_DRY_RUN: "true",
      PULUMI_NODEJS_ORGANIZATION: "org",
      PULUMI_NODEJS_PROJECT: "proj",
      PULUMI_NODEJS_STACK: "dev",
      PULUMI_ORGANIZATION: "org",
      PULUMI_PROJECT: "proj",
      PULUMI_STACK: "dev",
    });
    expect(echoed.tags).toEqual({ env: "test", team: "platform" });
  });

  it("delivers the unknown sentinel, which the SDK turns into an advisory can't-know diagnostic", () => {
    const [d] = byResource("unknown-echo", "analyze", "echo-inputs");
    expect(d.enforcementLevel).toBe("advisory");
    expect(d.message).toMatch(/can't run policy 'echo-inputs' .* during preview/);
  });

  it("analyzes remediated inputs", () => {
    const echoed = parseEcho(byResource("fixme", "analyze", "echo-inputs")[0]);
    expect(echoed.props).toEqual({ size: 1, marker: "added-by-remediation" });
  });

  it("never analyzes reads but includes them in AnalyzeStack", () => {
    expect(diagnostics.filter((d) => d.urn === readOnly.urn).map((d) => d.phase)).toEqual(["analyzeStack"]);
  });

  it("sends outputs, parent, dependencies and provider to AnalyzeStack, with per-diagnostic levels", () => {
    const [d] = byResource("echo", "analyzeStack", "stack-echo");
    expect(d.urn).toBe(echo.urn);
    expect(d.enforcementLevel).toBe("mandatory");
    expect(parseEcho(d)).toEqual({
      stack: "dev",
      tags: { env: "test", team: "platform" },
      name: "echo",
      outputs: { size: 3, id: "echo-id", report: "mandatory" },
      parent: ROOT_URN,
      dependencies: [DEP_URN],
      propertyDependencies: { size: [DEP_URN] },
      provider: PROVIDER_URN,
    });
    expect(byResource("read-only", "analyzeStack", "stack-echo")[0].enforcementLevel).toBe("advisory");
  });

  it("attributes a stack diagnostic without a URN to the root stack", () => {
    const summary = diagnostics.find((d) => d.message.startsWith("calls: "));
    expect(summary?.urn).toBe(defaultRootStackUrn("dev", "proj"));
    expect(summary?.phase).toBe("analyzeStack");
  });

  it("stops the pack on close", () => {
    expect(pid).toBeDefined();
    expect(isPidAlive(pid as number)).toBe(false);
  });
});

describe("runPolicyPack", () => {
  const flagged = resource("test:index:Flagged", "flagged");
  const other = resource("test:index:Other", "other");

  const run = (packConfig?: Parameters<typeof runPolicyPack>[0]["packConfig"]) =>
    runPolicyPack({ packDir: BARE_PACK, identity, resources: [flagged, other], packConfig });

  it("applies schema defaults when no config is given", async () => {
    const { diagnostics, config } = await run();
    expect(config["flag-type"]).toEqual({
      enforcementLevel: "mandatory",
      properties: { flaggedType: "test:index:Flagged" },
    });
    expect(diagnostics.filter((d) => d.policyName === "flag-type")).toEqual([
      expect.objectContaining({ urn: flagged.urn, enforcementLevel: "mandatory", phase: "analyze" }),
    ]);
  });

  it("sends the reconciled config to the pack (getConfig and levels)", async () => {
    const { diagnostics } = await run({
      "flag-type": {
        enforcementLevel: "advisory",
        properties: { flaggedType: "test:index:Other", note: "from config" },
      },
    });
    const flags = diagnostics.filter((d) => d.policyName === "flag-type");
    expect(flags).toHaveLength(1);
    expect(flags[0].urn).toBe(other.urn);
    expect(flags[0].enforcementLevel).toBe("advisory");
    expect(flags[0].message).toContain("flagged other (from config)");
  });

  it("honours `all` for every policy", async () => {
    const { diagnostics } = await run({ all: { enforcementLevel: "disabled" } });
    expect(diagnostics).toEqual([]);
  });
});

describe("AnalyzerHost errors and concurrency", () => {
  let host: AnalyzerHost;

  beforeAll(async () => {
    host = await AnalyzerHost.start({ packDir: BARE_PACK, identity });
    const info = host.info();
    await host.configure(reconcilePolicyPackConfig(info.policies, info.initialConfig));
  });

  afterAll(() => host.close());

  it("names the resource and the pack when Analyze fails", async () => {
    const boom = resource("test:index:Boom", "boom");
    const failure = host.analyzeAll([boom]);
    await expect(failure).rejects.toBeInstanceOf(AnalyzerCallError);
    await expect(failure).rejects.toMatchObject({
      method: "Analyze",
      urn: boom.urn,
      policyPack: "bare-pack@v0.0.7",
    });
    await expect(failure).rejects.toThrow(
      /bare-pack@v0\.0\.7: Analyze for urn:pulumi:dev::proj::test:index:Boom::boom failed: [\s\S]*kaboom/,
    );
  });

  it("gives the same diagnostics, in resource order, with concurrency", async () => {
    const resources = Array.from({ length: 24 }, (_, i) =>
      i % 3 === 0
        ? resource("test:index:Flagged", `r${i}`)
        : resource("test:index:Echo", `r${i}`, { inputs: { i }, outputs: { report: "advisory" } }),
    );
    const withoutCallLog = (ds: Diagnostic[]) => ds.filter((d) => !d.message.startsWith("calls: "));
    const sequential = withoutCallLog(await host.analyzeAll(resources));
    const concurrent = withoutCallLog(await host.analyzeAll(resources, { concurrency: 6 }));
    expect(sequential.length).toBe(8 + 16 + 16);
    expect(concurrent).toEqual(sequential);
  });

  it("reports progress: 0 of N, each resource once as it completes, then the stack", async () => {
    const resources = Array.from({ length: 5 }, (_, i) => resource("test:index:Echo", `p${i}`));
    const events: AnalysisProgress[] = [];
    await host.analyzeAll(resources, { concurrency: 3, onProgress: (p) => events.push({ ...p }) });
    expect(events).toEqual([
      ...[0, 1, 2, 3, 4, 5].map((done) => ({ phase: "analyze", done, total: 5 })),
      { phase: "analyzeStack", total: 5 },
    ]);
  });
});

describe("AnalyzerHost start failures", () => {
  const start = (pack: string, timeoutMs?: number) =>
    AnalyzerHost.start({ packDir: path.join(FIXTURES, pack), identity, timeoutMs });

  async function startError(pack: string, timeoutMs?: number): Promise<PackStartError> {
    try {
      await start(pack, timeoutMs);
    } catch (err) {
      if (err instanceof PackStartError) {
        return err;
      }
      throw err;
    }
    throw new Error(`${pack} started`);
  }

  it("reports a crash before the port with the stderr tail, and leaves no process", async () => {
    const err = await startError("crash-pack");
    expect(err.reason).toBe("crash");
    expect(err.message).toMatch(/exited with code \d+ before printing its port/);
    expect(err.stderrTail).toContain("crash-pack refuses to load");
    expect(isPidAlive(err.pid as number)).toBe(false);
  });

  it("reports output other than a port and kills the pack", async () => {
    const err = await startError("garbage-pack");
    expect(err.reason).toBe("garbage");
    expect(err.message).toContain('wrote an invalid port to stdout: "hello from garbage-pack"');
    expect(err.pid).toBeDefined();
    expect(isPidAlive(err.pid as number)).toBe(false);
  });

  it("times out a pack that never prints its port and kills it", async () => {
    const err = await startError("hang-pack", 1500);
    expect(err.reason).toBe("timeout");
    expect(err.message).toContain("did not print its port within 1500 ms");
    expect(isPidAlive(err.pid as number)).toBe(false);
  });

  it("times out a pack that accepts connections but never answers, and kills it", async () => {
    const err = await startError("mute-pack", 4000);
    expect(err.reason).toBe("timeout");
    expect(err.message).toContain("did not answer Handshake within 4000 ms");
    expect(isPidAlive(err.pid as number)).toBe(false);
  });

  it("refuses a directory without PulumiPolicy.yaml", async () => {
    const err = await startError("no-such-pack");
    expect(err.reason).toBe("invalid-pack");
    expect(err.message).toContain("PulumiPolicy.yaml not found");
    expect(err.pid).toBeUndefined();
  });
});

describe("encodeStackConfig", () => {
  it("keeps strings and JSON-encodes everything else, like PropertyMapToConfig", () => {
    expect(encodeStackConfig({ "p:s": "x", "p:n": 3, "p:b": true, "p:o": { a: [1] } })).toEqual({
      "p:s": "x",
      "p:n": "3",
      "p:b": "true",
      "p:o": '{"a":[1]}',
    });
  });
});
