/**
 * Child-process entry of {@link loadProgram} (see program.ts): runs one Pulumi Node.js program on the real
 * `@pulumi/pulumi` runtime under mocks, in preview mode, and sends back what the engine would analyse.
 *
 * It runs in its own process because `setMocks`, the patches below and the program's module state are
 * process-global. Protocol: the parent sends one {@link RunnerRequest} over the IPC channel; the child answers
 * with one {@link RunnerReply} and exits. Stdout and stderr belong to the program.
 *
 * Fidelity notes (what differs from `pulumi preview`, by necessity):
 * - No provider plugin runs: no provider Check (defaults, auto-naming), no remote components; resources read
 *   with `Resource.get` are not captured.
 * - Resource ids are unknown (preview of new resources); the mock echoes inputs as outputs, so outputs the
 *   provider would compute stay unknown, as in a real preview.
 * - Invokes (`getX` functions) return their own arguments (`{}` plus args); programs that depend on real
 *   lookup results see the echo.
 */
import * as fs from "fs";
import { createRequire, SourceMap, type SourceMapPayload } from "module";
import * as path from "path";
import { loadAll } from "js-yaml";
import type * as pulumiModule from "@pulumi/pulumi";
import type { Alias as WireAlias } from "@pulumi/pulumi/proto/alias_pb";
import type {
  RegisterResourceOutputsRequest,
  RegisterResourceRequest,
} from "@pulumi/pulumi/proto/resource_pb";
import type * as tsModule from "typescript";
import { type HostProvider, type PropertyMap, SECRET_SIG_KEY, UNKNOWN } from "../types";
import type { HostAlias, ProgramResource } from "./program";
import { applyRuntimePatches, deferClosureDependencies } from "./program-runner-patches";

export interface RunnerRequest {
  /** Absolute path of the program entry (file or directory), as `require` takes it. */
  program: string;
  /** Project directory (where Pulumi.yaml is): the cwd and the place of tsconfig.json. */
  projectDir: string;
  project: string;
  stack: string;
  organization: string;
  /** Transpile `.ts` files on the fly (Pulumi.yaml `runtime.options.typescript`, default true). */
  typescript: boolean;
  aliasFastPath: boolean;
  /** Apply program-runner-patches.ts (identical result); false runs the SDK's own code, as `setMocks` alone does. */
  runtimePatches: boolean;
  /** Provider configuration per package (`azure-native` → `{ location: "westeurope" }`), for default providers. */
  packageConfig: Record<string, PropertyMap>;
}

/**
 * Pure version aliases the fast path kept away from the SDK, as positions in the resource's original alias list.
 * Resources of one class share one set, so the reply stays small (1,000 AgentPools carry 110,000 aliases).
 */
export interface DroppedAliasSet {
  originalLength: number;
  /** In increasing position order. */
  types: [position: number, type: string][];
}

/** A resource as sent to the parent: its dropped aliases by reference to a {@link DroppedAliasSet}. */
export interface WireResource extends ProgramResource {
  droppedAliases?: number;
}

export type RunnerReply =
  | { ok: true; resources: WireResource[]; droppedAliasSets: DroppedAliasSet[]; notes: string[] }
  | { ok: false; message: string; stack?: string };

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";
const RESOURCE_REF_SIG = "5cf8f73096256a8f31e491e813e4eb8e";

/** What one RegisterResource call carried, read off the request before the mock sees it. */
interface CapturedRegistration {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  parent: string;
  inputs: PropertyMap;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  providerRef: string;
  version: string;
  importId: string;
  aliases: HostAlias[];
}

/** The MockMonitor members we replace or wrap (`newUrn` is private in the SDK's typings). */
interface MockMonitorPrototype {
  newUrn(parent: string, type: string, name: string): string;
  registerResource(
    req: RegisterResourceRequest,
    callback: (err: unknown, resp: unknown) => void,
  ): Promise<void>;
  registerResourceOutputs(
    req: RegisterResourceOutputsRequest,
    callback: (err: unknown, resp: unknown) => void,
  ): void;
}

/**
 * The engine's URN rule: `urn:pulumi:<stack>::<project>::<qualified type>::<name>`, where the qualified type is
 * the parent's full qualified type + `$` + type, unless the parent is the root stack. (The mock prefixes the
 * root stack type and keeps only the last segment of the parent's type.)
 */
function engineUrn(stack: string, project: string, parent: string, type: string, name: string): string {
  let qualifiedType = type;
  if (parent !== "") {
    const parentQualifiedType = parent.split("::")[2] ?? "";
    if (parentQualifiedType !== ROOT_STACK_TYPE) {
      qualifiedType = `${parentQualifiedType}$${type}`;
    }
  }
  return `urn:pulumi:${stack}::${project}::${qualifiedType}::${name}`;
}

/** Type tokens by their versioned form: every resource of a class carries the same ~25–113 alias tokens. */
const unversionedTypes = new Map<string, string>();

/** `azure-native:containerservice/v20240402preview:AgentPool` → `azure-native:containerservice:AgentPool`. */
function withoutVersion(type: string): string {
  let unversioned = unversionedTypes.get(type);
  if (unversioned === undefined) {
    unversioned = type.replace(/^([^:]+):([^:/]+)\/v[^:]+:/, "$1:$2:");
    unversionedTypes.set(type, unversioned);
  }
  return unversioned;
}

/**
 * An alias that only renames the type token's API version (`{ type: "azure-native:m/v2019…:T" }`). azure-native
 * attaches ~25–113 of these to every resource and the SDK turns each into Outputs with captured stack traces
 * (pulumi/pulumi#10010), which made 1,000 resources take ~100 s and 4 GB.
 */
function pureVersionAliasType(alias: unknown, type: string): string | undefined {
  if (typeof alias !== "object" || alias === null || Object.getPrototypeOf(alias) !== Object.prototype) {
    return undefined;
  }
  const keys = Object.keys(alias);
  const aliasType: unknown = (alias as { type?: unknown }).type;
  if (keys.length !== 1 || typeof aliasType !== "string" || aliasType === type) {
    return undefined;
  }
  return withoutVersion(aliasType) === withoutVersion(type) ? aliasType : undefined;
}

/** The last dropped-alias set per resource type: the resources of a class share one, usually. */
const droppedSetsByType = new Map<string, DroppedAliasSet>();

/**
 * Splits `aliases` into the pure version aliases to drop (as a {@link DroppedAliasSet}) and the ones to keep.
 * A resource whose aliases match the last set of its type gets that very object, so 1,000 AgentPools make one
 * set (and no 110,000 position/type pairs).
 */
function splitAliases(aliases: unknown[], type: string): { set?: DroppedAliasSet; kept: unknown[] } {
  const cached = droppedSetsByType.get(type);
  const kept: unknown[] = [];
  const types: DroppedAliasSet["types"] = [];
  let matchesCached = cached !== undefined && cached.originalLength === aliases.length;
  aliases.forEach((alias, index) => {
    const aliasType = pureVersionAliasType(alias, type);
    if (aliasType === undefined) {
      kept.push(alias);
      return;
    }
    const expected = matchesCached ? cached?.types[types.length] : undefined;
    matchesCached = expected !== undefined && expected[0] === index && expected[1] === aliasType;
    types.push(matchesCached && expected !== undefined ? expected : [index, aliasType]);
  });
  if (types.length === 0) return { kept };
  if (matchesCached && cached !== undefined && types.length === cached.types.length)
    return { set: cached, kept };
  const set = { originalLength: aliases.length, types };
  droppedSetsByType.set(type, set);
  return { set, kept };
}

function wireAlias(alias: WireAlias): HostAlias {
  const spec = alias.getSpec();
  if (!alias.hasSpec() || spec === undefined) {
    return alias.getUrn();
  }
  const record: Exclude<HostAlias, string> = {};
  if (spec.getName() !== "") record.name = spec.getName();
  if (spec.getType() !== "") record.type = spec.getType();
  if (spec.getStack() !== "") record.stack = spec.getStack();
  if (spec.getProject() !== "") record.project = spec.getProject();
  if (spec.getParenturn() !== "") record.parentUrn = spec.getParenturn();
  if (spec.getNoparent()) record.noParent = true;
  return record;
}

/**
 * The analyzer marshals a resource reference as its id, or its URN when it has none (component); the policy
 * SDK never sees the reference object (sdk/go/common/resource/plugin/rpc.go, KeepResources=false).
 */
function flattenResourceReferences(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(flattenResourceReferences);
  }
  if (typeof value !== "object" || value === null) {
    return value;
  }
  const object = value as Record<string, unknown>;
  if (object[SECRET_SIG_KEY] === RESOURCE_REF_SIG) {
    if ("id" in object) {
      return object.id === "" ? UNKNOWN : object.id;
    }
    return object.urn;
  }
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(object)) {
    result[key] = flattenResourceReferences(item);
  }
  return result;
}

function flattenMap(map: PropertyMap): PropertyMap {
  return flattenResourceReferences(map) as PropertyMap;
}

/**
 * `shareInputs`: the mock monitor converts the same `Struct` right after the capture and, like the capture, only
 * reads the result, so one conversion serves both (a Struct-to-JavaScript conversion per resource saved).
 */
function capture(req: RegisterResourceRequest, urn: string, shareInputs: boolean): CapturedRegistration {
  const object = req.getObject();
  const converted = object?.toJavaScript();
  if (object !== undefined && converted !== undefined && shareInputs) object.toJavaScript = () => converted;
  const inputs = (converted ?? {}) as PropertyMap;
  const propertyDependencies: Record<string, string[]> = {};
  req.getPropertydependenciesMap().forEach((deps, key) => {
    propertyDependencies[key] = deps.getUrnsList();
  });
  return {
    urn,
    type: req.getType(),
    name: req.getName(),
    custom: req.getCustom(),
    parent: req.getParent(),
    inputs,
    dependencies: req.getDependenciesList(),
    propertyDependencies,
    providerRef: req.getProvider(),
    version: req.getVersion(),
    importId: req.getImportid(),
    aliases: req.getAliasesList().map(wireAlias),
  };
}

function urnTypeAndName(urn: string): { type: string; name: string } {
  const parts = urn.split("::");
  const qualifiedType = parts[2] ?? "";
  return { type: qualifiedType.split("$").pop() ?? qualifiedType, name: parts.slice(3).join("::") };
}

/**
 * Turns the captured registrations into engine-shaped resources: flattened references, outputs (custom: the
 * inputs, which is what the mock echoes; components: what they registered), provider details, and the default
 * provider the engine would create for each package/version that a resource uses without an explicit provider.
 */
function assemble(
  request: RunnerRequest,
  registrations: CapturedRegistration[],
  componentOutputs: Map<string, PropertyMap>,
  droppedSetByUrn: Map<string, number>,
): WireResource[] {
  const providers = new Map<string, HostProvider>();
  const resources: WireResource[] = [];
  for (const reg of registrations) {
    const inputs = flattenMap(reg.inputs);
    let provider: HostProvider | undefined;
    if (reg.custom && reg.type.startsWith("pulumi:providers:")) {
      providers.set(reg.urn, { urn: reg.urn, type: reg.type, name: reg.name, inputs });
    } else if (reg.custom && reg.providerRef !== "") {
      const providerUrn = reg.providerRef.slice(0, reg.providerRef.lastIndexOf("::"));
      provider = providers.get(providerUrn) ?? {
        urn: providerUrn,
        ...urnTypeAndName(providerUrn),
        inputs: {},
      };
    } else if (reg.custom && !reg.type.startsWith("pulumi:")) {
      provider = defaultProvider(request, reg, providers, resources);
    }
    const outputs = reg.custom ? inputs : flattenMap(componentOutputs.get(reg.urn) ?? {});
    const resource: WireResource = {
      urn: reg.urn,
      type: reg.type,
      name: reg.name,
      custom: reg.custom,
      inputs,
      outputs,
      dependencies: reg.dependencies,
      propertyDependencies: reg.propertyDependencies,
    };
    if (reg.parent !== "") resource.parent = reg.parent;
    if (provider !== undefined) resource.provider = provider;
    if (reg.custom) resource.id = reg.importId !== "" ? reg.importId : UNKNOWN;
    if (reg.aliases.length > 0) resource.aliases = reg.aliases;
    const droppedSet = droppedSetByUrn.get(reg.urn);
    if (droppedSet !== undefined) resource.droppedAliases = droppedSet;
    resources.push(resource);
  }
  return resources;
}

/**
 * The engine's default provider: `pulumi:providers:<pkg>::default[_<version with . and - as _>]`, top-level,
 * inputs = the package's stack config plus `version`, id unknown in preview. Registered once, just before
 * its first user, as the engine does.
 */
function defaultProvider(
  request: RunnerRequest,
  reg: CapturedRegistration,
  providers: Map<string, HostProvider>,
  resources: WireResource[],
): HostProvider {
  const pkg = reg.type.split(":")[0] ?? "";
  const name = reg.version === "" ? "default" : `default_${reg.version.replace(/[.-]/g, "_")}`;
  const type = `pulumi:providers:${pkg}`;
  const urn = engineUrn(request.stack, request.project, "", type, name);
  const existing = providers.get(urn);
  if (existing !== undefined) {
    return existing;
  }
  const inputs: PropertyMap = { ...(request.packageConfig[pkg] ?? {}) };
  if (reg.version !== "") inputs.version = reg.version;
  const provider: HostProvider = { urn, type, name, inputs };
  providers.set(urn, provider);
  resources.push({
    urn,
    type,
    name,
    custom: true,
    inputs,
    outputs: inputs,
    dependencies: [],
    propertyDependencies: {},
    id: UNKNOWN,
  });
  return provider;
}

/** Source maps of the transpiled files, to point program stack traces at TypeScript lines. */
const sourceMaps = new Map<string, SourceMapPayload>();

/**
 * Registers a `.ts` loader that transpiles without type-checking (what `pulumi` does with
 * `PULUMI_NODEJS_TRANSPILE_ONLY=true`), honouring the emit options of the project's tsconfig.json.
 */
function registerTypeScript(projectDir: string): void {
  const ts = createRequire(__filename)("typescript") as typeof tsModule;
  let options: tsModule.CompilerOptions = { target: ts.ScriptTarget.ES2022, esModuleInterop: true };
  const tsconfig = path.join(projectDir, "tsconfig.json");
  if (fs.existsSync(tsconfig)) {
    const { config } = ts.readConfigFile(tsconfig, ts.sys.readFile) as { config?: unknown };
    // Only compiler options matter here: an empty directory listing skips the (slow) scan of `include`.
    const host = { ...ts.sys, readDirectory: () => [] };
    options = { ...options, ...ts.parseJsonConfigFileContent(config ?? {}, host, projectDir).options };
  }
  const compilerOptions: tsModule.CompilerOptions = {
    ...options,
    module: ts.ModuleKind.CommonJS,
    noEmit: false,
    declaration: false,
    // Not Node's --enable-source-maps: it would also parse every dependency's source map and map every stack
    // the SDK captures (one per resource), which tripled the run time of 1,000 azure-native resources.
    sourceMap: true,
    inlineSourceMap: false,
    inlineSources: false,
  };
  type Loader = (module: { _compile(code: string, filename: string): void }, filename: string) => void;
  const extensions = require.extensions as unknown as Record<string, Loader>;
  extensions[".ts"] = (module, filename) => {
    const source = fs.readFileSync(filename, "utf8");
    const output = ts.transpileModule(source, { fileName: filename, compilerOptions });
    if (output.sourceMapText !== undefined) {
      sourceMaps.set(filename, JSON.parse(output.sourceMapText) as SourceMapPayload);
    }
    module._compile(output.outputText, filename);
  };
}

/** Rewrites `file.ts:line:column` positions of transpiled files to their TypeScript positions. */
function mapStack(stack: string): string {
  return stack.replace(
    /([^\s(]+\.ts):(\d+):(\d+)/g,
    (position: string, file: string, line: string, column: string) => {
      const payload = sourceMaps.get(file);
      if (payload === undefined) return position;
      const entry = new SourceMap(payload).findEntry(Number(line) - 1, Number(column) - 1);
      return "originalLine" in entry
        ? `${file}:${entry.originalLine + 1}:${entry.originalColumn + 1}`
        : position;
    },
  );
}

/** {@link deferClosureDependencies} for the program's @pulumi/pulumi; nothing when it has none (it fails next). */
function deferProgramClosureDependencies(programRequire: NodeJS.Require): string | undefined {
  let codePathsFile: string;
  try {
    codePathsFile = programRequire.resolve("@pulumi/pulumi/runtime/closure/codePaths");
  } catch {
    return undefined;
  }
  return deferClosureDependencies(codePathsFile);
}

async function run(request: RunnerRequest): Promise<Extract<RunnerReply, { ok: true }>> {
  if (request.typescript) {
    registerTypeScript(request.projectDir);
  }
  // The program's own @pulumi/pulumi: the mocks and patches must act on the copy the program (and its
  // provider SDKs) load.
  const isDirectory = fs.statSync(request.program).isDirectory();
  const programRequire = createRequire(isDirectory ? path.join(request.program, path.sep) : request.program);
  const startupNote = request.runtimePatches ? deferProgramClosureDependencies(programRequire) : undefined;
  const pulumi = programRequire("@pulumi/pulumi") as typeof pulumiModule;
  const monitorPrototype = (
    programRequire("@pulumi/pulumi/runtime/mocks") as { MockMonitor: { prototype: MockMonitorPrototype } }
  ).MockMonitor.prototype;
  const notes = request.runtimePatches ? applyRuntimePatches(programRequire).notes : [];
  if (startupNote !== undefined) notes.unshift(startupNote);

  const { stack, project } = request;
  const registrations: CapturedRegistration[] = [];
  const componentOutputs = new Map<string, PropertyMap>();
  monitorPrototype.newUrn = (parent, type, name) => engineUrn(stack, project, parent, type, name);
  const registerResource = monitorPrototype.registerResource;
  monitorPrototype.registerResource = function (req, callback) {
    registrations.push(
      capture(
        req,
        engineUrn(stack, project, req.getParent(), req.getType(), req.getName()),
        request.runtimePatches,
      ),
    );
    return registerResource.call(this, req, callback);
  };
  const registerResourceOutputs = monitorPrototype.registerResourceOutputs;
  monitorPrototype.registerResourceOutputs = function (req, callback) {
    componentOutputs.set(req.getUrn(), (req.getOutputs()?.toJavaScript() ?? {}) as PropertyMap);
    registerResourceOutputs.call(this, req, callback);
  };

  await pulumi.runtime.setMocks(
    {
      // An empty id is what makes the SDK treat the id as unknown, as for a new resource during preview.
      newResource: (args) => ({ id: args.id ?? "", state: args.inputs }),
      call: (args) => offlineInvoke(args.token, args.inputs as Record<string, unknown>),
    },
    project,
    stack,
    true,
    request.organization,
  );

  const dropped: { resource: pulumiModule.Resource; set: DroppedAliasSet }[] = [];
  await pulumi.runtime.runInPulumiStack(async () => {
    if (request.aliasFastPath) {
      // Stack transformations run in the Resource constructor before aliases are turned into Outputs.
      pulumi.runtime.registerStackTransformation((args) => {
        const aliases = args.opts.aliases;
        if (aliases === undefined || aliases.length === 0) return undefined;
        const { set, kept } = splitAliases(aliases, args.type);
        if (set === undefined) return undefined;
        dropped.push({ resource: args.resource, set });
        return { props: args.props, opts: { ...args.opts, aliases: kept as typeof aliases } };
      });
    }
    // As @pulumi/pulumi's cmd/run does for CommonJS programs: an exported function is the program.
    const programExport: unknown = programRequire(request.program);
    const outputs: unknown =
      programExport instanceof Function ? await (programExport as () => unknown)() : programExport;
    return outputs as Record<string, unknown> | undefined;
  });
  await pulumi.runtime.disconnect();
  // Let rejections raised by the last registrations reach the unhandledRejection handler before reporting.
  await new Promise((resolve) => setImmediate(resolve));

  const droppedAliasSets: DroppedAliasSet[] = [];
  const setIndex = new Map<DroppedAliasSet, number>();
  const droppedSetByUrn = new Map<string, number>();
  for (const entry of dropped) {
    // URNs are always known, even during preview; by now every registration has completed.
    const urn = await new Promise<string>((resolve) => entry.resource.urn.apply(resolve));
    let index = setIndex.get(entry.set);
    if (index === undefined) {
      index = droppedAliasSets.push(entry.set) - 1;
      setIndex.set(entry.set, index);
    }
    droppedSetByUrn.set(urn, index);
  }
  const resources = assemble(request, registrations, componentOutputs, droppedSetByUrn);
  return { ok: true, resources, droppedAliasSets, notes };
}

function failureReply(error: unknown): RunnerReply {
  if (error instanceof Error) {
    return {
      ok: false,
      message: error.message,
      stack: error.stack === undefined ? undefined : mapStack(error.stack),
    };
  }
  return { ok: false, message: String(error) };
}

function main(): void {
  let replied = false;
  const reply = (message: RunnerReply): void => {
    if (replied) return;
    replied = true;
    process.send?.(message, undefined, undefined, () => process.exit(message.ok ? 0 : 1));
  };
  const fail = (error: unknown): void => reply(failureReply(error));
  process.on("uncaughtException", fail);
  process.on("unhandledRejection", fail);
  // The parent went away (killed, timed out): nobody is waiting for the result.
  process.on("disconnect", () => process.exit(1));
  process.once("message", (request: RunnerRequest) => {
    run(request).then(reply, fail);
  });
}

main();

/**
 * Invokes answered the way the provider would where that is possible offline; any other invoke echoes its
 * arguments. `kubernetes:yaml:decode` is what v1 `yaml.ConfigFile`/`ConfigGroup` call to split YAML into
 * objects (the program then registers each one); Helm v3 `template` and kustomize need their tools inside
 * the provider, so they fail loudly rather than silently register nothing.
 */
function offlineInvoke(token: string, inputs: Record<string, unknown>): Record<string, unknown> {
  if (token === "kubernetes:yaml:decode") {
    const text = typeof inputs["text"] === "string" ? inputs["text"] : "";
    const documents = loadAll(text).filter(
      (doc) => doc != null && !(typeof doc === "object" && Object.keys(doc as object).length === 0),
    );
    return { result: documents };
  }
  if (token === "kubernetes:helm:template" || token === "kubernetes:kustomize:directory") {
    throw new Error(
      `${token} renders inside the Kubernetes provider (helm/kustomize), which cannot run offline; ` +
        "analyse a `pulumi stack export` of this stack instead",
    );
  }
  return { ...inputs };
}
