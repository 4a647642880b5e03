/**
 * Reading raw property bags safely. Resource properties arrive as plain JSON in which any value may be
 * the engine's unknown sentinel (computed during preview), of the wrong JSON type, or missing. Rules read
 * through these helpers so that none of those cases can throw, and so that "unknown" stays distinguishable
 * from "missing" (three-valued logic: pass, violation, cannot-know).
 */

/** Sentinels @pulumi/policy and the engine use for unknown values of each type. */
const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set([
  "04da6b54-80e4-46f7-96ec-b56ff0331ba9", // string (what the engine sends for every unknown)
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", // boolean
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421", // number
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2", // array
  "030794c1-ac77-496b-92df-f27374a8bd58", // asset
  "e48ece36-62e2-4504-bad9-02848725956a", // archive
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff", // object
]);

export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Marker for a value that cannot be known during preview. */
export const Unknown: unique symbol = Symbol("unknown");
export type Unknown = typeof Unknown;

export function isUnknown(value: unknown): boolean {
  return typeof value === "string" && UNKNOWN_SENTINELS.has(value);
}

export type PropertyBag = Readonly<Record<string, unknown>>;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Paths are code constants, read for every resource: split each once. Bounded, should a caller build paths. */
const PATH_KEYS = new Map<string, readonly string[]>();
const PATH_KEYS_LIMIT = 4096;

function pathKeys(path: string): readonly string[] {
  let keys = PATH_KEYS.get(path);
  if (keys === undefined) {
    if (PATH_KEYS.size >= PATH_KEYS_LIMIT) PATH_KEYS.clear();
    keys = path.split(".");
    PATH_KEYS.set(path, keys);
  }
  return keys;
}

/** Raw value at a dotted path; `Unknown` if any step is unknown; undefined if any step is missing. */
export function at(bag: unknown, path: string): unknown {
  let cur: unknown = bag;
  for (const key of pathKeys(path)) {
    if (isUnknown(cur)) return Unknown;
    if (!isRecord(cur)) return undefined;
    cur = cur[key];
  }
  return isUnknown(cur) ? Unknown : cur;
}

/**
 * A typed read: the value, `Unknown`, undefined when missing, or `Invalid` when present with the wrong JSON
 * type (rules treat that as "cannot evaluate", never as a crash).
 */
export const Invalid: unique symbol = Symbol("invalid");
export type Invalid = typeof Invalid;
export type Read<T> = T | Unknown | Invalid | undefined;

export function readString(bag: unknown, path: string): Read<string> {
  const v = at(bag, path);
  if (v === Unknown || v === undefined || v === null) return v === null ? undefined : v;
  return typeof v === "string" ? v : Invalid;
}

export function readBoolean(bag: unknown, path: string): Read<boolean> {
  const v = at(bag, path);
  if (v === Unknown || v === undefined || v === null) return v === null ? undefined : v;
  return typeof v === "boolean" ? v : Invalid;
}

export function readNumber(bag: unknown, path: string): Read<number> {
  const v = at(bag, path);
  if (v === Unknown || v === undefined || v === null) return v === null ? undefined : v;
  return typeof v === "number" && Number.isFinite(v) ? v : Invalid;
}

export function readArray(bag: unknown, path: string): Read<readonly unknown[]> {
  const v = at(bag, path);
  if (v === Unknown || v === undefined || v === null) return v === null ? undefined : v;
  return Array.isArray(v) ? v : Invalid;
}

export function readRecord(bag: unknown, path: string): Read<Readonly<Record<string, unknown>>> {
  const v = at(bag, path);
  if (v === Unknown || v === undefined || v === null) return v === null ? undefined : v;
  return isRecord(v) ? v : Invalid;
}

export function known<T>(value: Read<T>): value is T {
  return value !== undefined && value !== Unknown && value !== Invalid;
}

/** True when any value anywhere inside is unknown (bounded depth; deep garbage is treated as unknown). */
export function containsUnknown(value: unknown, depth = 0): boolean {
  if (depth > 64) return true;
  if (isUnknown(value)) return true;
  if (Array.isArray(value)) return value.some((v) => containsUnknown(v, depth + 1));
  if (isRecord(value)) return Object.values(value).some((v) => containsUnknown(v, depth + 1));
  return false;
}

/**
 * `a.localeCompare(b, undefined, { sensitivity: "accent" }) === 0`, with the collator built once: `localeCompare`
 * with options builds an ICU collator per call (~10 µs), and rules compare on every resource.
 */
const ACCENT_COLLATOR = new Intl.Collator(undefined, { sensitivity: "accent" });

export function equalsIgnoreCase(a: string, b: string): boolean {
  return ACCENT_COLLATOR.compare(a, b) === 0;
}

/**
 * Formats a value for a message only when it passes a strict shape check, so that a secret (secrets
 * reach policies as plaintext) can never leak through a "safe" field. Anything else prints as a
 * placeholder.
 */
export type SafeShape = "name" | "enum" | "k8sVersion" | "cidr" | "port" | "token" | "azureId";

const SAFE_SHAPES: Record<SafeShape, RegExp> = {
  // Azure resource names: letters, digits, . _ - ( ), no spaces; at most 80 characters.
  name: /^[A-Za-z0-9][A-Za-z0-9._()-]{0,79}$/,
  enum: /^[A-Za-z][A-Za-z0-9_-]{0,39}$/,
  k8sVersion: /^v?\d{1,3}\.\d{1,3}(?:\.\d{1,4})?$/,
  cidr: /^(?:\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?|[0-9a-fA-F:]{2,39}(?:\/\d{1,3})?|\*)$/,
  port: /^(?:\*|\d{1,5}(?:-\d{1,5})?)$/,
  // Type tokens and Kubernetes group/version strings.
  token: /^[A-Za-z0-9_.:/$-]{1,160}$/,
  azureId: /^\/subscriptions\/[A-Za-z0-9-]{1,64}(?:\/[A-Za-z0-9._()-]{1,80}){0,12}$/,
};

export function safe(value: unknown, shape: SafeShape): string {
  // Both forms: the engine's sentinel string and the `Unknown` marker the typed reads return.
  if (value === Unknown || isUnknown(value)) return "(unknown during preview)";
  if (typeof value !== "string" && typeof value !== "number") return "(not shown)";
  const text = String(value);
  return SAFE_SHAPES[shape].test(text) ? text : "(not shown)";
}
