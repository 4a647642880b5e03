// Peer pack of the cold-start benchmark: the published @pulumi/awsguard (a bench dependency, bench/package.json),
// as its README sets it up, loaded as plain JS (no TypeScript compile: the most favourable way to run it).
"use strict";
const { AwsGuard } = require("@pulumi/awsguard");

new AwsGuard({ all: "advisory" });
