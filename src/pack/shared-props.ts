/**
 * Performance: one deserialization per resource and request, shared by every policy.
 *
 * @pulumi/policy 1.21 (server.js) converts a resource's protobuf `Struct` to JavaScript once per policy:
 * `deserializeProperties(req.getProperties(), false)` inside its loop over policies, for Analyze (the resource and
 * its provider) and for AnalyzeStack (every resource of the stack, again for each policy). With one policy per
 * rule, that is rules × resources conversions; at 19 rules it was most of the pack's CPU time and garbage.
 *
 * The generated message caches its `Struct` wrapper (`getWrapperField`), so within one request the same `Struct`
 * object comes back for every policy: memoising on it (WeakMap, collected with the request) returns the same
 * plain object to each policy. The SDK only wraps it in its read-only unknown-checking proxy; rules receive it as
 * a `Readonly` {@link PropertyBag} and never mutate it (checks are pure), so sharing changes no result.
 * `proxySecrets: true` (Remediate) is passed through untouched.
 */
import * as path from "path";

type Deserialize = (struct: unknown, proxySecrets: boolean) => unknown;

interface DeserializeModule {
  deserializeProperties: Deserialize;
}

let installed = false;

/** The `deserialize` module @pulumi/policy's server calls through (`deserialize_1.deserializeProperties(...)`). */
function policyDeserializeModule(): DeserializeModule | undefined {
  try {
    const file = path.join(path.dirname(require.resolve("@pulumi/policy")), "deserialize.js");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(file) as Partial<DeserializeModule>;
    return typeof mod.deserializeProperties === "function" ? (mod as DeserializeModule) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Installs the memo (once per process). Returns false, changing nothing, when the SDK does not have the expected
 * shape: the pack then runs exactly as before, only slower.
 */
export function shareDeserializedProperties(): boolean {
  if (installed) return true;
  const mod = policyDeserializeModule();
  if (!mod) return false;
  const original = mod.deserializeProperties;
  const memo = new WeakMap<object, unknown>();
  const shared: Deserialize = function (this: unknown, struct, proxySecrets) {
    if (proxySecrets || typeof struct !== "object" || struct === null) {
      return original.call(this, struct, proxySecrets);
    }
    if (memo.has(struct)) return memo.get(struct);
    const props = original.call(this, struct, proxySecrets);
    memo.set(struct, props);
    return props;
  };
  try {
    mod.deserializeProperties = shared;
  } catch {
    return false;
  }
  installed = mod.deserializeProperties === shared;
  return installed;
}
