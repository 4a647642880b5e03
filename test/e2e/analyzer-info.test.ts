/**
 * policypack/, started exactly as the Pulumi CLI starts it (run-policy-pack, the pack dir as cwd), answers
 * GetAnalyzerInfo with every registered rule, its declared level and its config schema (the rule's options
 * plus the common per-stack options), which is what the engine validates `--policy-pack-config` against.
 */
import * as path from "path";
import { AnalyzerHost } from "../../src/host/analyzer-client";
import { declaredLevel } from "../../src/model/levels";
import { rules } from "../../src/rules";

test("GetAnalyzerInfo lists every rule with its level and config schema", async () => {
  const host = await AnalyzerHost.start({
    packDir: path.join(__dirname, "..", "..", "policypack"),
    identity: { stack: "dev", project: "p", organization: "o", tags: {}, dryRun: true },
  });
  try {
    const info = host.info();
    expect(info.name).toBe("aks-guardrails");
    expect(info.supportsConfig).toBe(true);
    expect(info.policies.map((p) => p.name)).toEqual(rules.map((r) => r.id).sort());
    for (const rule of rules) {
      const policy = info.policies.find((p) => p.name === rule.id);
      expect(policy?.enforcementLevel).toBe(declaredLevel(rule.defaultLevel));
      expect(Object.keys(policy?.configSchema?.properties ?? {}).sort()).toEqual(
        ["allowStackLoosening", "exemptions", "stacks", ...Object.keys(rule.options)].sort(),
      );
    }
    // Never declared disabled: the SDK skips disabled policies, so no stacks entry could turn them on.
    expect(info.policies.find((p) => p.name === "aks-beta-kubernetes-api")?.enforcementLevel).toBe(
      "advisory",
    );
  } finally {
    await host.close();
  }
}, 60_000);
