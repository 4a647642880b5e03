/**
 * What the NSG rules (`aks-nsg-required-egress`, `aks-nsg-intra-cluster-traffic`) share around the evaluator: each
 * NSG is compiled once per stack check, and each custom security rule that blocks traffic AKS needs is reported
 * once per severity, on the rule's own resource, with every place and flow it blocks gathered into that finding.
 */
import type { Finding } from "../model/rule";
import { Unknown } from "../model/values";
import type { NsgNode, NsgRuleView } from "./network";
import { CompiledNsg, compileNsg } from "./nsg-evaluator";

/** Each NSG's custom rules, compiled the first time they are needed; undefined while the rule list is unknown. */
export class CompiledNsgs {
  private readonly byNsg = new Map<NsgNode, CompiledNsg<NsgRuleView>>();

  of(nsg: NsgNode): CompiledNsg<NsgRuleView> | undefined {
    if (nsg.rules === Unknown) return undefined;
    let compiled = this.byNsg.get(nsg);
    if (!compiled) {
      compiled = compileNsg(nsg.rules);
      this.byNsg.set(nsg, compiled);
    }
    return compiled;
  }
}

export type HitSeverity = "mandatory" | "advisory" | "cannot-know";

/** One custom rule that blocks traffic somewhere, at one severity. */
export interface RuleHit {
  rule: NsgRuleView;
  nsg: NsgNode;
  severity: HitSeverity;
  /** Where it blocks (AKS subnets and clusters, for messages). */
  places: Set<string>;
  /** Why the finding is only advisory. */
  reasons: Set<string>;
}

/** Hits by security rule and severity; `H` adds what a rule collects per hit (flows, pairs). */
export class RuleHits<H extends RuleHit> {
  private readonly byRule = new Map<string, H>();

  /** The hit of `rule` at `severity`, created with `more` the first time. */
  of(rule: NsgRuleView, nsg: NsgNode, severity: HitSeverity, more: () => Omit<H, keyof RuleHit>): H {
    const key = `${rule.owner.urn}\u0000${rule.path}\u0000${severity}`;
    let hit = this.byRule.get(key);
    if (!hit) {
      hit = { rule, nsg, severity, places: new Set(), reasons: new Set(), ...more() } as H;
      this.byRule.set(key, hit);
    }
    return hit;
  }

  values(): IterableIterator<H> {
    return this.byRule.values();
  }
}

/**
 * The finding on the resource to change for one hit: cannot-know with `unknown`, else a violation with
 * `violation` and the reasons it is only advisory, if any.
 */
export function ruleHitFinding(
  hit: RuleHit,
  text: { unknown: string; violation: string; fix: string },
): Finding {
  const { rule } = hit;
  const subject = { type: rule.owner.type, name: rule.owner.pulumiName };
  const key = `${rule.path || "rule"}:${hit.severity}`;
  if (hit.severity === "cannot-know") {
    return { kind: "cannot-know", message: text.unknown, urn: rule.owner.urn, subject, fix: text.fix, key };
  }
  const because = hit.reasons.size ? `; advisory because ${[...hit.reasons].join(", and ")}` : "";
  return {
    kind: "violation",
    message: `${text.violation}${because}`,
    advisoryOnly: hit.severity === "advisory",
    urn: rule.owner.urn,
    subject,
    fix: text.fix,
    key,
  };
}
