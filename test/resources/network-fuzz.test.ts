/**
 * Property test: the four network rules never throw, whatever the properties of the resources they read
 * (wrong JSON types, unknown sentinels anywhere, missing fields, odd strings). A throw would surface as the
 * runtime's "internal error" diagnostic.
 */
import fc from "fast-check";
import type { StackResource } from "../../src/model/rule";
import { GuardrailsRuntime } from "../../src/pack/runtime";
import firewall from "../../src/rules/aks-firewall-required-egress";
import intra from "../../src/rules/aks-nsg-intra-cluster-traffic";
import egress from "../../src/rules/aks-nsg-required-egress";
import routes from "../../src/rules/aks-route-table-egress";

const UNK = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const RULES = [egress, intra, routes, firewall];
const TYPES = [...new Set(RULES.flatMap((r) => r.resourceTypes))];

/** Keys the views read, so that random objects hit the interesting paths. */
const KEYS = [
  "name",
  "id",
  "resourceGroupName",
  "resourceName",
  "virtualNetworkName",
  "subnetName",
  "networkSecurityGroupName",
  "securityRuleName",
  "routeTableName",
  "routeName",
  "securityRules",
  "routes",
  "subnets",
  "addressPrefix",
  "addressPrefixes",
  "networkSecurityGroup",
  "routeTable",
  "agentPoolProfiles",
  "vnetSubnetID",
  "podSubnetID",
  "networkProfile",
  "outboundType",
  "priority",
  "direction",
  "access",
  "protocol",
  "sourceAddressPrefix",
  "destinationAddressPrefix",
  "destinationPortRange",
  "destinationPortRanges",
  "nextHopType",
  "nextHopIpAddress",
  "ruleCollections",
  "rules",
  "ruleType",
  "ipProtocols",
  "targetFqdns",
  "fqdnTags",
  "protocols",
  "firewallPolicy",
  "ipConfigurations",
  "privateIPAddress",
  "sourceAddresses",
  "sourceIpGroups",
  "destinationPorts",
  "basePolicy",
];

const leaf = fc.oneof(
  fc.constant(UNK),
  fc.constantFrom(
    "*",
    "Internet",
    "0.0.0.0/0",
    "10.0.0.0/22",
    "::/0",
    "Deny",
    "Allow",
    "Outbound",
    "443",
    "1-65535",
  ),
  fc.constantFrom(
    "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s",
  ),
  fc.string(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);
const value = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: "small" },
    leaf,
    fc.array(tie("node"), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie("node"), { maxKeys: 4 }),
  ),
})).node;

const resource = fc.record({
  type: fc.constantFrom(...TYPES),
  name: fc.constantFrom("a", "b", "c", "d"),
  props: fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 8 }),
  deps: fc.dictionary(
    fc.constantFrom(...KEYS),
    fc.array(fc.constantFrom("a", "b", "c", "d"), { maxLength: 2 }),
    { maxKeys: 3 },
  ),
});

describe("network rules on arbitrary input", () => {
  it("never throw (no internal-error diagnostic)", () => {
    fc.assert(
      fc.property(fc.array(resource, { maxLength: 8 }), (list) => {
        const stack: StackResource[] = list.map((r, i) => ({
          type: r.type,
          urn: `urn:pulumi:dev::p::${r.type}::${r.name}${i}`,
          name: `${r.name}${i}`,
          props: r.props,
          dependencies: [],
          propertyDependencies: Object.fromEntries(
            Object.entries(r.deps).map(([k, names]) => [
              k,
              names.map((n) => {
                const hit = list.findIndex((x) => x.name === n);
                return hit >= 0 ? `urn:pulumi:dev::p::${list[hit].type}::${n}${hit}` : n;
              }),
            ]),
          ),
        }));
        const runtime = new GuardrailsRuntime({
          rules: RULES,
          stack: { stack: "dev", project: "p", organization: "o" },
          stackConfig: {},
        });
        for (const rule of RULES) {
          for (const r of stack) runtime.analyzeResource(rule, r, {}, new Map());
          for (const d of runtime.analyzeStack(rule, stack, {}, new Map())) {
            expect(d.message).not.toContain("internal error");
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
