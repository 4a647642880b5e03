/**
 * Exemptions at run time: which active exemption (if any) covers a finding, and the marker with which the
 * pack tells its host that a finding was exempted.
 *
 * The pack runs in another process than the `aks-guardrails` command, so when the host sets
 * {@link REPORT_EXEMPTED_ENV} (the Pulumi CLI never does), an exempted finding is not dropped but sent as an
 * advisory diagnostic whose message starts with {@link exemptedMarker}; the command's report moves it out of
 * the findings into the exempted list. Without the variable the finding is dropped, so `pulumi preview`
 * neither blocks on it nor shows it.
 */
import { Exemption, exemptionExpired } from "./config";
import { StackContext, globMatches, matchStacks } from "./levels";

export const REPORT_EXEMPTED_ENV = "AKS_GUARDRAILS_REPORT_EXEMPTED";

/** The Pulumi name of a resource: the last `::` segment of its URN. */
export function urnName(urn: string): string {
  const i = urn.lastIndexOf("::");
  return i >= 0 ? urn.slice(i + 2) : urn;
}

/** Whether the exemption applies on this stack (no `stacks` glob: every stack). */
export function exemptionCoversStack(exemption: Pick<Exemption, "stacks">, stack: StackContext): boolean {
  return (
    exemption.stacks === undefined || matchStacks({ [exemption.stacks]: "mandatory" }, stack) !== undefined
  );
}

/** Whether the exemption's resource glob matches the URN or the name, and its stack glob the stack. */
export function exemptionMatches(exemption: Exemption, urn: string, stack: StackContext): boolean {
  if (!urn) return false; // stack-wide notices are not exemptible
  if (!globMatches(exemption.resource, urn) && !globMatches(exemption.resource, urnName(urn))) return false;
  return (
    exemption.stacks === undefined || matchStacks({ [exemption.stacks]: "mandatory" }, stack) !== undefined
  );
}

/** The first exemption that matches and has not expired at `now`. */
export function activeExemption(
  exemptions: readonly Exemption[] | undefined,
  urn: string,
  stack: StackContext,
  now: Date,
): Exemption | undefined {
  return exemptions?.find((e) => !exemptionExpired(e, now) && exemptionMatches(e, urn, stack));
}

export interface ExemptedMarker {
  /** The level the finding would have had. */
  level: "advisory" | "mandatory";
  reason: string;
  expires?: string;
}

const MARKER = /^\[exempted (advisory|mandatory): ("(?:[^"\\]|\\.)*")(?: until (\d{4}-\d{2}-\d{2}))?\] /;

/** `[exempted mandatory: "<reason as a JSON string>" until 2025-12-31] ` — prefixed to the finding's message. */
export function exemptedMarker(marker: ExemptedMarker): string {
  const until = marker.expires ? ` until ${marker.expires}` : "";
  return `[exempted ${marker.level}: ${JSON.stringify(marker.reason)}${until}] `;
}

/** Splits a marked message into the marker and the finding's own message; undefined when unmarked. */
export function parseExemptedMarker(message: string): (ExemptedMarker & { message: string }) | undefined {
  const m = MARKER.exec(message);
  if (!m) return undefined;
  let reason: string;
  try {
    reason = JSON.parse(m[2]) as string;
  } catch {
    return undefined;
  }
  return {
    level: m[1] as ExemptedMarker["level"],
    reason,
    ...(m[3] ? { expires: m[3] } : {}),
    message: message.slice(m[0].length),
  };
}
