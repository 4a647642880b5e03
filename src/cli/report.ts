/** Rendering analysis results: JSON for scripts (contract shape), text for people. */
import type { Diagnostic } from "../host/analyzer-client";
import type { HostResource } from "../host/types";
import { parseExemptedMarker } from "../model/exemptions";

export interface Violation {
  policy: string;
  urn: string;
  enforcementLevel: "advisory" | "mandatory";
  message: string;
  /** Type and name of the resource, from the URN (empty for stack-wide notices). */
  resourceType: string;
  resourceName: string;
}

/** A finding an exemption of the pack config dropped (reported by the pack as a marked advisory). */
export interface ExemptedFinding {
  policy: string;
  urn: string;
  /** The level the finding would have had. */
  enforcementLevel: "advisory" | "mandatory";
  reason: string;
  /** The exemption's last day, when it has one. */
  expires?: string;
  message: string;
  resourceType: string;
  resourceName: string;
}

export interface Report {
  stack: string;
  project: string;
  /** What was analysed: a file path or a program directory. */
  source: string;
  resources: number;
  violations: Violation[];
  /** Findings dropped by an exemption (not counted in the summary's levels). */
  exempted: ExemptedFinding[];
  summary: { mandatory: number; advisory: number; exempted: number };
}

const URN = /^urn:pulumi:[^:]*::[^:]*::(.*)::([^:]*)$/;

function typeAndName(urn: string): { resourceType: string; resourceName: string } {
  const m = URN.exec(urn);
  if (!m) return { resourceType: "", resourceName: "" };
  const qualified = m[1].split("$");
  return { resourceType: qualified[qualified.length - 1], resourceName: m[2] };
}

export function buildReport(
  meta: { stack: string; project: string; source: string },
  resources: readonly HostResource[],
  diagnostics: readonly Diagnostic[],
): Report {
  const violations: Violation[] = [];
  const exempted: ExemptedFinding[] = [];
  for (const d of diagnostics) {
    // Disabled rules report nothing; `remediate` is mandatory for these non-rewriting rules.
    if (d.enforcementLevel === "disabled") continue;
    const marker = d.enforcementLevel === "advisory" ? parseExemptedMarker(d.message) : undefined;
    if (marker) {
      exempted.push({
        policy: d.policyName,
        urn: d.urn,
        enforcementLevel: marker.level,
        reason: marker.reason,
        ...(marker.expires ? { expires: marker.expires } : {}),
        message: marker.message,
        ...typeAndName(d.urn),
      });
      continue;
    }
    const enforcementLevel = d.enforcementLevel === "advisory" ? "advisory" : "mandatory";
    violations.push({
      policy: d.policyName,
      urn: d.urn,
      enforcementLevel,
      message: d.message,
      ...typeAndName(d.urn),
    });
  }
  return {
    ...meta,
    resources: resources.length,
    violations,
    exempted,
    summary: {
      mandatory: violations.filter((v) => v.enforcementLevel === "mandatory").length,
      advisory: violations.filter((v) => v.enforcementLevel === "advisory").length,
      exempted: exempted.length,
    },
  };
}

export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

interface Style {
  red(s: string): string;
  yellow(s: string): string;
  bold(s: string): string;
  dim(s: string): string;
}

const PLAIN: Style = { red: (s) => s, yellow: (s) => s, bold: (s) => s, dim: (s) => s };
const ANSI: Style = {
  red: (s) => `\u001b[31m${s}\u001b[39m`,
  yellow: (s) => `\u001b[33m${s}\u001b[39m`,
  bold: (s) => `\u001b[1m${s}\u001b[22m`,
  dim: (s) => `\u001b[2m${s}\u001b[22m`,
};

/**
 * Text for a terminal or a CI log: control characters (newlines, ANSI escapes) and bidirectional overrides are
 * shown escaped. URNs, names and stack names come from the scanned file, which may be untrusted: raw, they could
 * forge lines such as a passing summary, or rewrite the terminal.
 */
// Control characters are what this pattern is for.
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

export function summaryLine(report: Report): string {
  const { mandatory, advisory, exempted } = report.summary;
  const verdict = mandatory > 0 ? "the preview would fail" : "the preview would pass";
  const exemptedPart = exempted ? `, ${exempted} exempted` : "";
  return `${mandatory} mandatory, ${advisory} advisory${exemptedPart} across ${report.resources} resources on stack "${printable(report.stack)}": ${verdict}`;
}

/** Findings grouped by resource, level and rule id on every line, a summary line last. */
export function renderText(report: Report, options: { color: boolean; quiet: boolean }): string {
  const s = options.color ? ANSI : PLAIN;
  const lines: string[] = [];
  const p = printable;
  if (!options.quiet)
    lines.push(s.bold(`aks-guardrails · ${p(report.project)}/${p(report.stack)} · ${p(report.source)}`), "");
  const groups = new Map<string, Violation[]>();
  for (const v of report.violations) {
    const list = groups.get(v.urn) ?? [];
    list.push(v);
    groups.set(v.urn, list);
  }
  for (const [urn, list] of groups) {
    const head = list[0];
    lines.push(
      urn
        ? s.bold(`${p(head.resourceType)} "${p(head.resourceName)}"`) + s.dim(`  ${p(urn)}`)
        : s.bold("stack-wide"),
    );
    const sorted = [...list].sort((a, b) =>
      a.enforcementLevel === b.enforcementLevel ? 0 : a.enforcementLevel === "mandatory" ? -1 : 1,
    );
    for (const v of sorted) {
      const level = v.enforcementLevel === "mandatory" ? s.red("mandatory") : s.yellow("advisory ");
      lines.push(`  ${level}  ${p(v.policy)}`);
      lines.push(`             ${p(v.message)}`);
    }
    lines.push("");
  }
  if (!report.violations.length && !options.quiet) lines.push("No findings.", "");
  if (report.exempted.length && !options.quiet) {
    lines.push(s.bold(`Exempted by the policy pack config (${report.exempted.length}):`));
    for (const e of report.exempted) {
      const until = e.expires ? `, until ${e.expires}` : "";
      lines.push(
        `  ${s.dim("exempted ")}  ${p(e.policy)}  ${p(e.resourceType)} "${p(e.resourceName)}"` +
          s.dim(`  ${p(e.urn)}`),
        `             reason: ${p(e.reason)}${p(until)} (would be ${e.enforcementLevel})`,
        `             ${p(e.message)}`,
      );
    }
    lines.push("");
  }
  lines.push(report.summary.mandatory ? s.red(summaryLine(report)) : summaryLine(report));
  return `${lines.join("\n")}\n`;
}
