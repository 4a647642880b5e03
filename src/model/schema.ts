/**
 * The JSON Schema subset rule options use. It is what Pulumi forwards to the engine as a policy's
 * `configSchema` (the engine validates pack config files against it), and the pack validates the same
 * schema itself so that a library user, the CLI and the engine agree on what is valid.
 */

export type JsonSchema =
  | {
      type: "string";
      enum?: readonly string[];
      pattern?: string;
      /**
       * `regex`: the value must compile as a JavaScript regular expression. `entry-regex`: an entry
       * `<a>/<b>//<regex>/` whose last part is a `/regex/` must have a regex that compiles.
       */
      format?: "regex" | "entry-regex";
      default?: string;
      description?: string;
    }
  | { enum: readonly string[]; default?: string; description?: string }
  | { type: "boolean"; default?: boolean; description?: string }
  | { type: "integer" | "number"; minimum?: number; maximum?: number; default?: number; description?: string }
  | { type: readonly ["integer", "null"]; minimum?: number; default?: number | null; description?: string }
  | { type: "array"; items: JsonSchema; default?: readonly unknown[]; description?: string }
  | ObjectSchema;

export interface ObjectSchema {
  type: "object";
  properties?: Readonly<Record<string, JsonSchema>>;
  additionalProperties?: boolean | JsonSchema;
  required?: readonly string[];
  default?: Readonly<Record<string, unknown>>;
  description?: string;
}

function describe(schema: JsonSchema): string {
  if ("enum" in schema && schema.enum)
    return `one of ${schema.enum.map((e) => JSON.stringify(e)).join(", ")}`;
  if (!("type" in schema)) return "a value";
  if (Array.isArray(schema.type)) return "an integer or null";
  switch (schema.type) {
    case "string":
      return "pattern" in schema && schema.pattern ? `a string matching /${schema.pattern}/` : "a string";
    case "boolean":
      return "true or false";
    case "integer":
    case "number": {
      const min = "minimum" in schema && schema.minimum !== undefined ? ` ≥ ${schema.minimum}` : "";
      const max = "maximum" in schema && schema.maximum !== undefined ? ` ≤ ${schema.maximum}` : "";
      return `${schema.type === "integer" ? "an integer" : "a number"}${min}${max}`;
    }
    case "array":
      return `an array of ${describe((schema as { items: JsonSchema }).items)}`;
    case "object":
      return "an object";
  }
  return "a value";
}

/** Validates `value` against `schema`; returns error messages with their JSON paths (empty when valid). */
export function validate(schema: JsonSchema, value: unknown, path: string): string[] {
  const errors: string[] = [];
  const fail = () => errors.push(`${path}: expected ${describe(schema)}, got ${preview(value)}`);
  if ("enum" in schema && schema.enum && !("type" in schema && schema.type !== "string")) {
    if (typeof value !== "string" || !schema.enum.includes(value)) fail();
    return errors;
  }
  if (!("type" in schema)) return errors;
  if (Array.isArray(schema.type)) {
    if (value === null) return errors;
    if (typeof value !== "number" || !Number.isInteger(value)) fail();
    else if ("minimum" in schema && schema.minimum !== undefined && value < schema.minimum) fail();
    return errors;
  }
  switch (schema.type) {
    case "string":
      if (typeof value !== "string") fail();
      else if ("pattern" in schema && schema.pattern && !new RegExp(schema.pattern).test(value)) fail();
      else if ("format" in schema && schema.format === "regex") {
        try {
          new RegExp(value, "i");
        } catch (e) {
          errors.push(`${path}: invalid regular expression (${(e as Error).message})`);
        }
      } else if ("format" in schema && schema.format === "entry-regex") {
        const embedded = /^[^/]*\/[^/]*\/\/(.+)\/$/.exec(value)?.[1];
        try {
          if (embedded !== undefined) new RegExp(embedded);
        } catch (e) {
          errors.push(`${path}: invalid regular expression /${embedded}/ (${(e as Error).message})`);
        }
      }
      break;
    case "boolean":
      if (typeof value !== "boolean") fail();
      break;
    case "integer":
    case "number": {
      const s = schema as { minimum?: number; maximum?: number };
      if (typeof value !== "number" || !Number.isFinite(value)) fail();
      else if (schema.type === "integer" && !Number.isInteger(value)) fail();
      else if (s.minimum !== undefined && value < s.minimum) fail();
      else if (s.maximum !== undefined && value > s.maximum) fail();
      break;
    }
    case "array": {
      if (!Array.isArray(value)) {
        fail();
        break;
      }
      const items = (schema as { items: JsonSchema }).items;
      value.forEach((v, i) => errors.push(...validate(items, v, `${path}[${i}]`)));
      break;
    }
    case "object": {
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        fail();
        break;
      }
      const obj = schema as ObjectSchema;
      const record = value as Record<string, unknown>;
      for (const req of obj.required ?? []) {
        if (!(req in record)) errors.push(`${path}: missing required key "${req}"`);
      }
      for (const [k, v] of Object.entries(record)) {
        const prop = obj.properties?.[k];
        if (prop) errors.push(...validate(prop, v, `${path}.${k}`));
        else if (obj.additionalProperties === false) {
          const allowed = Object.keys(obj.properties ?? {});
          errors.push(
            `${path}: unknown key "${k}"; allowed keys: ${allowed.length ? allowed.join(", ") : "(none)"}`,
          );
        } else if (typeof obj.additionalProperties === "object") {
          errors.push(...validate(obj.additionalProperties, v, `${path}.${k}`));
        }
      }
    }
  }
  return errors;
}

function preview(value: unknown): string {
  if (value === undefined) return "nothing";
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Default values of an object schema's properties (what the engine fills in before Configure). */
export function schemaDefaults(schema: ObjectSchema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, prop] of Object.entries(schema.properties ?? {})) {
    if (prop.default !== undefined) out[k] = structuredClone(prop.default);
  }
  return out;
}
