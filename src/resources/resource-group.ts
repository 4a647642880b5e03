/**
 * Resource groups (rule-catalog §2.9): the group a resource lands in or acts on, and the groups a program
 * declares itself (azure-native `resources:ResourceGroup`, classic `core/resourceGroup:ResourceGroup`).
 */
import type { PropertyBag } from "../model/values";
import { Invalid, Read, Unknown, readString } from "../model/values";
import { resourceGroupOf } from "./arm-id";
import { T, TokenSet } from "./tokens";

export const RESOURCE_GROUP_TYPES: readonly string[] = [T.resourceGroup, T.classicResourceGroup];

const resourceGroupTokens = new TokenSet(RESOURCE_GROUP_TYPES);

export function isResourceGroupType(type: string): boolean {
  return resourceGroupTokens.has(type);
}

/**
 * The name of a resource group the resource declares; undefined when the type is not a resource group or the
 * name is missing (azure-native auto-names a group without `resourceGroupName`). Inputs carry
 * `resourceGroupName` (azure-native) or `name` (classic); azure-native outputs carry `name`.
 */
export function declaredResourceGroup(type: string, props: PropertyBag): Read<string> | undefined {
  const base = resourceGroupTokens.match(type);
  if (!base) return undefined;
  const name = base === T.resourceGroup ? readString(props, "resourceGroupName") : undefined;
  return name === undefined ? readString(props, "name") : name;
}

/** Inputs that hold an ARM id whose resource group is the one the resource acts on, in order. */
const ID_INPUTS = [
  "scope",
  "subnetId",
  "networkSecurityGroupId",
  "routeTableId",
  "networkInterfaceId",
  "virtualMachineId",
  "loadbalancerId",
  "targetResourceId",
  "targetResourceUri",
] as const;

export interface ResourceGroupTarget {
  resourceGroup: Read<string>;
  /** The input the group was read from. */
  via: string;
}

/**
 * The resource group a resource lands in or acts on: the first of `resourceGroupName` (a resource group's own
 * name for resource-group types), then the ARM-id inputs in {@link ID_INPUTS}. Undefined when none is present,
 * or the first present one does not name a resource group (e.g. a subscription-level `scope`).
 */
export function targetResourceGroup(type: string, props: PropertyBag): ResourceGroupTarget | undefined {
  if (isResourceGroupType(type)) {
    const name = declaredResourceGroup(type, props);
    return name === undefined ? undefined : { resourceGroup: name, via: "resource group name" };
  }
  const direct = readString(props, "resourceGroupName");
  if (direct !== undefined) {
    return direct === Invalid ? undefined : { resourceGroup: direct, via: "resourceGroupName" };
  }
  for (const path of ID_INPUTS) {
    const id = readString(props, path);
    if (id === undefined) continue;
    if (id === Unknown) return { resourceGroup: Unknown, via: path };
    if (id === Invalid) return undefined;
    const group = resourceGroupOf(id);
    return group === undefined ? undefined : { resourceGroup: group, via: path };
  }
  return undefined;
}
