/**
 * Failure containment and host robustness through the process boundary: real pack processes (the served pack,
 * and test/fixtures/faulty-pack — the same pack plus rules that throw or exit) driven over the Analyzer gRPC
 * protocol by AnalyzerHost, as the Pulumi engine drives them. Start-up failures (crash, garbage or a hang before
 * the port, a pack that never answers) are covered in test/host/analyzer-client.test.ts.
 */
import * as path from "path";
import { AnalyzerCallError, AnalyzerHost, Diagnostic, runPolicyPack } from "../../src/host/analyzer-client";
import { reconcilePolicyPackConfig } from "../../src/host/pack-config";
import type { HostResource, StackIdentity } from "../../src/host/types";
import { childPids, isPidAlive, vmRssKb } from "../support/processes";
import { PLANTED_SECRET, worldAsHostResources } from "../support/seeds";

const ROOT = path.join(__dirname, "..", "..");
const PACK_DIR = path.join(ROOT, "policypack");
const FAULTY_PACK = path.join(ROOT, "test", "fixtures", "faulty-pack");
const identity: StackIdentity = { stack: "dev", project: "p", organization: "o", tags: {}, dryRun: true };

async function startConfigured(packDir: string, stack = identity): Promise<AnalyzerHost> {
  const host = await AnalyzerHost.start({ packDir, identity: stack });
  const info = host.info();
  await host.configure(reconcilePolicyPackConfig(info.policies, info.initialConfig));
  return host;
}

const resource = (type: string, name: string, inputs: Record<string, unknown> = {}): HostResource => ({
  urn: `urn:pulumi:dev::p::${type}::${name}`,
  type,
  name,
  custom: true,
  inputs,
  outputs: inputs,
  dependencies: [],
  propertyDependencies: {},
});

/** A scale-set extension in a node resource group (a mandatory finding), carrying a secret. */
const extension = (name: string) =>
  resource("azure-native:compute:VirtualMachineScaleSetExtension", name, {
    resourceGroupName: "MC_rg_aks1_westeurope",
    vmScaleSetName: "aks-sys-12345678-vmss",
    protectedSettings: { password: PLANTED_SECRET },
  });

/**
 * What must not depend on order or concurrency: the verdicts, (rule, resource, level) of every finding. The
 * wording may: at Analyze a pool's cluster may not be known yet ("pool user2" rather than "pool user2 of cluster
 * aks1"), and the stack phase then reports the finding, from outputs, in its own words.
 */
const findings = (ds: readonly Diagnostic[]) =>
  [...new Set(ds.map((d) => `${d.policyName} | ${d.urn} | ${d.enforcementLevel}`))].sort();

afterAll(() => {
  // Every pack this file started was stopped (or died and was reaped).
  expect(childPids().filter((pid) => isPidAlive(pid))).toEqual([]);
});

describe("a rule that throws is contained", () => {
  let host: AnalyzerHost;
  let first: Diagnostic[];

  beforeAll(async () => {
    host = await startConfigured(FAULTY_PACK);
    first = await host.analyzeAll([
      extension("ext1"),
      resource("test:index:Deep", "deep"),
      resource("test:index:Odd", "odd", { token: PLANTED_SECRET }),
    ]);
  });
  afterAll(() => host.close());

  const internal = (ds: Diagnostic[]) => ds.filter((d) => d.policyName === "aks-test-explodes");

  it("yields one advisory per resource naming the rule and the resource, and one for the stack", () => {
    const errors = internal(first).map((d) => [d.phase, d.urn.split("::").pop(), d.enforcementLevel]);
    expect(errors).toEqual([
      ["analyze", "ext1", "advisory"],
      ["analyze", "deep", "advisory"],
      ["analyze", "odd", "advisory"],
      ["analyzeStack", "p-dev", "advisory"],
    ]);
    const [ext, deep, odd, stack] = internal(first).map((d) => d.message);
    expect(ext).toContain(
      'aks-test-explodes: internal error while checking azure-native:compute:VirtualMachineScaleSetExtension "ext1" (Error',
    );
    expect(deep).toContain('internal error while checking test:index:Deep "deep" (RangeError');
    expect(odd).toContain('internal error while checking test:index:Odd "odd" (string)');
    expect(stack).toContain("aks-test-explodes: internal error while checking the stack (TypeError");
    for (const d of first) expect(d.message).not.toContain("hunter2");
  });

  it("lets every other rule report", () => {
    expect(
      first
        .filter((d) => d.policyName === "aks-vmss-direct-modification")
        .map((d) => [d.phase, d.enforcementLevel]),
    ).toEqual([["analyze", "mandatory"]]);
  });

  it("keeps the pack process serving further Analyze and AnalyzeStack calls", async () => {
    expect(isPidAlive(host.pid)).toBe(true);
    const again = await host.analyzeAll([extension("ext2"), resource("test:index:Odd", "odd2")]);
    expect(internal(again).map((d) => [d.phase, d.urn.split("::").pop()])).toEqual([
      ["analyze", "ext2"],
      ["analyze", "odd2"],
      ["analyzeStack", "p-dev"],
    ]);
    expect(again.filter((d) => d.policyName === "aks-vmss-direct-modification")).toHaveLength(1);
    expect(isPidAlive(host.pid)).toBe(true);
  });
});

describe("a pack that dies in the middle of an analysis", () => {
  it("fails the call naming the method, the resource and the exit, and leaves no process", async () => {
    const host = await startConfigured(FAULTY_PACK);
    const pid = host.pid;
    const crash = resource("test:index:Crash", "crash");
    const failure = host.analyzeAll([extension("before"), crash, extension("after")]);
    await expect(failure).rejects.toBeInstanceOf(AnalyzerCallError);
    await expect(failure).rejects.toMatchObject({ method: "Analyze", urn: crash.urn });
    await expect(failure).rejects.toThrow(
      /Analyze for .*::crash failed: .*\(the pack process exited with code 70\)/s,
    );
    await host.close();
    expect(isPidAlive(pid)).toBe(false);
  });

  it("runPolicyPack rejects (no partial result) and stops the pack", async () => {
    const before = childPids();
    await expect(
      runPolicyPack({ packDir: FAULTY_PACK, identity, resources: [resource("test:index:Crash", "c")] }),
    ).rejects.toBeInstanceOf(AnalyzerCallError);
    expect(childPids().filter((pid) => !before.includes(pid) && isPidAlive(pid))).toEqual([]);
  });

  it("runPolicyPack stops the pack when Configure fails too", async () => {
    const before = childPids();
    await expect(
      runPolicyPack({
        packDir: PACK_DIR,
        identity,
        packConfig: { "aks-vmss-direct-modification": { properties: { stacks: { "prod[": "mandatory" } } } },
        resources: [extension("x")],
      }),
    ).rejects.toMatchObject({ method: "Configure" });
    expect(childPids().filter((pid) => !before.includes(pid) && isPidAlive(pid))).toEqual([]);
  });
});

describe("results do not depend on concurrency or resource order", () => {
  // The seed world as a stack: every rule reports on it, through cross-resource joins (clusters, pools,
  // subnets, NSGs, route tables, firewalls, node resource groups), in both phases.
  const world = worldAsHostResources("prod");
  const run = async (resources: readonly HostResource[], concurrency: number) =>
    findings(
      (
        await runPolicyPack({
          packDir: PACK_DIR,
          identity: { ...identity, stack: "prod" },
          resources,
          concurrency,
        })
      ).diagnostics,
    );
  let sequential: string[];

  beforeAll(async () => {
    sequential = await run(world, 1);
  });

  it("reports findings of many rules on the world (a meaningful baseline)", () => {
    const rules = (level: string) =>
      new Set(sequential.filter((f) => f.endsWith(level)).map((f) => f.split(" | ")[0])).size;
    expect(rules("| mandatory")).toBeGreaterThanOrEqual(10);
    expect(rules("| advisory")).toBeGreaterThanOrEqual(8);
  });

  it("concurrent Analyze calls (8 in flight) give the same findings as sequential ones", async () => {
    expect(await run(world, 8)).toEqual(sequential);
  });

  it.each([1, 2, 3, 4])(
    "a shuffled order (%i) gives the same union of Analyze and AnalyzeStack findings",
    async (seed) => {
      // A seeded Fisher-Yates shuffle (mulberry32), so that a failure is reproducible.
      let state = seed * 0x9e3779b9;
      const random = () => {
        state = (state + 0x6d2b79f5) | 0;
        let t = Math.imul(state ^ (state >>> 15), 1 | state);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
      const shuffled = [...world];
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
      }
      expect(await run(shuffled, seed % 2 ? 1 : 4)).toEqual(sequential);
    },
  );
});

describe("memory over 10,000 Analyze calls to one pack process", () => {
  /**
   * By design the runtime keeps every distinct resource's Analyze inputs for the stack checks (`inputsOf`), the
   * clusters it saw, and the keys of reported findings (de-duplication across phases): live memory grows with the
   * number of distinct resources in a run (measured ≈ 2.5 KB per resource of the seed world), not with the number
   * of calls. So the 10,000 calls are split: 5,000 repeat the same ~90 resources (same URNs: nothing new to keep)
   * and 5,000 are distinct resources (kept by design).
   *
   * The pack runs with its old space capped at 128 MB (production does not): without a cap V8 lets garbage pile up
   * and VmRSS swings between ~170 and ~320 MB whatever the load, which hides a leak; with it, VmRSS follows live
   * memory, and a leak per call would end the pack with "heap out of memory", failing the test.
   */
  const HEAP_CAP_MB = 128;
  const REPEATED_BOUND_MB = 50;
  const BOUND_MB = 150;

  it(`grows the pack's resident memory by at most ${REPEATED_BOUND_MB} MB for repeated and ${BOUND_MB} MB in all`, async () => {
    const saved = process.env.NODE_OPTIONS;
    process.env.NODE_OPTIONS = `${saved ?? ""} --max-old-space-size=${HEAP_CAP_MB}`.trim();
    let host: AnalyzerHost;
    try {
      host = await startConfigured(PACK_DIR, { ...identity, stack: "prod" });
    } finally {
      if (saved === undefined) delete process.env.NODE_OPTIONS;
      else process.env.NODE_OPTIONS = saved;
    }
    try {
      const pid = host.pid!;
      const batch = (i: number) =>
        worldAsHostResources("prod", `-${i}`).filter((r) => !r.type.startsWith("pulumi:providers:"));
      const analyze = async (next: (round: number) => HostResource[], calls: number) => {
        let done = 0;
        for (let round = 1; done < calls; round++) {
          const resources = next(round);
          await host.analyzeAll(resources, { concurrency: 8 });
          done += resources.length;
        }
        return done;
      };
      // Warm up (code compiled, caches filled) on the resources the first phase repeats.
      const same = batch(0);
      await host.analyzeAll(same, { concurrency: 8 });
      const start = vmRssKb(pid);
      const repeated = await analyze(() => same, 5_000);
      const afterRepeated = vmRssKb(pid);
      const distinct = await analyze(batch, 5_000);
      const end = vmRssKb(pid);
      const mb = (kb: number) => (kb / 1024).toFixed(1);
      process.stdout.write(
        `pack VmRSS (old space capped at ${HEAP_CAP_MB} MB): ${mb(start)} MB; after ${repeated} repeated ` +
          `Analyze calls ${mb(afterRepeated)} MB (+${mb(afterRepeated - start)}); after ${distinct} more on ` +
          `distinct resources ${mb(end)} MB (+${mb(end - start)} in all)\n`,
      );
      expect((afterRepeated - start) / 1024).toBeLessThanOrEqual(REPEATED_BOUND_MB);
      expect((end - start) / 1024).toBeLessThanOrEqual(BOUND_MB);
      expect(isPidAlive(pid)).toBe(true);
    } finally {
      await host.close();
    }
  }, 180_000);
});
