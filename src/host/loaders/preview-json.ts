/**
 * Reads a `pulumi preview --json` document: each step's `newState` is the resource the engine would analyse
 * (use `--show-sames`, or unchanged resources are not in the document at all).
 *
 * pulumi/pulumi `pkg/backend/display/json.go` `stateForJSONOutput` replaces every secret with the string
 * "[secret]" (`MassageSecrets(..., false)`), so that string is read as an unknown value; unknown outputs are
 * already the engine's unknown sentinel. Steps without `newState` (deletes) are skipped. With
 * `--show-replacement-steps` one replacement shows as several steps of the same URN; the first is kept.
 */
import {
  InputError,
  LoadedResources,
  RawState,
  isRecord,
  resourcesFromStates,
  stackAndProject,
} from "./stack-export";

const MASKED_SECRET = "[secret]";
const REPLACEMENT_OPS = new Set([
  "replace",
  "create-replacement",
  "delete-replaced",
  "discard-replaced",
  "read-replacement",
  "import-replacement",
]);
const READ_OPS = new Set(["read", "read-replacement"]);

export function isPreviewJson(document: unknown): boolean {
  return isRecord(document) && Array.isArray(document.steps);
}

/** Parses an already JSON-decoded `pulumi preview --json` document. */
export function readPreviewJson(document: unknown, file: string): LoadedResources {
  if (!isRecord(document) || !Array.isArray(document.steps)) {
    throw new InputError(
      `${file}: not a \`pulumi preview --json\` document (no "steps" list)`,
      file,
      "steps",
    );
  }
  const states: RawState[] = [];
  const replacementUrns = new Set<string>();
  document.steps.forEach((step: unknown, index: number) => {
    if (!isRecord(step)) {
      throw new InputError(`${file}: steps[${index}] is not an object`, file);
    }
    if (step.newState === undefined || step.newState === null) {
      return;
    }
    const op = typeof step.op === "string" ? step.op : "";
    const urn = isRecord(step.newState) ? step.newState.urn : undefined;
    if (REPLACEMENT_OPS.has(op) && typeof urn === "string") {
      if (replacementUrns.has(urn)) {
        return;
      }
      replacementUrns.add(urn);
    }
    const state =
      READ_OPS.has(op) && isRecord(step.newState) ? { ...step.newState, external: true } : step.newState;
    states.push({ state, path: `steps[${index}].newState`, index });
  });
  const resources = resourcesFromStates(states, file, { maskedSecretString: MASKED_SECRET });
  return { kind: "preview-json", file, resources, ...stackAndProject(resources) };
}
