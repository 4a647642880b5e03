// The served pack: every registered rule, levels resolved per stack. No rule logic lives here.
import { createPolicyPack } from "../src/pack/policy-pack";
import { rules } from "../src/rules";

createPolicyPack(rules);
