/**
 * The rule registry: every rule the pack serves, sorted by id. Explicit on purpose (no directory
 * scanning, no registration side effects); the conventions test checks it against `src/rules/*.ts`,
 * the tests, the docs and `rule-ids.md`.
 */
import type { Rule } from "../model/rule";
import previewFeatureRegistration from "./aks-preview-feature-registration";
import vmssDirectModification from "./aks-vmss-direct-modification";

export const rules: readonly Rule[] = Object.freeze([previewFeatureRegistration, vmssDirectModification]);

export function ruleById(id: string): Rule | undefined {
  return rules.find((r) => r.id === id);
}
