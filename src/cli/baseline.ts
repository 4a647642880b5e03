/**
 * `aks-guardrails baseline`: turns the current findings of an existing stack into dated exemptions, so a team
 * can adopt the pack on a brownfield stack without every old finding blocking every preview, and then fix
 * them before the exemptions expire.
 */
import { isRecord } from "../model/values";
import type { Report } from "./report";

export interface BaselineResult {
  /** The pack config to write: the given one with the new exemptions appended per rule. */
  config: Record<string, unknown>;
  /** Exemptions added. */
  added: number;
  /** Rules that got at least one. */
  rules: number;
  /** Findings that cannot be exempted (stack-wide, or an internal error of a rule). */
  skipped: number;
}

const STACK_TYPE = "pulumi:pulumi:Stack";
const INTERNAL_ERROR = /^\S+: internal error while checking /;

/** Adds an exemption `{ resource: <exact URN>, reason: "baseline <today>", expires }` for every finding. */
export function baselineConfig(
  existing: Readonly<Record<string, unknown>> | undefined,
  report: Pick<Report, "violations">,
  dates: { today: string; expires: string },
): BaselineResult {
  const config: Record<string, unknown> = structuredClone({ ...(existing ?? {}) });
  let added = 0;
  let skipped = 0;
  const touched = new Set<string>();
  const seen = new Set<string>();
  for (const v of report.violations) {
    if (!v.urn || v.resourceType === STACK_TYPE || INTERNAL_ERROR.test(v.message)) {
      skipped++;
      continue;
    }
    // One exemption per rule and resource, however many findings the rule reports there.
    if (seen.has(`${v.policy}\u0000${v.urn}`)) continue;
    seen.add(`${v.policy}\u0000${v.urn}`);
    const current = config[v.policy];
    const entry: Record<string, unknown> =
      typeof current === "string" ? { enforcementLevel: current } : isRecord(current) ? current : {};
    const exemptions = Array.isArray(entry.exemptions) ? (entry.exemptions as unknown[]) : [];
    exemptions.push({ resource: v.urn, reason: `baseline ${dates.today}`, expires: dates.expires });
    added++;
    touched.add(v.policy);
    entry.exemptions = exemptions;
    config[v.policy] = entry;
  }
  return { config, added, rules: touched.size, skipped };
}

/** `YYYY-MM-DD` of a date, in UTC. */
export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The default expiry of baseline exemptions: 90 days from today. */
export const BASELINE_DAYS = 90;

export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * 86_400_000);
}
