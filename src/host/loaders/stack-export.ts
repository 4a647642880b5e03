/**
 * Reads a `pulumi stack export` document into what the engine would analyse.
 *
 * Which resources: all of them, the root `pulumi:pulumi:Stack` and `pulumi:providers:*` included. In
 * pulumi/pulumi `pkg/resource/deploy/step_generator.go` every registered resource goes through the same
 * `continueStepsFromImport` path that calls Remediate/Analyze (no provider or root-stack exception), and
 * `AnalyzeResources` sends every new state to AnalyzeStack. Left out: pending deletes (`delete: true`, old
 * states, not registered) and, for Analyze only, reads (`external: true`; the read path has no analyzer call).
 * Provider inputs are also sent with each resource they manage, as the engine does.
 *
 * Secrets (pulumi/pulumi `resource/stack/deployment.go` `DeserializePropertyValue`): a secret object carries
 * exactly one of `ciphertext` or `plaintext`; `plaintext` (from `--show-secrets`) is the JSON-encoded value.
 * Ciphertext cannot be decrypted offline, so it becomes an unknown: it can never cause a mandatory finding.
 */
import {
  HostProvider,
  HostResource,
  HostResourceOptions,
  PropertyMap,
  SECRET_SIG,
  SECRET_SIG_KEY,
  UNKNOWN,
} from "../types";

/** Malformed or unreadable input: names the file and, where there is one, the offending key. */
export class InputError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly key?: string,
  ) {
    super(message);
    this.name = "InputError";
  }
}

export type DocumentKind = "stack-export" | "preview-json";

export interface LoadedResources {
  kind: DocumentKind;
  file: string;
  resources: HostResource[];
  /** Stack and project named by the first resource URN, for defaults. */
  stack?: string;
  project?: string;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The reason of a JSON syntax error without V8's excerpt of the input (`Unexpected token 'h', ..."password":
 * hunter2"... is not valid JSON`): the input may hold plaintext secrets (a `--show-secrets` export).
 */
export function jsonSyntaxError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/,\s*(?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, "");
}

/** Parses JSON, reporting a syntax error as an {@link InputError} naming the file (no stack trace). */
export function parseJsonDocument(text: string, file: string): unknown {
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    throw new InputError(`${file}: not valid JSON (${jsonSyntaxError(err)})`, file);
  }
}

/** How a source shows secrets: state files keep the secret object, `preview --json` masks them as "[secret]". */
export interface ValueConventions {
  maskedSecretString?: string;
}

interface Location {
  file: string;
  /** e.g. `deployment.resources[3]`. */
  path: string;
}

/**
 * Deepest nesting of a property value that is analysed. The Analyzer gRPC messages are (de)serialised
 * recursively: around 2,000 levels the request can no longer be encoded, so deeper input is refused up front
 * with a message naming the property, rather than failing later as an internal error.
 */
export const MAX_PROPERTY_DEPTH = 1000;

function convertValue(
  value: unknown,
  where: Location,
  key: string,
  conventions: ValueConventions,
  depth = 0,
): unknown {
  if (conventions.maskedSecretString !== undefined && value === conventions.maskedSecretString) {
    return UNKNOWN;
  }
  if (depth > MAX_PROPERTY_DEPTH && typeof value === "object" && value !== null) {
    throw tooDeep(where, key);
  }
  if (Array.isArray(value)) {
    return value.map((v, i) => convertValue(v, where, `${key}[${i}]`, conventions, depth + 1));
  }
  if (!isRecord(value)) {
    return value;
  }
  if (value[SECRET_SIG_KEY] === SECRET_SIG) {
    return convertSecret(value, where, key, conventions, depth);
  }
  if (SECRET_SIG_KEY in value) {
    // Assets, archives and resource references keep their signature object, as in engine state.
    assertDepth(value, where, key, depth);
    return value;
  }
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, convertValue(v, where, `${key}.${k}`, conventions, depth + 1)]),
  );
}

function tooDeep(where: Location, key: string): InputError {
  const property = /^[^.[]+(?:\.[^.[]+)?/.exec(key)?.[0] ?? key;
  return new InputError(
    `${where.file}: ${where.path}.${property}: nested deeper than ${MAX_PROPERTY_DEPTH} levels, which is not analysed`,
    where.file,
    key,
  );
}

/** Refuses values nested deeper than {@link MAX_PROPERTY_DEPTH} (the recursion stops at the limit). */
function assertDepth(value: unknown, where: Location, key: string, depth: number): void {
  if (typeof value !== "object" || value === null) return;
  if (depth > MAX_PROPERTY_DEPTH) throw tooDeep(where, key);
  for (const v of Object.values(value)) assertDepth(v, where, key, depth + 1);
}

function convertSecret(
  secret: Record<string, unknown>,
  where: Location,
  key: string,
  conventions: ValueConventions,
  depth: number,
): unknown {
  const hasCiphertext = typeof secret.ciphertext === "string";
  const hasPlaintext = typeof secret.plaintext === "string";
  if (hasCiphertext === hasPlaintext) {
    throw new InputError(
      `${where.file}: ${where.path}.${key}: malformed secret value: exactly one of "ciphertext" or "plaintext" must be supplied`,
      where.file,
      key,
    );
  }
  if (hasCiphertext) {
    return UNKNOWN;
  }
  let plain: unknown;
  try {
    plain = JSON.parse(secret.plaintext as string);
  } catch {
    throw new InputError(
      `${where.file}: ${where.path}.${key}: secret "plaintext" is not a JSON-encoded value`,
      where.file,
      key,
    );
  }
  return { [SECRET_SIG_KEY]: SECRET_SIG, value: convertValue(plain, where, key, conventions, depth + 1) };
}

function propertyMap(
  raw: unknown,
  where: Location,
  field: string,
  conventions: ValueConventions,
): PropertyMap {
  if (raw === undefined || raw === null) {
    return {};
  }
  if (!isRecord(raw)) {
    throw new InputError(`${where.file}: ${where.path}.${field} must be an object`, where.file, field);
  }
  return convertValue(raw, where, field, conventions) as PropertyMap;
}

function stringList(raw: unknown, where: Location, field: string): string[] {
  if (raw === undefined || raw === null) {
    return [];
  }
  if (!Array.isArray(raw) || raw.some((v) => typeof v !== "string")) {
    throw new InputError(`${where.file}: ${where.path}.${field} must be a list of URNs`, where.file, field);
  }
  return raw as string[];
}

function optionalString(raw: unknown, where: Location, field: string): string | undefined {
  if (raw === undefined || raw === null || raw === "") {
    return undefined;
  }
  if (typeof raw !== "string") {
    throw new InputError(`${where.file}: ${where.path}.${field} must be a string`, where.file, field);
  }
  return raw;
}

/** `urn:pulumi:<stack>::<project>::<qualified type>::<name>`, every part non-empty (a name may contain `::`). */
export function isUrn(urn: string): boolean {
  const parts = urn.split("::");
  return (
    urn.startsWith("urn:pulumi:") &&
    parts.length >= 4 &&
    parts[0].length > "urn:pulumi:".length &&
    parts.slice(1).every((p) => p.length > 0)
  );
}

/** The URN's name segment; a name may itself contain `::`. */
export function urnName(urn: string): string {
  return urn.split("::").slice(3).join("::");
}

function resourceOptions(raw: Record<string, unknown>, where: Location): HostResourceOptions | undefined {
  const options: HostResourceOptions = {};
  if (typeof raw.protect === "boolean") {
    options.protect = raw.protect;
  }
  if (raw.ignoreChanges !== undefined) {
    options.ignoreChanges = stringList(raw.ignoreChanges, where, "ignoreChanges");
  }
  if (raw.additionalSecretOutputs !== undefined) {
    options.additionalSecretOutputs = stringList(
      raw.additionalSecretOutputs,
      where,
      "additionalSecretOutputs",
    );
  }
  if (raw.aliases !== undefined) {
    options.aliases = stringList(raw.aliases, where, "aliases");
  }
  if (isRecord(raw.customTimeouts)) {
    const t = raw.customTimeouts;
    const seconds = (v: unknown): number | undefined => (typeof v === "number" ? v : undefined);
    options.customTimeouts = {
      create: seconds(t.create),
      update: seconds(t.update),
      delete: seconds(t.delete),
    };
  }
  return Object.keys(options).length > 0 ? options : undefined;
}

/** One engine resource state (`apitype.ResourceV3`), the shape both documents use. */
export interface RawState {
  state: unknown;
  /** Where it sits in the document, for messages: `deployment.resources[3]`, `steps[2].newState`. */
  path: string;
  /** Resource index shown to the user. */
  index: number;
}

/**
 * Turns resource states into {@link HostResource}s: validates `urn` and `type`, converts secrets, rejects
 * duplicate URNs and resolves `provider` references (`<providerURN>::<id>`) against the same document.
 */
export function resourcesFromStates(
  states: readonly RawState[],
  file: string,
  conventions: ValueConventions,
): HostResource[] {
  const records: { where: Location; resource: HostResource; providerRef?: string }[] = [];
  const byUrn = new Map<string, HostResource>();
  for (const { state, path, index } of states) {
    const where = { file, path };
    if (!isRecord(state)) {
      throw new InputError(`${file}: resource #${index} (${path}) is not an object`, file);
    }
    for (const key of ["urn", "type"] as const) {
      const value = state[key];
      if (typeof value !== "string" || value === "") {
        const what =
          value === undefined || value === null || value === ""
            ? `is missing "${key}" (expected a non-empty string)`
            : `has "${key}" ${String(JSON.stringify(value)).slice(0, 200)}, which is not a non-empty string`;
        throw new InputError(`${file}: resource #${index} (${path}) ${what}`, file, key);
      }
    }
    const urn = state.urn as string;
    if (!isUrn(urn)) {
      throw new InputError(
        `${file}: resource #${index} (${path}) has "urn" ${JSON.stringify(urn.slice(0, 200))}, which is not a Pulumi URN ` +
          "(expected urn:pulumi:<stack>::<project>::<type>::<name>)",
        file,
        "urn",
      );
    }
    if (byUrn.has(urn)) {
      throw new InputError(`${file}: duplicate resource URN ${urn} (${path})`, file, "urn");
    }
    const resource: HostResource = {
      urn,
      type: state.type as string,
      name: urnName(urn),
      custom: state.custom === true,
      inputs: propertyMap(state.inputs, where, "inputs", conventions),
      outputs: propertyMap(state.outputs, where, "outputs", conventions),
      parent: optionalString(state.parent, where, "parent"),
      dependencies: stringList(state.dependencies, where, "dependencies"),
      propertyDependencies: propertyDependencies(state.propertyDependencies, where),
    };
    if (state.external === true) {
      resource.external = true;
    }
    const options = resourceOptions(state, where);
    if (options) {
      resource.options = options;
    }
    byUrn.set(urn, resource);
    records.push({ where, resource, providerRef: optionalString(state.provider, where, "provider") });
  }
  for (const { where, resource, providerRef } of records) {
    if (providerRef !== undefined) {
      resource.provider = resolveProvider(providerRef, byUrn, where);
    }
  }
  return records.map((r) => r.resource);
}

function propertyDependencies(raw: unknown, where: Location): Record<string, string[]> {
  if (raw === undefined || raw === null) {
    return {};
  }
  if (!isRecord(raw)) {
    throw new InputError(`${where.file}: ${where.path}.propertyDependencies must be an object`, where.file);
  }
  return Object.fromEntries(
    Object.entries(raw).map(([k, v]) => [k, stringList(v, where, `propertyDependencies.${k}`)]),
  );
}

/**
 * A provider reference is `<URN>::<ID>` (split at the last `::`, like `providers.ParseReference`). A document
 * may omit the provider's own state (`preview --json` without `--show-sames`); the resource then still names
 * its provider, with no inputs known.
 */
function resolveProvider(reference: string, byUrn: Map<string, HostResource>, where: Location): HostProvider {
  const separator = reference.lastIndexOf("::");
  const urn = separator > 0 ? reference.slice(0, separator) : "";
  if (!urn.startsWith("urn:pulumi:")) {
    throw new InputError(
      `${where.file}: ${where.path}.provider ${JSON.stringify(reference)} is not a provider reference (<URN>::<ID>)`,
      where.file,
      "provider",
    );
  }
  const state = byUrn.get(urn);
  if (state) {
    return { urn, type: state.type, name: state.name, inputs: state.inputs };
  }
  const qualifiedType = urn.split("::")[2] ?? "";
  return { urn, type: qualifiedType.split("$").pop() ?? qualifiedType, name: urnName(urn), inputs: {} };
}

export function stackAndProject(resources: readonly HostResource[]): { stack?: string; project?: string } {
  const first = resources[0]?.urn.split("::");
  if (!first || first.length < 4 || !first[0].startsWith("urn:pulumi:")) {
    return {};
  }
  return { stack: first[0].slice("urn:pulumi:".length), project: first[1] };
}

const SUPPORTED_DEPLOYMENT_VERSION = 3;

export function isStackExport(document: unknown): boolean {
  return isRecord(document) && isRecord(document.deployment);
}

/** Parses an already JSON-decoded `pulumi stack export` document. */
export function readStackExport(document: unknown, file: string): LoadedResources {
  if (!isRecord(document) || !isRecord(document.deployment)) {
    throw new InputError(
      `${file}: not a \`pulumi stack export\` document (no "deployment" object)`,
      file,
      "deployment",
    );
  }
  if (document.version !== SUPPORTED_DEPLOYMENT_VERSION) {
    throw new InputError(
      `${file}: unsupported deployment version ${JSON.stringify(document.version)} (expected ${SUPPORTED_DEPLOYMENT_VERSION}, as written by \`pulumi stack export\`)`,
      file,
      "version",
    );
  }
  const raw = document.deployment.resources;
  if (raw !== undefined && raw !== null && !Array.isArray(raw)) {
    throw new InputError(`${file}: deployment.resources must be a list`, file, "deployment.resources");
  }
  const states: RawState[] = [];
  ((raw ?? []) as unknown[]).forEach((state, index) => {
    if (isRecord(state) && state.delete === true) {
      return;
    }
    states.push({ state, path: `deployment.resources[${index}]`, index });
  });
  const resources = resourcesFromStates(states, file, {});
  return { kind: "stack-export", file, resources, ...stackAndProject(resources) };
}
