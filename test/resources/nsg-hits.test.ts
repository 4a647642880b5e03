/**
 * What the two NSG rules share around the evaluator: one hit per security rule and severity, the finding a hit
 * becomes, and each NSG compiled once. Literal fixtures, named cases.
 */
import { Unknown } from "../../src/model/values";
import type { NsgNode, NsgRuleView } from "../../src/resources/network";
import { CompiledNsgs, RuleHit, RuleHits, ruleHitFinding } from "../../src/resources/nsg-hits";

const owner = { urn: "urn:nsg", type: "azure-native:network:NetworkSecurityGroup", pulumiName: "aks-nsg" };
const rule = { owner, path: "securityRules[0]", name: "deny-all", priority: 4096 } as unknown as NsgRuleView;
const nsg = { kind: "nsg", ...owner, name: "aks-nsg", rules: [rule], subnets: [] } as unknown as NsgNode;

interface Hit extends RuleHit {
  flows: string[];
}

describe("RuleHits", () => {
  it("keeps one hit per security rule and severity, created once", () => {
    const hits = new RuleHits<Hit>();
    const first = hits.of(rule, nsg, "mandatory", () => ({ flows: [] }));
    first.flows.push("E1");
    const again = hits.of(rule, nsg, "mandatory", () => ({ flows: ["never"] }));
    const advisory = hits.of(rule, nsg, "advisory", () => ({ flows: [] }));
    expect(again).toBe(first);
    expect(again.flows).toEqual(["E1"]);
    expect(advisory).not.toBe(first);
    expect([...hits.values()].map((h) => h.severity)).toEqual(["mandatory", "advisory"]);
  });
});

describe("ruleHitFinding", () => {
  const text = { unknown: "whether X blocks Y", violation: "X blocks Y (docs)", fix: "allow Y" };
  const hit = (severity: RuleHit["severity"], reasons: string[] = []): RuleHit => ({
    rule,
    nsg,
    severity,
    places: new Set(["subnet a"]),
    reasons: new Set(reasons),
  });

  it("is a mandatory violation on the rule's resource", () => {
    expect(ruleHitFinding(hit("mandatory"), text)).toEqual({
      kind: "violation",
      message: "X blocks Y (docs)",
      advisoryOnly: false,
      urn: "urn:nsg",
      subject: { type: owner.type, name: "aks-nsg" },
      fix: "allow Y",
      key: "securityRules[0]:mandatory",
    });
  });

  it("says why an advisory hit is only advisory", () => {
    const finding = ruleHitFinding(hit("advisory", ["one", "two"]), text);
    expect(finding).toMatchObject({ advisoryOnly: true, key: "securityRules[0]:advisory" });
    expect(finding.message).toBe("X blocks Y (docs); advisory because one, and two");
  });

  it("is a cannot-know with the unknown wording", () => {
    expect(ruleHitFinding(hit("cannot-know"), text)).toMatchObject({
      kind: "cannot-know",
      message: "whether X blocks Y",
      key: "securityRules[0]:cannot-know",
    });
  });
});

describe("CompiledNsgs", () => {
  it("compiles an NSG once and nothing while its rule list is unknown", () => {
    const compiled = new CompiledNsgs();
    expect(compiled.of(nsg)).toBe(compiled.of(nsg));
    expect(compiled.of({ ...nsg, rules: Unknown } as NsgNode)).toBeUndefined();
  });
});
