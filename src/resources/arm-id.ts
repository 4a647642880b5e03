/** Parsing Azure Resource Manager ids, case-insensitively as ARM treats them. */

const RESOURCE_GROUP = /\/resourceGroups\/([^/]+)/i;
const VMSS = /\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Compute\/virtualMachineScaleSets\/([^/]+)/i;
const MANAGED_CLUSTER =
  /\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ContainerService\/managedClusters\/([^/]+)$/i;
const SUBSCRIPTION = /^\/subscriptions\/([^/]+)/i;

export function resourceGroupOf(id: string): string | undefined {
  return RESOURCE_GROUP.exec(id)?.[1];
}

export function subscriptionOf(id: string): string | undefined {
  return SUBSCRIPTION.exec(id)?.[1];
}

export function parseVmssId(id: string): { resourceGroup: string; name: string } | undefined {
  const m = VMSS.exec(id);
  return m ? { resourceGroup: m[1], name: m[2] } : undefined;
}

export function parseManagedClusterId(id: string): { resourceGroup: string; name: string } | undefined {
  const m = MANAGED_CLUSTER.exec(id);
  return m ? { resourceGroup: m[1], name: m[2] } : undefined;
}
