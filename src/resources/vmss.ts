/**
 * VMSS target view (rule-catalog §2.8): for every resource type that creates, changes, locks, tags,
 * scales or runs code on a virtual machine scale set, which scale set it targets.
 */
import type { PropertyBag } from "../model/values";
import { Read, Unknown, equalsIgnoreCase, readString } from "../model/values";
import { parseVmssId } from "./arm-id";
import { TokenSet } from "./tokens";

export interface VmssTarget {
  resourceGroup: Read<string>;
  name: Read<string>;
  /** Tags of the scale set itself (only on scale-set resources). */
  tags?: unknown;
  /** True for the scale-set resource types themselves (tags are a signal only there). */
  isScaleSet: boolean;
  /** Extension publisher/type (safe to print after a shape check). */
  extension?: { publisher: unknown; type: unknown };
}

const N = (t: string) => `azure-native:${t}`;
const C = (t: string) => `azure:${t}`;

const NATIVE_SCALE_SET = N("compute:VirtualMachineScaleSet");
const NATIVE_BY_VMSS_NAME = [
  "compute:VirtualMachineScaleSetExtension",
  "compute:VirtualMachineScaleSetVM",
  "compute:VirtualMachineScaleSetVMExtension",
  "compute:VirtualMachineScaleSetVMRunCommand",
].map(N);
const NATIVE_GUEST_CONFIG = N("guestconfiguration:GuestConfigurationAssignmentsVMSS");
const NATIVE_AUTOSCALE = N("monitor:AutoscaleSetting");
const NATIVE_MAINTENANCE = N("maintenance:ConfigurationAssignment");
const NATIVE_LOCK_AT_RESOURCE = N("authorization:ManagementLockAtResourceLevel");
const NATIVE_BY_SCOPE = [N("authorization:ManagementLockByScope"), N("resources:TagAtScope")];
const NATIVE_GENERIC_RESOURCE = N("resources:Resource");
const CLASSIC_SCALE_SETS = [
  "compute/linuxVirtualMachineScaleSet:LinuxVirtualMachineScaleSet",
  "compute/windowsVirtualMachineScaleSet:WindowsVirtualMachineScaleSet",
  "compute/orchestratedVirtualMachineScaleSet:OrchestratedVirtualMachineScaleSet",
  "compute/scaleSet:ScaleSet",
].map(C);
const CLASSIC_BY_VMSS_ID = [
  "compute/virtualMachineScaleSetExtension:VirtualMachineScaleSetExtension",
  "compute/scaleSetPacketCapture:ScaleSetPacketCapture",
  "maintenance/assignmentVirtualMachineScaleSet:AssignmentVirtualMachineScaleSet",
].map(C);
const CLASSIC_VMS = [
  "compute/linuxVirtualMachine:LinuxVirtualMachine",
  "compute/windowsVirtualMachine:WindowsVirtualMachine",
].map(C);
const CLASSIC_STANDBY_POOL = C("compute/scaleSetStandbyPool:ScaleSetStandbyPool");
const CLASSIC_AUTOSCALE = C("monitoring/autoscaleSetting:AutoscaleSetting");
const CLASSIC_LOCK = C("management/lock:Lock");

export const VMSS_TARGET_TYPES: readonly string[] = [
  NATIVE_SCALE_SET,
  ...NATIVE_BY_VMSS_NAME,
  NATIVE_GUEST_CONFIG,
  NATIVE_AUTOSCALE,
  NATIVE_MAINTENANCE,
  NATIVE_LOCK_AT_RESOURCE,
  ...NATIVE_BY_SCOPE,
  NATIVE_GENERIC_RESOURCE,
  ...CLASSIC_SCALE_SETS,
  ...CLASSIC_BY_VMSS_ID,
  ...CLASSIC_VMS,
  CLASSIC_STANDBY_POOL,
  CLASSIC_AUTOSCALE,
  CLASSIC_LOCK,
];

const tokens = new TokenSet(VMSS_TARGET_TYPES);

export function isVmssTargetType(type: string): boolean {
  return tokens.has(type);
}

function byName(
  props: PropertyBag,
  rgPath: string,
  namePath: string,
  isScaleSet: boolean,
  tagsPath?: string,
): VmssTarget {
  return {
    resourceGroup: readString(props, rgPath),
    name: readString(props, namePath),
    tags: tagsPath ? props[tagsPath] : undefined,
    isScaleSet,
  };
}

/**
 * A target given by an ARM id; undefined when the id is known and names something other than a VMSS.
 * For generic types (locks, tags, autoscale) an unknown id says nothing about a scale set.
 */
function byId(props: PropertyBag, idPath: string, generic: boolean): VmssTarget | undefined {
  const id = readString(props, idPath);
  if (id === Unknown) {
    return generic ? undefined : { resourceGroup: Unknown, name: Unknown, isScaleSet: false };
  }
  if (typeof id !== "string") return undefined;
  const parsed = parseVmssId(id);
  return parsed ? { resourceGroup: parsed.resourceGroup, name: parsed.name, isScaleSet: false } : undefined;
}

/** Both strings known and equal ignoring case; unknown or missing never match. */
function is(value: Read<string>, expected: string): boolean {
  return typeof value === "string" && equalsIgnoreCase(value, expected);
}

/**
 * The VMSS a resource targets; undefined when the type is not watched or its (known) arguments name
 * something other than a scale set. Generic types with unknown arguments yield undefined: only their
 * known parts can say that they are about a scale set.
 */
export function vmssTarget(type: string, props: PropertyBag): VmssTarget | undefined {
  const base = tokens.match(type);
  if (!base) return undefined;
  if (base === NATIVE_SCALE_SET) return byName(props, "resourceGroupName", "vmScaleSetName", true, "tags");
  if (NATIVE_BY_VMSS_NAME.includes(base)) {
    const target = byName(props, "resourceGroupName", "vmScaleSetName", false);
    if (base.endsWith("Extension")) target.extension = { publisher: props["publisher"], type: props["type"] };
    return target;
  }
  if (base === NATIVE_GUEST_CONFIG) return byName(props, "resourceGroupName", "vmssName", false);
  if (base === NATIVE_AUTOSCALE) return byId(props, "targetResourceUri", true);
  if (base === CLASSIC_AUTOSCALE) return byId(props, "targetResourceId", true);
  if (base === NATIVE_MAINTENANCE) {
    const ok =
      is(readString(props, "providerName"), "Microsoft.Compute") &&
      is(readString(props, "resourceType"), "virtualMachineScaleSets");
    return ok ? byName(props, "resourceGroupName", "resourceName", false) : undefined;
  }
  if (base === NATIVE_LOCK_AT_RESOURCE) {
    const ok =
      is(readString(props, "resourceProviderNamespace"), "Microsoft.Compute") &&
      is(readString(props, "resourceType"), "virtualMachineScaleSets");
    return ok ? byName(props, "resourceGroupName", "resourceName", false) : undefined;
  }
  if (NATIVE_BY_SCOPE.includes(base) || base === CLASSIC_LOCK) return byId(props, "scope", true);
  if (base === NATIVE_GENERIC_RESOURCE) return genericResourceTarget(props);
  if (CLASSIC_SCALE_SETS.includes(base)) return byName(props, "resourceGroupName", "name", true, "tags");
  if (CLASSIC_BY_VMSS_ID.includes(base)) {
    const target = byId(props, "virtualMachineScaleSetId", false);
    if (target && base.includes("Extension"))
      target.extension = { publisher: props["publisher"], type: props["type"] };
    return target;
  }
  if (CLASSIC_VMS.includes(base)) {
    // A standalone VM is only about a scale set when it joins one.
    return props["virtualMachineScaleSetId"] == null
      ? undefined
      : byId(props, "virtualMachineScaleSetId", false);
  }
  if (base === CLASSIC_STANDBY_POOL) return byId(props, "attachedVirtualMachineScaleSetId", false);
  return undefined;
}

/** `azure-native:resources:Resource` addressing a scale set or one of its children. */
function genericResourceTarget(props: PropertyBag): VmssTarget | undefined {
  if (!is(readString(props, "resourceProviderNamespace"), "Microsoft.Compute")) return undefined;
  const resourceType = readString(props, "resourceType");
  const parent = readString(props, "parentResourcePath");
  const resourceName = readString(props, "resourceName");
  const resourceGroup = readString(props, "resourceGroupName");
  const generic: Pick<VmssTarget, "resourceGroup" | "isScaleSet"> = { resourceGroup, isScaleSet: false };
  if (typeof resourceType === "string" && /^virtualMachineScaleSets(\/|$)/i.test(resourceType)) {
    // `virtualMachineScaleSets` → the name is the set; `virtualMachineScaleSets/extensions` → `set/ext`.
    const name = typeof resourceName === "string" ? resourceName.split("/")[0] : resourceName;
    return { ...generic, name, isScaleSet: /^virtualMachineScaleSets$/i.test(resourceType) };
  }
  if (typeof parent === "string") {
    const m = /^virtualMachineScaleSets\/([^/]+)/i.exec(parent);
    if (m) return { ...generic, name: m[1] };
  }
  return undefined;
}
