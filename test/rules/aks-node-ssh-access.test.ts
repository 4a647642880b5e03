/**
 * `aks-node-ssh-access` (rule-catalog §2.7): table-driven; every case runs through the real pipeline
 * (Analyze for each resource, then AnalyzeStack) and asserts rule id, level, resource and message fragments.
 * Key material must never reach a message.
 */
import rule from "../../src/rules/aks-node-ssh-access";
import { RuleCase, UNK, expectCase, fuzzRule, stressRule } from "../support/run-rule";

const KEY = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 user@host";

const valid: RuleCase[] = [
  {
    name: "P1 key configured, SSH disabled on the pool",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "p1",
        props: {
          resourceGroupName: "rg",
          linuxProfile: { adminUsername: "azureuser", ssh: { publicKeys: [{ keyData: KEY }] } },
          agentPoolProfiles: [{ name: "sys", mode: "System", securityProfile: { sshAccess: "Disabled" } }],
        },
      },
    ],
    expected: [],
  },
  {
    name: "P2 no key configured",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "p2",
        props: { resourceGroupName: "rg", agentPoolProfiles: [{ name: "sys", mode: "System" }] },
      },
    ],
    expected: [],
  },
  {
    name: "P3 Windows AgentPool",
    resources: [
      {
        type: "azure-native:containerservice:AgentPool",
        name: "p3",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks1",
          agentPoolName: "win",
          mode: "User",
          osType: "Windows",
        },
      },
    ],
    expected: [],
  },
  {
    name: "U1 sshAccess unknown: nothing (advisory rule)",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "u1",
        props: {
          resourceGroupName: "rg",
          linuxProfile: { adminUsername: "azureuser", ssh: { publicKeys: [{ keyData: KEY }] } },
          agentPoolProfiles: [{ name: "sys", mode: "System", securityProfile: { sshAccess: UNK } }],
        },
      },
    ],
    expected: [],
  },
  {
    name: "versioned token, key configured, every Linux pool disabled (case-insensitive), Windows pool skipped",
    resources: [
      {
        type: "azure-native:containerservice/v20240402preview:ManagedCluster",
        name: "aks",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks1",
          linuxProfile: { adminUsername: "azureuser", ssh: { publicKeys: [{ keyData: KEY }] } },
          agentPoolProfiles: [
            { name: "sys", mode: "System", securityProfile: { sshAccess: "disabled" } },
            { name: "win", mode: "User", osType: "Windows" },
          ],
        },
      },
    ],
    expected: [],
  },
  {
    name: "Entra ID SSH (a preview value) is left to the preview rules",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "aks",
        props: {
          resourceGroupName: "rg",
          linuxProfile: { adminUsername: "azureuser", ssh: { publicKeys: [{ keyData: KEY }] } },
          agentPoolProfiles: [{ name: "sys", mode: "System", securityProfile: { sshAccess: "EntraId" } }],
        },
      },
    ],
    expected: [],
  },
  {
    name: "AgentPool of a cluster outside the stack (default config)",
    resources: [
      {
        type: "azure-native:containerservice:AgentPool",
        name: "apps",
        props: { resourceGroupName: "rg", resourceName: "elsewhere", agentPoolName: "apps", mode: "User" },
      },
    ],
    expected: [],
  },
  {
    name: "classic cluster without linuxProfile, and a classic node pool",
    resources: [
      {
        type: "azure:containerservice/kubernetesCluster:KubernetesCluster",
        name: "c",
        props: {
          name: "aks1",
          resourceGroupName: "rg",
          defaultNodePool: { name: "sys", vmSize: "Standard_D4s_v5" },
        },
      },
      {
        type: "azure:containerservice/kubernetesClusterNodePool:KubernetesClusterNodePool",
        name: "np",
        props: { name: "user" },
        propertyDependencies: { kubernetesClusterId: ["c"] },
      },
    ],
    expected: [],
  },
];

const invalid: RuleCase[] = [
  {
    name: "F1 key configured, SSH on by default (key never printed)",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "f1",
        props: {
          resourceGroupName: "rg",
          linuxProfile: { adminUsername: "azureuser", ssh: { publicKeys: [{ keyData: KEY }] } },
          agentPoolProfiles: [{ name: "sys", mode: "System" }],
        },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "f1",
        message: [
          'Linux pool "sys" of cluster "f1" allows SSH to its nodes (securityProfile.sshAccess=LocalUser, the default)',
          "the cluster has an SSH public key (`linuxProfile.ssh.publicKeys`, not shown)",
          "(S45, S47)",
          "Support policy: §node-maintenance-and-access (S12, S34, S45, S47)",
          'Fix: set `securityProfile: { sshAccess: "Disabled" }` on every Linux pool',
        ],
      },
    ],
    notInMessage: ["AAAA", "user@host", "azureuser"],
  },
  {
    name: "F2 explicit LocalUser with public node IPs",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "f2",
        props: {
          resourceGroupName: "rg",
          linuxProfile: { adminUsername: "azureuser", ssh: { publicKeys: [{ keyData: KEY }] } },
          agentPoolProfiles: [
            {
              name: "sys",
              mode: "System",
              securityProfile: { sshAccess: "LocalUser" },
              enableNodePublicIP: true,
            },
          ],
        },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "f2",
        message: [
          "(securityProfile.sshAccess=LocalUser)",
          "its nodes have public IPs (enableNodePublicIP=true)",
        ],
      },
    ],
    notInMessage: ["AAAA"],
  },
  {
    name: "F3 classic cluster with an SSH key",
    resources: [
      {
        type: "azure:containerservice/kubernetesCluster:KubernetesCluster",
        name: "f3",
        props: {
          resourceGroupName: "rg",
          defaultNodePool: { name: "sys", vmSize: "Standard_D4s_v5" },
          linuxProfile: { adminUsername: "azureuser", sshKey: { keyData: KEY } },
        },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "f3",
        message: [
          'cluster "f3" configures an SSH public key for its Linux nodes (`linuxProfile.sshKey`, not shown)',
          "Fix: remove `linuxProfile` (this replaces the cluster)",
        ],
      },
    ],
    notInMessage: ["AAAA"],
  },
  {
    name: "versioned token, lower-case localuser, one finding per Linux pool",
    resources: [
      {
        type: "azure-native:containerservice/v20240402preview:ManagedCluster",
        name: "aks",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks1",
          linuxProfile: { adminUsername: "azureuser", ssh: { publicKeys: [{ keyData: KEY }] } },
          agentPoolProfiles: [
            { name: "sys", mode: "System", securityProfile: { sshAccess: "localuser" } },
            { name: "apps", mode: "User", osType: "linux" },
            { name: "win", mode: "User", osType: "Windows" },
          ],
        },
      },
    ],
    expected: [
      { level: "advisory", on: "aks", message: 'Linux pool "sys" of cluster "aks1"' },
      { level: "advisory", on: "aks", message: 'Linux pool "apps" of cluster "aks1"' },
    ],
  },
  {
    name: "AgentPool of a cluster with a key, joined by resource group and name at Analyze",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "aks",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks1",
          linuxProfile: { adminUsername: "azureuser", ssh: { publicKeys: [{ keyData: KEY }] } },
          agentPoolProfiles: [{ name: "sys", mode: "System", securityProfile: { sshAccess: "Disabled" } }],
        },
      },
      {
        type: "azure-native:containerservice:AgentPool",
        name: "batch-pool",
        props: { resourceGroupName: "rg", resourceName: "aks1", agentPoolName: "batch", mode: "User" },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "batch-pool",
        phase: "analyze",
        message: 'Linux pool "batch" of cluster "aks1"',
      },
    ],
  },
  {
    name: "AgentPool whose cluster name is unknown in preview: joined by dependency over the stack",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "aks",
        props: {
          resourceGroupName: UNK,
          resourceName: "aks1",
          linuxProfile: { adminUsername: "azureuser", ssh: { publicKeys: [{ keyData: KEY }] } },
          agentPoolProfiles: [{ name: "sys", mode: "System", securityProfile: { sshAccess: "Disabled" } }],
        },
        outputs: {
          name: UNK,
          linuxProfile: { adminUsername: "azureuser", ssh: { publicKeys: [{ keyData: KEY }] } },
          agentPoolProfiles: [{ name: "sys", mode: "System", securityProfile: { sshAccess: "Disabled" } }],
        },
      },
      {
        type: "azure-native:containerservice/v20240402preview:AgentPool",
        name: "batch-pool",
        props: {
          resourceGroupName: UNK,
          resourceName: UNK,
          agentPoolName: "batch",
          mode: "User",
          enableNodePublicIP: true,
        },
        outputs: { name: UNK, mode: "User", enableNodePublicIP: true },
        propertyDependencies: { resourceGroupName: ["rg"], resourceName: ["aks"] },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "batch-pool",
        phase: "stack",
        message: ['Linux pool "batch" of cluster "aks1" allows SSH', "enableNodePublicIP=true"],
      },
    ],
    notInMessage: ["AAAA"],
  },
  {
    name: "flagWithoutKey: a cluster without a key",
    config: { flagWithoutKey: true },
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "aks",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks1",
          agentPoolProfiles: [{ name: "sys", mode: "System" }],
        },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "aks",
        message: "no SSH key is configured yet, but one can be added without changing the pool",
      },
    ],
  },
  {
    name: "flagWithoutKey: an AgentPool of a cluster outside the stack",
    config: { flagWithoutKey: true },
    resources: [
      {
        type: "azure-native:containerservice:AgentPool",
        name: "apps",
        props: { resourceGroupName: "rg", resourceName: "elsewhere", agentPoolName: "apps", mode: "User" },
      },
    ],
    expected: [{ level: "advisory", on: "apps", phase: "analyze", message: 'Linux pool "apps" allows SSH' }],
  },
  {
    name: "made mandatory: unknown sshAccess and unknown key list are advisory cannot-verify",
    config: { enforcementLevel: "mandatory" },
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "aks",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks1",
          linuxProfile: { adminUsername: "azureuser", ssh: { publicKeys: UNK } },
          agentPoolProfiles: [
            { name: "sys", mode: "System", securityProfile: { sshAccess: "Disabled" } },
            { name: "apps", mode: "User" },
          ],
        },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "aks",
        message:
          'cannot be verified during preview: whether Linux pool "apps" of cluster "aks1" allows SSH to its nodes (whether the cluster has an SSH key is unknown)',
      },
    ],
  },
  {
    name: "made mandatory: a definite finding is mandatory",
    config: { enforcementLevel: "mandatory" },
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "aks",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks1",
          linuxProfile: { adminUsername: "azureuser", ssh: { publicKeys: [{ keyData: KEY }] } },
          agentPoolProfiles: [
            { name: "sys", mode: "System", securityProfile: { sshAccess: UNK } },
            { name: "apps", mode: "User" },
          ],
        },
      },
    ],
    expected: [
      { level: "advisory", on: "aks", message: "(`securityProfile.sshAccess` is unknown)" },
      { level: "mandatory", on: "aks", message: 'Linux pool "apps" of cluster "aks1" allows SSH' },
    ],
    notInMessage: ["AAAA"],
  },
  {
    name: "made mandatory: classic linuxProfile unknown",
    config: { enforcementLevel: "mandatory" },
    resources: [
      {
        type: "azure:containerservice/kubernetesCluster:KubernetesCluster",
        name: "c",
        props: { name: "aks1", resourceGroupName: "rg", defaultNodePool: { name: "sys" }, linuxProfile: UNK },
      },
    ],
    expected: [{ level: "advisory", on: "c", message: 'whether cluster "aks1" configures an SSH key' }],
  },
  {
    name: "sshAccess of the wrong type: advisory cannot-evaluate",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "aks",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks1",
          linuxProfile: { adminUsername: "azureuser", ssh: { publicKeys: [{ keyData: KEY }] } },
          agentPoolProfiles: [{ name: "sys", mode: "System", securityProfile: { sshAccess: false } }],
        },
      },
    ],
    expected: [{ level: "advisory", on: "aks", message: "cannot evaluate `securityProfile.sshAccess`" }],
  },
];

describe(rule.id, () => {
  describe("valid", () => {
    it.each(valid.map((c) => [c.name, c] as const))("%s", (_name, c) => expectCase(rule, c));
  });

  describe("invalid", () => {
    it.each(invalid.map((c) => [c.name, c] as const))("%s", (_name, c) => expectCase(rule, c));
  });

  it("never fails on huge, deeply nested or long input", () => stressRule(rule));

  it("never fails and never echoes unsafe values on random input", () => fuzzRule(rule));
});
