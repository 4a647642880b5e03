// Benchmark workload: a deterministic, realistic `pulumi stack export` (deployment v3) of exactly N resources.
// Each "platform unit" of ~46 resources is one AKS estate: resource group, VNet, subnets, NSG + security rules,
// route table + routes, firewall policy, cluster, agent pools (some on versioned API tokens), a kubernetes
// provider with namespaced workloads (a few on beta/alpha APIs, some in kube-system), and unrelated resources
// (storage, key vault + secret, public IP, role assignment, log analytics, random). Every 5th unit also touches
// the node resource group's VMSS (a violation of aks-vmss-direct-modification), every 10th registers an AKS
// preview feature. Secrets are ciphertext, as `pulumi stack export` writes them (the loader makes them unknown).
"use strict";

const STACK = "prod";
const PROJECT = "platform";
const SUB = "00000000-0000-4000-8000-00000000beef";
const AZ_VERSION = "3.28.0";
const K8S_VERSION = "4.34.2";

const urnOf = (type, name, parentType) =>
  `urn:pulumi:${STACK}::${PROJECT}::${parentType ? `${parentType}$` : ""}${type}::${name}`;
const ROOT_TYPE = "pulumi:pulumi:Stack";
const ROOT_URN = urnOf(ROOT_TYPE, `${PROJECT}-${STACK}`);
const UNIT_TYPE = "platform:index:AksEstate";

function secret(i) {
  return {
    "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
    ciphertext: `v1:${Buffer.from(`nonce-${i}`).toString("base64")}:${Buffer.from(`secret-${i}`).toString("base64")}`,
  };
}

function armId(rg, provider, ...path) {
  return `/subscriptions/${SUB}/resourceGroups/${rg}/providers/${provider}/${path.join("/")}`;
}

/** The resources of one platform unit (45, plus a component on odd units), each `{ type, name, inputs, outputs, deps, parentUnit, provider }`. */
function unit(u) {
  const out = [];
  const loc = ["westeurope", "northeurope", "eastus2", "swedencentral"][u % 4];
  const rg = `rg-aks-${u}`;
  const cluster = `aks-${u}`;
  const nodeRg = `MC_${rg}_${cluster}_${loc}`;
  const tags = { env: STACK, team: `team-${u % 7}`, costCenter: `cc-${1000 + (u % 13)}` };
  const add = (type, name, inputs, outputs, opts = {}) => {
    out.push({ type, name, inputs, outputs: { ...inputs, ...outputs }, ...opts });
    return out[out.length - 1];
  };
  const N = (t) => `azure-native:${t}`;

  const group = add(
    N("resources:ResourceGroup"),
    rg,
    { resourceGroupName: rg, location: loc, tags },
    {
      id: `/subscriptions/${SUB}/resourceGroups/${rg}`,
      name: rg,
      properties: { provisioningState: "Succeeded" },
    },
  );
  const vnet = add(
    N("network:VirtualNetwork"),
    `vnet-${u}`,
    {
      resourceGroupName: rg,
      virtualNetworkName: `vnet-${u}`,
      location: loc,
      addressSpace: { addressPrefixes: [`10.${u % 250}.0.0/16`] },
      tags,
    },
    { id: armId(rg, "Microsoft.Network", "virtualNetworks", `vnet-${u}`), provisioningState: "Succeeded" },
    { deps: [group] },
  );
  const nsgRules = [
    ["allow-https-in", 100, "Inbound", "Allow", "Tcp", "*", "443", "Internet", "*"],
    ["allow-lb-in", 110, "Inbound", "Allow", "*", "*", "*", "AzureLoadBalancer", "*"],
    ["deny-all-in", 4000, "Inbound", "Deny", "*", "*", "*", "*", "*"],
    ["allow-api-out", 100, "Outbound", "Allow", "Tcp", "*", "443", "*", "AzureCloud"],
    ["allow-udp-1194", 110, "Outbound", "Allow", "Udp", "*", "1194", "*", `AzureCloud.${loc}`],
    ["deny-internet-out", 4000, "Outbound", "Deny", "*", "*", "*", "*", "Internet"],
  ].map(([name, priority, direction, access, protocol, srcPort, dstPort, src, dst]) => ({
    name,
    priority,
    direction,
    access,
    protocol,
    sourcePortRange: srcPort,
    destinationPortRange: dstPort,
    sourceAddressPrefix: src,
    destinationAddressPrefix: dst,
  }));
  const nsgName = `nsg-aks-${u}`;
  const nsg = add(
    N("network:NetworkSecurityGroup"),
    nsgName,
    {
      resourceGroupName: rg,
      networkSecurityGroupName: nsgName,
      location: loc,
      securityRules: nsgRules,
      tags,
    },
    { id: armId(rg, "Microsoft.Network", "networkSecurityGroups", nsgName), provisioningState: "Succeeded" },
    { deps: [group] },
  );
  for (const rule of nsgRules.slice(0, 5)) {
    const token = u % 10 === 3 ? N("network/v20230901:SecurityRule") : N("network:SecurityRule");
    add(
      token,
      `${nsgName}-${rule.name}`,
      { resourceGroupName: rg, networkSecurityGroupName: nsgName, securityRuleName: rule.name, ...rule },
      {
        id: armId(rg, "Microsoft.Network", "networkSecurityGroups", nsgName, "securityRules", rule.name),
        provisioningState: "Succeeded",
        etag: `W/"${u}-${rule.priority}"`,
      },
      { deps: [nsg] },
    );
  }
  const rtName = `rt-aks-${u}`;
  const rt = add(
    N("network:RouteTable"),
    rtName,
    { resourceGroupName: rg, routeTableName: rtName, location: loc, disableBgpRoutePropagation: true, tags },
    { id: armId(rg, "Microsoft.Network", "routeTables", rtName), provisioningState: "Succeeded" },
    { deps: [group] },
  );
  for (const [name, prefix, hop] of [
    ["default-via-fw", "0.0.0.0/0", "VirtualAppliance"],
    ["onprem", "192.168.0.0/16", "VirtualNetworkGateway"],
  ]) {
    add(
      N("network:Route"),
      `${rtName}-${name}`,
      {
        resourceGroupName: rg,
        routeTableName: rtName,
        routeName: name,
        addressPrefix: prefix,
        nextHopType: hop,
        ...(hop === "VirtualAppliance" ? { nextHopIpAddress: "10.254.0.4" } : {}),
      },
      {
        id: armId(rg, "Microsoft.Network", "routeTables", rtName, "routes", name),
        provisioningState: "Succeeded",
      },
      { deps: [rt] },
    );
  }
  const subnets = ["aks-nodes", "aks-pods", "private-endpoints"].map((name, i) =>
    add(
      N("network:Subnet"),
      `vnet-${u}-${name}`,
      {
        resourceGroupName: rg,
        virtualNetworkName: `vnet-${u}`,
        subnetName: name,
        addressPrefix: `10.${u % 250}.${i * 16}.0/20`,
        ...(i < 2 ? { networkSecurityGroup: { id: nsg.outputs.id }, routeTable: { id: rt.outputs.id } } : {}),
      },
      {
        id: armId(rg, "Microsoft.Network", "virtualNetworks", `vnet-${u}`, "subnets", name),
        provisioningState: "Succeeded",
      },
      { deps: i < 2 ? [vnet, nsg, rt] : [vnet] },
    ),
  );
  const fwPolicy = add(
    N("network:FirewallPolicyRuleCollectionGroup"),
    `fw-aks-${u}`,
    {
      resourceGroupName: "rg-hub",
      firewallPolicyName: "hub-policy",
      ruleCollectionGroupName: `aks-${u}`,
      priority: 200 + u,
      ruleCollections: [
        {
          ruleCollectionType: "FirewallPolicyFilterRuleCollection",
          name: "aks-fqdn",
          priority: 100,
          action: { type: "Allow" },
          rules: [
            {
              ruleType: "ApplicationRule",
              name: "aks",
              sourceAddresses: [`10.${u % 250}.0.0/16`],
              fqdnTags: ["AzureKubernetesService"],
              protocols: [{ protocolType: "Https", port: 443 }],
            },
            {
              ruleType: "NetworkRule",
              name: "ntp",
              sourceAddresses: ["*"],
              destinationAddresses: ["*"],
              destinationPorts: ["123"],
              ipProtocols: ["UDP"],
            },
          ],
        },
      ],
    },
    {
      id: armId(
        "rg-hub",
        "Microsoft.Network",
        "firewallPolicies",
        "hub-policy",
        "ruleCollectionGroups",
        `aks-${u}`,
      ),
    },
  );
  const pools = [
    { name: "system", mode: "System", count: 3, vmSize: "Standard_D4ds_v5" },
    { name: "user1", mode: "User", count: 5, vmSize: "Standard_D8ds_v5" },
    { name: "user2", mode: "User", count: 2, vmSize: "Standard_E8ds_v5" },
  ];
  const k8sVersion = ["1.30.6", "1.31.3", "1.32.0", "1.29.9"][u % 4];
  const clusterRes = add(
    u % 10 === 7
      ? N("containerservice/v20240402preview:ManagedCluster")
      : N("containerservice:ManagedCluster"),
    cluster,
    {
      resourceGroupName: rg,
      resourceName: cluster,
      location: loc,
      dnsPrefix: cluster,
      kubernetesVersion: k8sVersion,
      sku: { name: "Base", tier: u % 3 === 0 ? "Standard" : "Free" },
      identity: { type: "SystemAssigned" },
      enableRBAC: true,
      aadProfile: { managed: true, enableAzureRBAC: true },
      autoUpgradeProfile: {
        upgradeChannel: "patch",
        nodeOSUpgradeChannel: u % 4 === 0 ? "None" : "NodeImage",
      },
      agentPoolProfiles: [
        {
          name: "system",
          mode: "System",
          count: 3,
          vmSize: "Standard_D4ds_v5",
          osType: "Linux",
          osSKU: "AzureLinux",
          type: "VirtualMachineScaleSets",
          vnetSubnetID: subnets[0].outputs.id,
          podSubnetID: subnets[1].outputs.id,
          availabilityZones: ["1", "2", "3"],
          nodeTaints: ["CriticalAddonsOnly=true:NoSchedule"],
        },
      ],
      networkProfile: {
        networkPlugin: "azure",
        networkPolicy: "cilium",
        networkDataplane: "cilium",
        outboundType: u % 2 ? "userDefinedRouting" : "loadBalancer",
        serviceCidr: "172.16.0.0/16",
        dnsServiceIP: "172.16.0.10",
      },
      linuxProfile: {
        adminUsername: "azureuser",
        ssh: {
          publicKeys: [{ keyData: `ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC${"x".repeat(300)} ops@${u}` }],
        },
      },
      addonProfiles: {
        azureKeyvaultSecretsProvider: { enabled: true, config: { enableSecretRotation: "true" } },
        omsagent: {
          enabled: true,
          config: { logAnalyticsWorkspaceResourceID: `/subscriptions/${SUB}/x/${u}` },
        },
      },
      apiServerAccessProfile: { enablePrivateCluster: u % 2 === 0 },
      ...(u % 6 === 0 ? { nodeResourceGroup: `rg-aks-${u}-nodes` } : {}),
      tags,
    },
    {
      id: armId(rg, "Microsoft.ContainerService", "managedClusters", cluster),
      name: cluster,
      fqdn: `${cluster}-abc123.hcp.${loc}.azmk8s.io`,
      nodeResourceGroup: u % 6 === 0 ? `rg-aks-${u}-nodes` : nodeRg,
      provisioningState: "Succeeded",
      powerState: { code: "Running" },
      currentKubernetesVersion: k8sVersion,
      maxAgentPools: 100,
      identityProfile: {
        kubeletidentity: { clientId: `cid-${u}`, objectId: `oid-${u}`, resourceId: `rid-${u}` },
      },
    },
    { deps: [group, subnets[0], subnets[1]], propertyDeps: { agentPoolProfiles: [subnets[0], subnets[1]] } },
  );
  for (const [i, pool] of pools.entries()) {
    add(
      i === 2 && u % 3 === 1 ? N("containerservice/v20240901:AgentPool") : N("containerservice:AgentPool"),
      `${cluster}-${pool.name}`,
      {
        resourceGroupName: rg,
        resourceName: cluster,
        agentPoolName: pool.name,
        mode: pool.mode,
        count: pool.count,
        minCount: pool.count,
        maxCount: pool.count * 3,
        enableAutoScaling: pool.mode === "User",
        vmSize: pool.vmSize,
        osType: "Linux",
        osSKU: "AzureLinux",
        orchestratorVersion: i === 2 && u % 5 === 0 ? "1.27.9" : k8sVersion,
        vnetSubnetID: subnets[0].outputs.id,
        podSubnetID: subnets[1].outputs.id,
        availabilityZones: ["1", "2", "3"],
        upgradeSettings: { maxSurge: "33%" },
        nodeLabels: { pool: pool.name, team: `team-${u % 7}` },
        ...(pool.mode === "System" ? { nodeTaints: ["CriticalAddonsOnly=true:NoSchedule"] } : {}),
        ...(i === 1 && u % 8 === 0 ? { powerState: { code: "Stopped" } } : {}),
      },
      {
        id: armId(rg, "Microsoft.ContainerService", "managedClusters", cluster, "agentPools", pool.name),
        name: pool.name,
        provisioningState: "Succeeded",
        currentOrchestratorVersion: k8sVersion,
        nodeImageVersion: "AzureLinux-202511.10.0",
      },
      { deps: [clusterRes, subnets[0]], propertyDeps: { resourceName: [clusterRes] } },
    );
  }
  // The node resource group's scale set, touched directly (every 5th unit), or an unrelated scale set.
  const touchesNodeRg = u % 5 === 2;
  const vmssRg = touchesNodeRg ? nodeRg : rg;
  const vmssName = touchesNodeRg ? `aks-user1-${10000000 + u}-vmss` : `build-agents-${u}`;
  const vmss = add(
    N("compute:VirtualMachineScaleSet"),
    `vmss-${u}`,
    {
      resourceGroupName: vmssRg,
      vmScaleSetName: vmssName,
      location: loc,
      sku: { name: "Standard_D2ds_v5", capacity: 2, tier: "Standard" },
      upgradePolicy: { mode: "Manual" },
      virtualMachineProfile: {
        osProfile: { computerNamePrefix: "agent", adminUsername: "azureuser", adminPassword: secret(u) },
        storageProfile: {
          imageReference: {
            publisher: "Canonical",
            offer: "ubuntu-24_04-lts",
            sku: "server",
            version: "latest",
          },
        },
        networkProfile: {
          networkInterfaceConfigurations: [
            {
              name: "nic",
              primary: true,
              ipConfigurations: [{ name: "ip", subnet: { id: subnets[2].outputs.id } }],
            },
          ],
        },
      },
      tags: touchesNodeRg ? { ...tags, "aks-managed-poolName": "user1" } : tags,
    },
    {
      id: armId(vmssRg, "Microsoft.Compute", "virtualMachineScaleSets", vmssName),
      provisioningState: "Succeeded",
    },
    { deps: [subnets[2]] },
  );
  add(
    N("compute:VirtualMachineScaleSetExtension"),
    `vmss-${u}-monitor`,
    {
      resourceGroupName: vmssRg,
      vmScaleSetName: vmssName,
      vmssExtensionName: "AzureMonitorLinuxAgent",
      publisher: "Microsoft.Azure.Monitor",
      type: "AzureMonitorLinuxAgent",
      typeHandlerVersion: "1.29",
      autoUpgradeMinorVersion: true,
    },
    {
      id: armId(
        vmssRg,
        "Microsoft.Compute",
        "virtualMachineScaleSets",
        vmssName,
        "extensions",
        "AzureMonitorLinuxAgent",
      ),
      provisioningState: "Succeeded",
    },
    { deps: [vmss] },
  );
  add(
    N("features:SubscriptionFeatureRegistration"),
    `feature-${u}`,
    {
      providerNamespace: u % 10 === 4 ? "Microsoft.ContainerService" : "Microsoft.Storage",
      featureName: u % 10 === 4 ? "AKS-ExtensionManager" : "AllowNFSV3",
      properties: { state: "Registered" },
    },
    {
      id: `/subscriptions/${SUB}/providers/Microsoft.Features/featureProviders/x/subscriptionFeatureRegistrations/${u}`,
    },
  );
  // Kubernetes objects through a cluster-specific provider.
  const k8sProvider = add(
    "pulumi:providers:kubernetes",
    `k8s-${u}`,
    { kubeconfig: secret(u + 100000), version: K8S_VERSION, enableServerSideApply: "true" },
    {},
    { provider: "none", deps: [clusterRes] },
  );
  const ns = `team-${u}`;
  const meta = (name, namespace = ns) => ({
    name,
    namespace,
    labels: { "app.kubernetes.io/name": name, "app.kubernetes.io/part-of": `estate-${u}` },
    annotations: { "pulumi.com/patchForce": "true" },
  });
  const k8s = (token, name, inputs, opts = {}) =>
    add(
      `kubernetes:${token}`,
      `${ns}-${name}`,
      { apiVersion: token.split(":")[0].replace(/^core\//, ""), kind: token.split(":")[1], ...inputs },
      { metadata: { ...inputs.metadata, uid: `uid-${u}-${name}`, resourceVersion: `${u}` } },
      { provider: k8sProvider, ...opts },
    );
  const namespace = k8s("core/v1:Namespace", "ns", { metadata: meta(ns, undefined) });
  const container = (name, image) => ({
    name,
    image,
    ports: [{ containerPort: 8080, name: "http" }],
    resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "1", memory: "512Mi" } },
    securityContext: { runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
    env: [
      { name: "LOG_LEVEL", value: "info" },
      { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } },
    ],
  });
  k8s(
    "apps/v1:Deployment",
    "api",
    {
      metadata: meta("api"),
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: "api" } },
        template: {
          metadata: { labels: { app: "api" } },
          spec: { serviceAccountName: "api", containers: [container("api", `registry.example/api:1.${u}`)] },
        },
      },
    },
    { deps: [namespace] },
  );
  k8s("core/v1:Service", "api-svc", {
    metadata: meta("api"),
    spec: { selector: { app: "api" }, ports: [{ port: 80, targetPort: "http" }], type: "ClusterIP" },
  });
  k8s("core/v1:ConfigMap", "api-config", {
    metadata: meta("api-config"),
    data: { "app.yaml": `replicas: 3\nunit: ${u}\n` },
  });
  k8s("core/v1:Secret", "db", { metadata: meta("db"), type: "Opaque", stringData: secret(u + 200000) });
  k8s("core/v1:ServiceAccount", "api-sa", { metadata: meta("api") });
  k8s("rbac.authorization.k8s.io/v1:Role", "reader", {
    metadata: meta("reader"),
    rules: [{ apiGroups: [""], resources: ["configmaps", "pods"], verbs: ["get", "list", "watch"] }],
  });
  k8s("rbac.authorization.k8s.io/v1:RoleBinding", "reader-binding", {
    metadata: meta("reader"),
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "reader" },
    subjects: [{ kind: "ServiceAccount", name: "api", namespace: ns }],
  });
  k8s("autoscaling/v2:HorizontalPodAutoscaler", "api-hpa", {
    metadata: meta("api"),
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "api" },
      minReplicas: 3,
      maxReplicas: 12,
      metrics: [
        {
          type: "Resource",
          resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } },
        },
      ],
    },
  });
  k8s("networking.k8s.io/v1:Ingress", "api-ing", {
    metadata: meta("api"),
    spec: {
      ingressClassName: "webapprouting.kubernetes.azure.com",
      rules: [
        {
          host: `api-${u}.example.com`,
          http: {
            paths: [
              { path: "/", pathType: "Prefix", backend: { service: { name: "api", port: { number: 80 } } } },
            ],
          },
        },
      ],
    },
  });
  k8s("policy/v1:PodDisruptionBudget", "api-pdb", {
    metadata: meta("api"),
    spec: { minAvailable: 2, selector: { matchLabels: { app: "api" } } },
  });
  k8s("batch/v1:CronJob", "cleanup", {
    metadata: meta("cleanup"),
    spec: {
      schedule: "0 3 * * *",
      jobTemplate: {
        spec: {
          template: {
            spec: {
              restartPolicy: "OnFailure",
              containers: [container("cleanup", "registry.example/cleanup:2")],
            },
          },
        },
      },
    },
  });
  // Beta / alpha APIs on a few units, and managed components in kube-system.
  if (u % 4 === 1) {
    k8s("flowcontrol.apiserver.k8s.io/v1beta3:FlowSchema", "flow", {
      metadata: meta("flow", undefined),
      spec: { priorityLevelConfiguration: { name: "workload-low" }, matchingPrecedence: 1000 },
    });
  } else if (u % 4 === 3) {
    k8s("storagemigration.k8s.io/v1alpha1:StorageVersionMigration", "svm", {
      metadata: meta("svm", undefined),
      spec: { resource: { group: "", version: "v1", resource: "secrets" } },
    });
  } else {
    k8s("networking.k8s.io/v1:NetworkPolicy", "deny-all", {
      metadata: meta("deny-all"),
      spec: { podSelector: {}, policyTypes: ["Ingress"] },
    });
  }
  k8s("core/v1:ConfigMap", "coredns-custom", {
    metadata: meta("coredns-custom", "kube-system"),
    data: { "example.server": `example.com:53 {\n  forward . 10.0.0.${u % 250}\n}\n` },
  });
  // Unrelated resources.
  const sa = `st${u}platform`;
  add(
    N("storage:StorageAccount"),
    sa,
    {
      resourceGroupName: rg,
      accountName: sa,
      location: loc,
      kind: "StorageV2",
      sku: { name: "Standard_ZRS" },
      minimumTlsVersion: "TLS1_2",
      allowBlobPublicAccess: false,
      networkRuleSet: { defaultAction: "Deny", bypass: "AzureServices" },
      tags,
    },
    {
      id: armId(rg, "Microsoft.Storage", "storageAccounts", sa),
      primaryEndpoints: { blob: `https://${sa}.blob.core.windows.net/` },
    },
    { deps: [group] },
  );
  add(
    N("storage:BlobContainer"),
    `${sa}-backups`,
    { resourceGroupName: rg, accountName: sa, containerName: "backups", publicAccess: "None" },
    { id: armId(rg, "Microsoft.Storage", "storageAccounts", sa, "blobServices/default/containers/backups") },
  );
  const kv = `kv-platform-${u}`;
  add(
    N("keyvault:Vault"),
    kv,
    {
      resourceGroupName: rg,
      vaultName: kv,
      location: loc,
      properties: {
        tenantId: SUB,
        sku: { family: "A", name: "standard" },
        enableRbacAuthorization: true,
        enableSoftDelete: true,
      },
      tags,
    },
    { id: armId(rg, "Microsoft.KeyVault", "vaults", kv) },
    { deps: [group] },
  );
  add(
    N("keyvault:Secret"),
    `${kv}-db`,
    {
      resourceGroupName: rg,
      vaultName: kv,
      secretName: "db-password",
      properties: { value: secret(u + 300000) },
    },
    { id: armId(rg, "Microsoft.KeyVault", "vaults", kv, "secrets", "db-password") },
  );
  add(
    N("network:PublicIPAddress"),
    `pip-ingress-${u}`,
    {
      resourceGroupName: rg,
      publicIpAddressName: `pip-ingress-${u}`,
      location: loc,
      sku: { name: "Standard" },
      publicIPAllocationMethod: "Static",
      zones: ["1", "2", "3"],
    },
    {
      id: armId(rg, "Microsoft.Network", "publicIPAddresses", `pip-ingress-${u}`),
      ipAddress: `20.1.${u % 250}.7`,
    },
  );
  add(
    N("authorization:RoleAssignment"),
    `aks-${u}-network-contributor`,
    {
      principalId: `oid-${u}`,
      principalType: "ServicePrincipal",
      roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/4d97b98b-1d4f-4787-a291-c67834d212e7`,
      scope: `/subscriptions/${SUB}/resourceGroups/${rg}`,
    },
    { id: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments/ra-${u}` },
    { deps: [clusterRes] },
  );
  add(
    N("operationalinsights:Workspace"),
    `law-${u}`,
    {
      resourceGroupName: rg,
      workspaceName: `law-${u}`,
      location: loc,
      retentionInDays: 30,
      sku: { name: "PerGB2018" },
    },
    { id: armId(rg, "Microsoft.OperationalInsights", "workspaces", `law-${u}`), customerId: `cust-${u}` },
  );
  add(
    "random:index/randomPassword:RandomPassword",
    `pw-${u}`,
    { length: 32, special: true },
    { result: secret(u + 400000), bcryptHash: secret(u + 500000) },
    { provider: "random" },
  );
  return out;
}

const UNIT_SIZE = unit(0).length + 1; // + the unit's component resource

/**
 * A `pulumi stack export` document of exactly `count` resources (the root stack and default providers
 * included). Resource names are unique; every other unit is a component's children.
 */
function stackExport(count) {
  const resources = [];
  const push = (state) => {
    if (resources.length < count) resources.push(state);
  };
  const providerRef = (pkg, version) => {
    const urn = urnOf(`pulumi:providers:${pkg}`, `default_${version.replace(/\./g, "_")}`);
    return { urn, ref: `${urn}::prov-${pkg}-0001` };
  };
  const az = providerRef("azure-native", AZ_VERSION);
  const random = providerRef("random", "4.18.0");
  push({ urn: ROOT_URN, custom: false, type: ROOT_TYPE, outputs: {} });
  push({
    urn: az.urn,
    custom: true,
    id: "prov-azure-native-0001",
    type: "pulumi:providers:azure-native",
    inputs: { location: "westeurope", subscriptionId: SUB, version: AZ_VERSION },
    outputs: { location: "westeurope", subscriptionId: SUB, version: AZ_VERSION },
    parent: ROOT_URN,
  });
  push({
    urn: random.urn,
    custom: true,
    id: "prov-random-0001",
    type: "pulumi:providers:random",
    inputs: { version: "4.18.0" },
    outputs: { version: "4.18.0" },
    parent: ROOT_URN,
  });
  for (let u = 0; resources.length < count; u++) {
    const inComponent = u % 2 === 1;
    const componentUrn = urnOf(UNIT_TYPE, `estate-${u}`);
    if (inComponent) {
      push({ urn: componentUrn, custom: false, type: UNIT_TYPE, outputs: {}, parent: ROOT_URN });
    }
    const urns = new Map();
    for (const r of unit(u)) {
      const urn = urnOf(r.type, r.name, inComponent ? UNIT_TYPE : undefined);
      urns.set(r, urn);
      let provider;
      if (r.type.startsWith("pulumi:providers:")) provider = undefined;
      else if (r.provider === "random") provider = random.ref;
      else if (r.provider && typeof r.provider === "object")
        provider = `${urns.get(r.provider)}::prov-k8s-${u}`;
      else provider = az.ref;
      const deps = (r.deps ?? []).map((d) => urns.get(d));
      const propertyDependencies = {};
      for (const [key, list] of Object.entries(r.propertyDeps ?? {}))
        propertyDependencies[key] = list.map((d) => urns.get(d));
      const isProvider = r.type.startsWith("pulumi:providers:");
      push({
        urn,
        custom: true,
        id: isProvider ? `prov-k8s-${u}` : (r.outputs.id ?? `${r.name}-id`),
        type: r.type,
        inputs: r.inputs,
        outputs: r.outputs,
        parent: inComponent ? componentUrn : ROOT_URN,
        ...(deps.length ? { dependencies: deps } : {}),
        ...(Object.keys(propertyDependencies).length ? { propertyDependencies } : {}),
        ...(provider ? { provider } : {}),
      });
    }
  }
  return {
    version: 3,
    deployment: {
      manifest: { time: "2026-11-24T10:00:00Z", magic: "", version: "v3.248.0" },
      resources,
    },
  };
}

/** Counts by type family, for the report. */
function describe(document) {
  const counts = {};
  for (const r of document.deployment.resources) {
    const t = r.type;
    const family = t.startsWith("kubernetes:")
      ? "kubernetes"
      : t.startsWith("pulumi:")
        ? "pulumi (stack, providers)"
        : t.includes(":containerservice")
          ? "AKS clusters + pools"
          : /:network[:/].*(SecurityGroup|SecurityRule)/.test(t)
            ? "NSGs + rules"
            : t.includes("VirtualMachineScaleSet")
              ? "VMSS + extensions"
              : t.startsWith("platform:")
                ? "components"
                : "other network + unrelated";
    counts[family] = (counts[family] ?? 0) + 1;
  }
  return counts;
}

module.exports = { stackExport, describe, UNIT_SIZE, STACK, PROJECT };
