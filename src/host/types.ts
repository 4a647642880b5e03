/**
 * The shapes the host passes between loaders (stack export, preview JSON, Pulumi program under mocks)
 * and the Analyzer client. They mirror what the Pulumi engine puts on the wire: `inputs` go to
 * `Analyze`, `outputs` (plus parent and dependencies) go to `AnalyzeStack`.
 *
 * Property values are plain JSON with two engine conventions preserved:
 * - an unknown value (computed during preview) is the sentinel string {@link UNKNOWN};
 * - a secret is the engine's signature object `{ [SECRET_SIG_KEY]: SECRET_SIG, value }`, which the pack's
 *   SDK unwraps (policies see secrets as plaintext, exactly as with the real CLI).
 */

/** The engine's unknown sentinel (a computed value not yet known during preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Key and value that mark a secret in Pulumi's property serialization. */
export const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export type PropertyMap = Record<string, unknown>;

export interface HostProvider {
  urn: string;
  type: string;
  name: string;
  inputs: PropertyMap;
}

export interface HostResource {
  urn: string;
  /** Type token, e.g. `azure-native:compute:VirtualMachineScaleSet`. */
  type: string;
  /** The Pulumi resource name (last URN segment). */
  name: string;
  /** False for component resources (the engine analyzes them too; kept for fidelity). */
  custom: boolean;
  inputs: PropertyMap;
  outputs: PropertyMap;
  parent?: string;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  provider?: HostProvider;
  /**
   * A resource read with `.get()` (state `external: true`, preview op `read`): the engine sends it to
   * `AnalyzeStack` but never to `Remediate`/`Analyze` (its read path has no analyzer call).
   */
  external?: boolean;
  /** Resource options the engine forwards in `AnalyzerResourceOptions`, where the source records them. */
  options?: HostResourceOptions;
}

export interface HostResourceOptions {
  protect?: boolean;
  ignoreChanges?: string[];
  deleteBeforeReplace?: boolean;
  additionalSecretOutputs?: string[];
  aliases?: string[];
  /** Seconds, as in the engine's `CustomTimeouts`. */
  customTimeouts?: { create?: number; update?: number; delete?: number };
}

/** Stack identity as the CLI gives it to a pack (env vars at launch, ConfigureStack over gRPC). */
export interface StackIdentity {
  stack: string;
  project: string;
  organization: string;
  tags: Record<string, string>;
  dryRun: boolean;
}
