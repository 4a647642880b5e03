// The floor of the cold-start benchmark: a bare @pulumi/policy pack with one trivial policy. Its start-up
// is what every Node.js policy pack pays (node, run-policy-pack, typescript + ts-node, @pulumi/pulumi, gRPC).
"use strict";
const { PolicyPack } = require("@pulumi/policy");

new PolicyPack("bench-floor", {
  policies: [
    {
      name: "floor-noop",
      description: "Never reports anything.",
      enforcementLevel: "advisory",
      validateResource: () => {},
    },
  ],
});
