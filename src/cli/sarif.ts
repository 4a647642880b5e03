/**
 * SARIF 2.1.0 output (`--format sarif`), for GitHub code scanning and Azure DevOps: one reporting
 * descriptor per policy with its help text, one result per finding (mandatory → error, advisory →
 * warning), the resource URN and name as logical locations, and the analysed file or program as the
 * physical location (code scanning needs one to display a result).
 */
import { createHash } from "crypto";
import * as path from "path";
import { pathToFileURL } from "url";
import type { Rule } from "../model/rule";
import type { Report, Violation } from "./report";

const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

export interface SarifOptions {
  /** Tool version (the package version). */
  version: string;
  /** The `docs/` directory: its `README.md` (the rule index) is the tool's information URI, `rules/<id>.md` each rule's help URI. */
  docsDir: string;
  /** Base for relative artifact paths (the working directory). */
  cwd: string;
}

function level(defaultLevel: Rule["defaultLevel"]): "error" | "warning" | "none" {
  return defaultLevel === "mandatory" ? "error" : defaultLevel === "advisory" ? "warning" : "none";
}

function ruleDescriptor(rule: Rule, docsDir: string) {
  const sections = rule.source.sections.map((s) => `§${s}`).join(", ");
  const citation = `AKS support policy ${sections} (${rule.source.statements.join(", ")})`;
  return {
    id: rule.id,
    name: rule.id
      .split("-")
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join(""),
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.description },
    helpUri: pathToFileURL(path.join(docsDir, "rules", `${rule.id}.md`)).href,
    help: {
      text: `${rule.description} ${citation}. Fix: ${rule.fix}.`,
      markdown: `**${rule.title}**\n\n${rule.docs.why}\n\n${citation}.\n\n**Fix:** ${rule.fix}.`,
    },
    defaultConfiguration: { level: level(rule.defaultLevel) },
    properties: {
      tags: ["aks", "pulumi", rule.area],
      area: rule.area,
      supportPolicySections: rule.source.sections,
      supportPolicyStatements: rule.source.statements,
      defaultStacks: rule.defaultStacks ?? {},
    },
  };
}

/** A SARIF URI for the analysed source, relative to `cwd` when inside it (portable across checkouts). */
function artifactUri(source: string, cwd: string): string {
  const absolute = path.resolve(cwd, source);
  const relative = path.relative(cwd, absolute);
  if (relative && !relative.startsWith("..") && !path.isAbsolute(relative))
    return relative.split(path.sep).join("/");
  return pathToFileURL(absolute).href;
}

export function renderSarif(report: Report, rules: readonly Rule[], options: SarifOptions): string {
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const uri = artifactUri(report.source, options.cwd);
  const result = (
    v: Pick<Violation, "policy" | "urn" | "enforcementLevel" | "message" | "resourceName">,
    suppression?: { reason: string; expires?: string },
  ) => ({
    ruleId: v.policy,
    ...(index.has(v.policy) ? { ruleIndex: index.get(v.policy) } : {}),
    level: v.enforcementLevel === "mandatory" ? "error" : "warning",
    message: { text: v.message },
    locations: [
      {
        physicalLocation: { artifactLocation: { uri } },
        logicalLocations: v.urn
          ? [{ name: v.resourceName, fullyQualifiedName: v.urn, kind: "resource" }]
          : [{ name: report.stack, kind: "module" }],
      },
    ],
    // Stable across runs for the same finding, so code scanning tracks it instead of re-opening it.
    partialFingerprints: {
      "aksGuardrails/v1": createHash("sha256")
        .update(`${v.policy}\0${v.urn}\0${v.message}`)
        .digest("hex")
        .slice(0, 32),
    },
    // An exemption in the policy pack config: code scanning shows the result as dismissed, with the reason.
    ...(suppression
      ? {
          suppressions: [
            {
              kind: "external",
              status: "accepted",
              justification: suppression.reason,
              ...(suppression.expires ? { properties: { expires: suppression.expires } } : {}),
            },
          ],
        }
      : {}),
    properties: { enforcementLevel: v.enforcementLevel, stack: report.stack, project: report.project },
  });
  const results = [
    ...report.violations.map((v) => result(v)),
    ...report.exempted.map((e) => result(e, { reason: e.reason, expires: e.expires })),
  ];
  const log = {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "aks-guardrails",
            version: options.version,
            semanticVersion: options.version,
            informationUri: pathToFileURL(path.join(options.docsDir, "README.md")).href,
            rules: rules.map((r) => ruleDescriptor(r, options.docsDir)),
          },
        },
        automationDetails: { id: `aks-guardrails/${report.project}/${report.stack}/` },
        artifacts: [{ location: { uri } }],
        results,
        properties: {
          stack: report.stack,
          project: report.project,
          resources: report.resources,
          summary: report.summary,
        },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
