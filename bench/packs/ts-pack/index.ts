// The naive pack of the cold-start benchmark: the same entry as policypack/index.ts, but loaded as TypeScript
// (run-policy-pack registers ts-node with type-checking), as a pack without a build step would be.
import { createPolicyPack } from "../../../src/pack/policy-pack";
import { rules } from "../../../src/rules";

createPolicyPack(rules);
