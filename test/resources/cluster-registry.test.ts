/**
 * ClusterRegistry updates its name and node-resource-group indexes in place when a new cluster is recorded (a
 * rebuild per cluster was quadratic over Analyze). Whatever the order of records and lookups, every lookup must
 * answer what a registry built from scratch with the same records answers.
 */
import fc from "fast-check";
import { ClusterRegistry, ClusterView } from "../../src/resources/cluster";

const view = (urn: string, name: string, resourceGroup: string, nodeResourceGroup?: string): ClusterView => ({
  urn,
  pulumiName: urn,
  kind: "azure-native",
  name,
  resourceGroup,
  location: "westeurope",
  nodeResourceGroup,
  restrictionLevel: undefined,
  supportPlan: undefined,
  skuName: undefined,
  hasSshKey: false,
});

type Step = { record: ClusterView } | { findByName: [string, string] } | { nodeRg: string };

const names = fc.constantFrom("aks", "AKS", "other", "aks2");
const groups = fc.constantFrom("rg", "RG", "rg2", "MC_rg_aks_westeurope");
const step: fc.Arbitrary<Step> = fc.oneof(
  fc
    .record({
      urn: fc.constantFrom("a", "b", "c", "d", "e"),
      name: names,
      group: groups,
      nodeRg: fc.option(fc.constantFrom("nodes", "NODES", "MC_rg_aks_westeurope"), { nil: undefined }),
    })
    .map(({ urn, name, group, nodeRg }) => ({ record: view(urn, name, group, nodeRg) })),
  fc.tuple(groups, names).map((args) => ({ findByName: args })),
  fc.constantFrom("nodes", "mc_rg_aks_westeurope", "MC_RG2_AKS_WESTEUROPE").map((nodeRg) => ({ nodeRg })),
);

describe("ClusterRegistry indexes", () => {
  it("answer every lookup as a registry rebuilt from the same records does", () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const incremental = new ClusterRegistry();
        const records: ClusterView[] = [];
        for (const s of steps) {
          if ("record" in s) {
            incremental.record(s.record);
            records.push(s.record);
            continue;
          }
          const rebuilt = new ClusterRegistry();
          for (const r of records) rebuilt.record(r);
          if ("findByName" in s) {
            expect(incremental.findByName(...s.findByName)?.urn).toBe(
              rebuilt.findByName(...s.findByName)?.urn,
            );
          } else {
            expect(incremental.clusterForNodeResourceGroup(s.nodeRg)).toBe(
              rebuilt.clusterForNodeResourceGroup(s.nodeRg),
            );
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
