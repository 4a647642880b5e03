/**
 * Runs a real Pulumi Node.js program offline (the real `@pulumi/pulumi` runtime under mocks, preview mode) and
 * returns the resources the engine would hand to a policy pack. The program runs in a child process
 * (program-runner.ts) because mocks and module state are process-global.
 *
 * Configuration reaches the program as the CLI's language host passes it: `PULUMI_CONFIG` is a JSON object of
 * strings keyed `<namespace>:config:<name>` (the SDK's runtime/config.js strips `:config:`), scalars as their YAML
 * text, objects and arrays JSON-encoded.
 *
 * Secrets: a `secure:` value cannot be decrypted offline. It is left out of the program's configuration (so
 * `config.get` returns undefined and `config.require` fails with a message that says why), and default
 * providers see it as an unknown value. A plaintext value for such a key can be supplied through `config`.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { type HostResource, type PropertyMap, SECRET_SIG, SECRET_SIG_KEY, UNKNOWN } from "../types";
import type { DroppedAliasSet, RunnerReply, RunnerRequest, WireResource } from "./program-runner";

/** An alias as the SDK puts it on the wire: an alias URN, or the fields of an alias spec that were set. */
export type HostAlias =
  | string
  | { name?: string; type?: string; stack?: string; project?: string; parentUrn?: string; noParent?: true };

/** A resource captured from a program: {@link HostResource} plus what only a program run knows. */
export interface ProgramResource extends HostResource {
  /** Physical id: the import id, or {@link UNKNOWN} (new resources have no id during preview). */
  id?: string;
  /** The aliases the SDK sent with the registration, in order (pure version aliases included). */
  aliases?: HostAlias[];
}

export interface LoadProgramOptions {
  /** Project directory: the one holding Pulumi.yaml. */
  dir: string;
  stack: string;
  /** Overrides Pulumi.yaml `name`. */
  project?: string;
  /** Default `organization` (what a local backend reports). */
  organization?: string;
  /** Config values over the stack file's (`namespace:key` or bare `key` for the project); plaintext, even for secrets. */
  config?: Record<string, string>;
  /** Default 120 s; the child is killed when it expires. */
  timeoutMs?: number;
  /** Drop azure-native's pure version aliases before the SDK resolves them (identical result). Default true. */
  aliasFastPath?: boolean;
  /**
   * Speed patches of `@pulumi/pulumi` internals (no promise leak tracking, no source positions, output properties
   * built on first read, npm's dependency-tree modules loaded on first use; identical result). Default true; false
   * runs the SDK's own code, as `setMocks` alone does.
   */
  runtimePatches?: boolean;
}

export interface LoadedProgram {
  project: string;
  stack: string;
  resources: ProgramResource[];
  /** The stack's configuration as a pack receives it (`namespace:key` → string); undecryptable secrets omitted. */
  stackConfig: Record<string, string>;
  /** What the loader could not do as usual (a speed patch skipped: the result is the same, only slower). */
  notes: string[];
}

/** The program could not be loaded or run; the message names the file or carries the program's error. */
export class ProgramLoadError extends Error {
  override name = "ProgramLoadError";
}

/** A stack's configuration as read from `Pulumi.<stack>.yaml`, in the CLI's encoding. */
export interface StackConfig {
  /** `namespace:key` → string: scalars as written, objects and arrays as JSON. */
  values: Record<string, string>;
  /** Keys whose value is, or contains, a `secure:` ciphertext (not in `values`). */
  secureKeys: string[];
  /** Keys whose value is an object or array (JSON in `values`). */
  objectKeys: string[];
}

const DEFAULT_TIMEOUT_MS = 120_000;
const OUTPUT_TAIL_CHARS = 4000;
const STACK_FRAMES = 8;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isSecureValue(value: unknown): boolean {
  return isRecord(value) && Object.keys(value).length === 1 && typeof value.secure === "string";
}

function containsSecureValue(value: unknown): boolean {
  if (isSecureValue(value)) return true;
  if (Array.isArray(value)) return value.some(containsSecureValue);
  return isRecord(value) && Object.values(value).some(containsSecureValue);
}

function readYaml(file: string, schema?: yaml.Schema): unknown {
  try {
    return yaml.load(fs.readFileSync(file, "utf8"), schema === undefined ? undefined : { schema });
  } catch (error) {
    throw new ProgramLoadError(`${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** `ns:key` and the legacy `ns:config:key` → `ns:key`, as the CLI's config.ParseKey accepts them. */
function normalizeKey(key: string, file: string, project?: string): string {
  const parts = key.split(":");
  if (parts.length === 1 && project !== undefined && key !== "") return `${project}:${key}`;
  if (parts.length === 2 && parts[0] !== "" && parts[1] !== "") return key;
  if (parts.length === 3 && parts[1] === "config" && parts[0] !== "" && parts[2] !== "")
    return `${parts[0]}:${parts[2]}`;
  throw new ProgramLoadError(`${file}: config key "${key}" must be of the form <namespace>:<name>`);
}

/**
 * Reads the `config:` map of a `Pulumi.<stack>.yaml`. Scalars keep their YAML text (`1.30` stays "1.30", as the
 * CLI's Go YAML decoder gives it), objects and arrays become JSON, `secure:` values are only listed.
 */
export function readStackConfig(file: string): StackConfig {
  const typed = readYaml(file);
  const raw = readYaml(file, yaml.FAILSAFE_SCHEMA);
  const result: StackConfig = { values: {}, secureKeys: [], objectKeys: [] };
  if (typed == null) return result;
  if (!isRecord(typed) || !isRecord(raw)) throw new ProgramLoadError(`${file}: expected a YAML mapping`);
  const config = typed.config;
  const rawConfig = raw.config;
  if (config == null) return result;
  if (!isRecord(config) || !isRecord(rawConfig))
    throw new ProgramLoadError(`${file}: "config" must be a mapping`);
  for (const [key, value] of Object.entries(config)) {
    const name = normalizeKey(key, file);
    if (containsSecureValue(value)) {
      result.secureKeys.push(name);
    } else if (typeof value === "object" && value !== null) {
      result.values[name] = JSON.stringify(value);
      result.objectKeys.push(name);
    } else {
      const text = rawConfig[key];
      result.values[name] = value === null || typeof text !== "string" ? "" : text;
    }
  }
  return result;
}

interface ProjectFile {
  name: string;
  program: string;
  typescript: boolean;
  stackConfigDir: string;
  file: string;
  /** The project-level `config:` block, as written. */
  config: unknown;
}

function readProjectFile(dir: string): ProjectFile {
  const file = ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
  if (file === undefined) throw new ProgramLoadError(`no Pulumi.yaml in ${dir}`);
  const doc = readYaml(file);
  if (!isRecord(doc) || typeof doc.name !== "string" || doc.name === "") {
    throw new ProgramLoadError(`${file}: "name" must be a non-empty string`);
  }
  const runtime = doc.runtime;
  const runtimeName = isRecord(runtime) ? runtime.name : runtime;
  if (runtimeName !== "nodejs") {
    throw new ProgramLoadError(`${file}: runtime must be "nodejs" (got ${JSON.stringify(runtimeName)})`);
  }
  const options = isRecord(runtime) && isRecord(runtime.options) ? runtime.options : {};
  const main = doc.main ?? ".";
  if (typeof main !== "string") throw new ProgramLoadError(`${file}: "main" must be a string`);
  const program = path.resolve(dir, main);
  if (!fs.existsSync(program))
    throw new ProgramLoadError(`${file}: main "${main}" does not exist (${program})`);
  const stackConfigDir = typeof doc.stackConfigDir === "string" ? doc.stackConfigDir : ".";
  return {
    name: doc.name,
    program,
    typescript: options.typescript !== false,
    stackConfigDir: path.resolve(dir, stackConfigDir),
    file,
    config: doc.config,
  };
}

/** Pulumi.yaml `config:`: `key: value`, or `key: { value | default, type, ... }`; bare keys are the project's. */
function projectConfig(config: unknown, file: string, project: string): StackConfig {
  const result: StackConfig = { values: {}, secureKeys: [], objectKeys: [] };
  if (config == null) return result;
  if (!isRecord(config)) throw new ProgramLoadError(`${file}: "config" must be a mapping`);
  for (const [key, entry] of Object.entries(config)) {
    const name = normalizeKey(key, file, project);
    const value = isRecord(entry) ? (entry.value ?? entry.default) : entry;
    if (value === undefined || value === null) continue;
    if (typeof value === "object") {
      result.values[name] = JSON.stringify(value);
      result.objectKeys.push(name);
    } else {
      result.values[name] = String(value);
    }
  }
  return result;
}

function stackConfigFile(project: ProjectFile, stack: string): string | undefined {
  return [`Pulumi.${stack}.yaml`, `Pulumi.${stack}.yml`]
    .map((f) => path.join(project.stackConfigDir, f))
    .find((f) => fs.existsSync(f));
}

/** Everything the child needs about configuration, derived once from the files and overrides. */
interface ResolvedConfig {
  values: Record<string, string>;
  objectKeys: Set<string>;
  /** Secure keys with no plaintext override: absent from `values`. */
  missingSecrets: Set<string>;
  /** Secure keys given in plaintext through `config`. */
  secretKeys: Set<string>;
}

function resolveConfig(
  project: ProjectFile,
  projectName: string,
  stack: string,
  overrides: Record<string, string>,
): ResolvedConfig {
  const file = stackConfigFile(project, stack);
  const stackConfig =
    file === undefined ? { values: {}, secureKeys: [], objectKeys: [] } : readStackConfig(file);
  const defaults = projectConfig(project.config, project.file, projectName);
  const values = { ...defaults.values, ...stackConfig.values };
  const objectKeys = new Set([...defaults.objectKeys, ...stackConfig.objectKeys]);
  const missingSecrets = new Set(stackConfig.secureKeys);
  const secretKeys = new Set<string>();
  for (const name of stackConfig.secureKeys) delete values[name];
  for (const [key, value] of Object.entries(overrides)) {
    const name = normalizeKey(key, "config option", projectName);
    values[name] = value;
    objectKeys.delete(name);
    if (missingSecrets.delete(name)) secretKeys.add(name);
  }
  return { values, objectKeys, missingSecrets, secretKeys };
}

/** The language host's encoding: `<namespace>:config:<name>` → string (runtime/config.js accepts both forms). */
function programConfigEnv(config: ResolvedConfig): string {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(config.values)) {
    const colon = name.indexOf(":");
    env[`${name.slice(0, colon)}:config:${name.slice(colon + 1)}`] = value;
  }
  return JSON.stringify(env);
}

/**
 * Provider configuration per package, as the engine builds a default provider's inputs (Target.GetPackageConfig):
 * strings, objects parsed, secrets wrapped; an undecryptable secret is unknown.
 */
function packageConfig(config: ResolvedConfig): Record<string, PropertyMap> {
  const result: Record<string, PropertyMap> = {};
  const set = (name: string, value: unknown): void => {
    const colon = name.indexOf(":");
    const pkg = name.slice(0, colon);
    result[pkg] = { ...(result[pkg] ?? {}), [name.slice(colon + 1)]: value };
  };
  for (const [name, text] of Object.entries(config.values)) {
    const value: unknown = config.objectKeys.has(name) ? JSON.parse(text) : text;
    set(name, config.secretKeys.has(name) ? { [SECRET_SIG_KEY]: SECRET_SIG, value } : value);
  }
  for (const name of config.missingSecrets) set(name, UNKNOWN);
  return result;
}

/**
 * The compiled runner is plain JS. Run from source (ts-jest), it is TypeScript: a minimal transpile-only loader
 * gets it started, and the runner then installs its own loader (with the program's compiler options).
 */
function runnerArgs(): string[] {
  const extension = path.extname(__filename);
  const runner = path.join(__dirname, `program-runner${extension}`);
  if (extension !== ".ts") return [runner];
  const bootstrap = [
    `const ts = require(${JSON.stringify(require.resolve("typescript"))});`,
    `const fs = require("fs");`,
    `const compilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true };`,
    `require.extensions[".ts"] = (m, f) => m._compile(ts.transpileModule(fs.readFileSync(f, "utf8"), { fileName: f, compilerOptions }).outputText, f);`,
    `require(${JSON.stringify(runner)});`,
  ].join("\n");
  return ["-e", bootstrap];
}

function childEnv(
  project: string,
  stack: string,
  organization: string,
  dir: string,
  config: ResolvedConfig,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  // Hermetic: nothing from a surrounding `pulumi` run (config, monitor address, stack) may leak in.
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith("PULUMI_")) env[key] = value;
  }
  return {
    ...env,
    PULUMI_CONFIG: programConfigEnv(config),
    PULUMI_CONFIG_SECRET_KEYS: JSON.stringify([...config.secretKeys]),
    PULUMI_PROJECT: project,
    PULUMI_STACK: stack,
    PULUMI_ORGANIZATION: organization,
    PULUMI_DRY_RUN: "true",
    PULUMI_NODEJS_PROJECT: project,
    PULUMI_NODEJS_STACK: stack,
    PULUMI_NODEJS_ORGANIZATION: organization,
    PULUMI_NODEJS_DRY_RUN: "true",
    PULUMI_NODEJS_ROOT_DIRECTORY: dir,
  };
}

function appendTail(tail: string, chunk: Buffer): string {
  const next = tail + chunk.toString("utf8");
  return next.length > OUTPUT_TAIL_CHARS ? next.slice(-OUTPUT_TAIL_CHARS) : next;
}

/** The program's frames: node internals and the runner itself say nothing about the program. */
function stackTail(stack: string | undefined): string {
  if (stack === undefined) return "";
  const frames = stack
    .split("\n")
    .map((line) => line.trim())
    .filter(
      (line) => line.startsWith("at ") && !line.includes("node:internal") && !line.includes("program-runner"),
    );
  return frames.length === 0 ? "" : `\n    ${frames.slice(0, STACK_FRAMES).join("\n    ")}`;
}

function failureMessage(
  what: string,
  reply: Extract<RunnerReply, { ok: false }>,
  config: ResolvedConfig,
): string {
  let message = `${what} failed: ${reply.message}`;
  const secrets = [...config.missingSecrets].filter((key) => reply.message.includes(key));
  if (secrets.length > 0) {
    message +=
      `\n(${secrets.join(", ")} is a "secure:" value in the stack file, which cannot be decrypted offline;` +
      ` pass a plaintext value through the config option)`;
  }
  return message + stackTail(reply.stack);
}

/**
 * Puts the fast path's dropped aliases back at their original positions, in the form the SDK would have sent
 * them (runtime/resource.js `mapAliasesForRequest`: a `{ type }` spec carries the resource's parent URN), so a
 * fast run records exactly what a slow one does.
 */
function withAliases(wire: WireResource, sets: DroppedAliasSet[]): ProgramResource {
  const { droppedAliases, ...resource } = wire;
  const set = droppedAliases === undefined ? undefined : sets[droppedAliases];
  if (set === undefined) return resource;
  const sent = resource.aliases ?? [];
  const aliases: HostAlias[] = [];
  let next = 0;
  // `set.types` is in position order.
  let droppedIndex = 0;
  for (let position = 0; position < set.originalLength; position++) {
    const dropped = set.types[droppedIndex];
    if (dropped !== undefined && dropped[0] === position) {
      droppedIndex++;
      const type = dropped[1];
      aliases.push(resource.parent === undefined ? { type } : { type, parentUrn: resource.parent });
    } else if (next < sent.length) {
      aliases.push(sent[next++]);
    }
  }
  // The SDK de-duplicates equal alias strings, so fewer may have been sent than kept; none is lost either way.
  return { ...resource, aliases: aliases.concat(sent.slice(next)) };
}

/**
 * Runs the Pulumi program in `opts.dir` for `opts.stack` and returns the registered resources, engine-shaped:
 * the root `pulumi:pulumi:Stack`, components, custom resources and the default providers the engine would add,
 * in registration order.
 */
export async function loadProgram(opts: LoadProgramOptions): Promise<LoadedProgram> {
  const dir = path.resolve(opts.dir);
  const projectFile = readProjectFile(dir);
  const project = opts.project ?? projectFile.name;
  const { stack } = opts;
  const organization = opts.organization ?? "organization";
  const config = resolveConfig(projectFile, project, stack, opts.config ?? {});
  const request: RunnerRequest = {
    program: projectFile.program,
    projectDir: dir,
    project,
    stack,
    organization,
    typescript: projectFile.typescript,
    aliasFastPath: opts.aliasFastPath ?? true,
    runtimePatches: opts.runtimePatches ?? true,
    packageConfig: packageConfig(config),
  };
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const what = `Pulumi program ${projectFile.program} (stack ${stack})`;

  const { resources, notes } = await new Promise<{ resources: ProgramResource[]; notes: string[] }>(
    (resolve, reject) => {
      const child = spawn(process.execPath, runnerArgs(), {
        cwd: dir,
        env: childEnv(project, stack, organization, dir, config),
        stdio: ["ignore", "pipe", "pipe", "ipc"],
      });
      let stdout = "";
      let stderr = "";
      let reply: RunnerReply | undefined;
      let timedOut = false;
      child.stdout?.on("data", (chunk: Buffer) => (stdout = appendTail(stdout, chunk)));
      child.stderr?.on("data", (chunk: Buffer) => (stderr = appendTail(stderr, chunk)));
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill("SIGKILL");
      }, timeoutMs);
      child.on("message", (message: RunnerReply) => (reply = message));
      child.on("error", (error) => {
        clearTimeout(timer);
        child.kill("SIGKILL");
        reject(new ProgramLoadError(`${what}: could not start node: ${error.message}`));
      });
      child.on("exit", (code, signal) => {
        clearTimeout(timer);
        if (timedOut) {
          reject(new ProgramLoadError(`${what} did not finish within ${timeoutMs} ms (killed)`));
        } else if (reply?.ok === true) {
          const sets = reply.droppedAliasSets;
          resolve({
            resources: reply.resources.map((resource) => withAliases(resource, sets)),
            notes: reply.notes,
          });
        } else if (reply !== undefined) {
          reject(new ProgramLoadError(failureMessage(what, reply, config)));
        } else {
          const output = `${stderr}${stdout}`.trim();
          const status = signal !== null ? `signal ${signal}` : `code ${code}`;
          reject(
            new ProgramLoadError(
              `${what} exited with ${status} before reporting${output ? `:\n${output}` : ""}`,
            ),
          );
        }
      });
      child.send(request);
    },
  );

  const stackConfig: Record<string, string> = { ...config.values };
  return { project, stack, resources, stackConfig, notes };
}
