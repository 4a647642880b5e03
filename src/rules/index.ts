/**
 * The rule registry: every rule the pack serves, sorted by id. Explicit on purpose (no directory
 * scanning, no registration side effects); the conventions test checks it against `src/rules/*.ts`,
 * the tests, the docs and `rule-ids.md`.
 */
import type { Rule } from "../model/rule";
import alphaKubernetesApi from "./aks-alpha-kubernetes-api";
import betaKubernetesApi from "./aks-beta-kubernetes-api";
import clusterAutoUpgrade from "./aks-cluster-auto-upgrade";
import firewallRequiredEgress from "./aks-firewall-required-egress";
import kubernetesVersionSupported from "./aks-kubernetes-version-supported";
import managedComponentsUnmodified from "./aks-managed-components-unmodified";
import nodeOsUpgrade from "./aks-node-os-upgrade";
import nodePoolNotStopped from "./aks-node-pool-not-stopped";
import nodePoolVersionSkew from "./aks-node-pool-version-skew";
import nodeResourceGroupChanges from "./aks-node-resource-group-changes";
import nodeResourceGroupLockdown from "./aks-node-resource-group-lockdown";
import nodeSshAccess from "./aks-node-ssh-access";
import nsgIntraClusterTraffic from "./aks-nsg-intra-cluster-traffic";
import nsgRequiredEgress from "./aks-nsg-required-egress";
import previewApiVersion from "./aks-preview-api-version";
import previewFeatureRegistration from "./aks-preview-feature-registration";
import routeTableEgress from "./aks-route-table-egress";
import systemNodePool from "./aks-system-node-pool";
import vmssDirectModification from "./aks-vmss-direct-modification";

export const rules: readonly Rule[] = Object.freeze([
  alphaKubernetesApi,
  betaKubernetesApi,
  clusterAutoUpgrade,
  firewallRequiredEgress,
  kubernetesVersionSupported,
  managedComponentsUnmodified,
  nodeOsUpgrade,
  nodePoolNotStopped,
  nodePoolVersionSkew,
  nodeResourceGroupChanges,
  nodeResourceGroupLockdown,
  nodeSshAccess,
  nsgIntraClusterTraffic,
  nsgRequiredEgress,
  previewApiVersion,
  previewFeatureRegistration,
  routeTableEgress,
  systemNodePool,
  vmssDirectModification,
]);

export function ruleById(id: string): Rule | undefined {
  return rules.find((r) => r.id === id);
}
