/** `aks-guardrails rules`: the registry as a table or as JSON (`{"rules":[...]}`). */
import { policyConfigSchema } from "../model/config";
import type { Rule } from "../model/rule";

export function ruleSummary(rule: Rule) {
  return {
    id: rule.id,
    title: rule.title,
    area: rule.area,
    defaultLevel: rule.defaultLevel,
    defaultStacks: rule.defaultStacks ?? {},
    description: rule.description,
    source: rule.source,
    resourceTypes: rule.resourceTypes,
    configSchema: policyConfigSchema(rule),
    docs: `docs/rules/${rule.id}.md`,
  };
}

export function renderRules(rules: readonly Rule[], format: "text" | "json"): string {
  if (format === "json") return `${JSON.stringify({ rules: rules.map(ruleSummary) }, null, 2)}\n`;
  const rows = rules.map((r) => {
    const stacks = Object.entries(r.defaultStacks ?? {})
      .map(([glob, level]) => `${level} on ${glob}`)
      .join(", ");
    return [
      r.id,
      r.area,
      stacks ? `${r.defaultLevel} (${stacks})` : r.defaultLevel,
      r.source.statements.join(" "),
    ];
  });
  const header = ["RULE", "AREA", "DEFAULT LEVEL", "STATEMENTS"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join("\n")}\n\n${rules.length} rules. Index: docs/README.md; details: docs/rules/<rule>.md\n`;
}
