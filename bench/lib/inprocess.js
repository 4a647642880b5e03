// The pack's own cost, without gRPC or the SDK's (de)serialization: the policies createPolicies() builds (the same
// objects the served pack registers) called in this process the way @pulumi/policy calls them — every policy on
// every resource (checked inputs, one property object per resource shared by the policies, as the served pack's
// shared deserialization does), then every policy's stack check on the whole stack (outputs, parent and
// dependencies as resource objects). Used by bench/run.js and bench/guard.js.
"use strict";

const u = require("./util");

const NO_TAGS = Object.freeze({
  forEach() {},
  get() {
    return undefined;
  },
});

function providerArg(r) {
  return r.provider
    ? { type: r.provider.type, urn: r.provider.urn, name: r.provider.name, props: r.provider.inputs }
    : undefined;
}

/** SDK-shaped stack resources: parent and dependencies resolved to resource objects, as server.js builds them. */
function stackArgs(resources) {
  const byUrn = new Map();
  const out = resources.map((r) => {
    const resource = {
      type: r.type,
      urn: r.urn,
      name: r.name,
      props: r.outputs,
      provider: providerArg(r),
      dependencies: [],
      propertyDependencies: {},
    };
    byUrn.set(r.urn, resource);
    return resource;
  });
  resources.forEach((r, i) => {
    const resource = out[i];
    if (r.parent && byUrn.has(r.parent)) resource.parent = byUrn.get(r.parent);
    resource.dependencies = r.dependencies.map((d) => byUrn.get(d)).filter(Boolean);
    for (const [key, urns] of Object.entries(r.propertyDependencies)) {
      resource.propertyDependencies[key] = urns.map((d) => byUrn.get(d)).filter(Boolean);
    }
  });
  return out;
}

/**
 * One fresh set of policies (fresh runtime state): Analyze of every resource, then AnalyzeStack.
 * Returns `{ analyzeMs, stackMs, diagnostics }`.
 */
function runOnce(resources) {
  const { createPolicies } = u.requireDist("pack/policies");
  const { rules } = u.requireDist("rules");
  const policies = createPolicies(rules, {
    stack: { stack: u.IDENTITY.stack, project: u.IDENTITY.project, organization: u.IDENTITY.organization },
    stackConfig: {},
  });
  let diagnostics = 0;
  const report = () => {
    diagnostics++;
  };
  const getConfig = () => ({});
  // Inputs as plain objects, one per resource, made before timing (the SDK's deserialization is not ours).
  const inputs = resources
    .filter((r) => !r.external)
    .map((r) => ({
      type: r.type,
      urn: r.urn,
      name: r.name,
      props: JSON.parse(JSON.stringify(r.inputs)),
      provider: providerArg(r),
    }));
  const stack = stackArgs(resources.map((r) => ({ ...r, outputs: JSON.parse(JSON.stringify(r.outputs)) })));
  const t0 = performance.now();
  for (const r of inputs) {
    for (const p of policies) {
      p.validateResource({ ...r, getConfig, stackTags: NO_TAGS }, report);
    }
  }
  const t1 = performance.now();
  for (const p of policies) p.validateStack({ resources: stack, getConfig, stackTags: NO_TAGS }, report);
  const t2 = performance.now();
  return { analyzeMs: t1 - t0, stackMs: t2 - t1, diagnostics, policies: policies.length };
}

module.exports = { runOnce };
