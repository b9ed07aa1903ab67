import type { Account, DelegatedAdministrator, OrganizationalUnit, PolicySummary, PolicyTargetSummary, Root } from '@aws-sdk/client-organizations';
import test from 'ava';
import { runCollectors } from '../../src/collectors/runner';
import { accountEntityKey, createEntity, GraphStore } from '../../src/graph';
import { AccountEntities } from '../../src/services/account/schema';
import { selectCollectors } from '../../src/services';
import {
  accountPlacements,
  inheritedPolicies,
  isIamTrustedAccessOff,
  isNoDelegationPolicy,
  managementAccountFacts,
  organizationAccountFacts,
  rootAccessFacts,
  undelegatedSecurityServices,
  type OrganizationRead,
  type OrganizationTree,
} from '../../src/services/organizations/converters';
import { organizationsCollector } from '../../src/services/organizations/collectors';
import { builtinWorld, graphIssues, simulate, temporaryDirectory } from '../helpers/simulate';
import { simulatedAccess } from '../scheduler/sim-access';

// Shapes from the AWS Organizations API Reference (ListRoots, ListOrganizationalUnitsForParent,
// ListAccountsForParent, ListPolicies, ListTargetsForPolicy, ListDelegatedAdministrators examples)
// and the IAM API Reference (ListOrganizationsFeatures).
const ROOT: Root = {
  Id: 'r-examplerootid111',
  Arn: 'arn:aws:organizations::111111111111:root/o-exampleorgid/r-examplerootid111',
  Name: 'Root',
  PolicyTypes: [
    { Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' },
    { Type: 'RESOURCE_CONTROL_POLICY', Status: 'ENABLED' },
  ],
};
const OU_WORKLOADS: OrganizationalUnit = {
  Id: 'ou-examplerootid111-exampleouid111',
  Arn: 'arn:aws:organizations::111111111111:ou/o-exampleorgid/ou-examplerootid111-exampleouid111',
  Name: 'Workloads',
};
const OU_PROD: OrganizationalUnit = {
  Id: 'ou-examplerootid111-exampleouid222',
  Arn: 'arn:aws:organizations::111111111111:ou/o-exampleorgid/ou-examplerootid111-exampleouid222',
  Name: 'Prod',
};
const account = (Id: string, Name: string): Account => ({
  Id,
  Arn: `arn:aws:organizations::111111111111:account/o-exampleorgid/${Id}`,
  Email: `${Name}@example.com`,
  Name,
  Status: 'ACTIVE',
  JoinedMethod: 'CREATED',
  JoinedTimestamp: new Date('2016-11-21T20:48:06.513Z'),
});
const TREE: OrganizationTree = {
  roots: [ROOT],
  organizationalUnits: new Map([
    [ROOT.Id ?? '', [OU_WORKLOADS]],
    [OU_WORKLOADS.Id ?? '', [OU_PROD]],
    [OU_PROD.Id ?? '', []],
  ]),
  accounts: new Map([
    [ROOT.Id ?? '', [account('111111111111', 'Management'), account('333333333333', 'Loose')]],
    [OU_WORKLOADS.Id ?? '', []],
    [OU_PROD.Id ?? '', [account('222222222222', 'Prod')]],
  ]),
};
const summary = (Id: string, Name: string, Type: PolicySummary['Type'], AwsManaged = false): PolicySummary => ({
  Id,
  Arn: AwsManaged
    ? `arn:aws:organizations::aws:policy/${Type?.toLowerCase()}/${Id}`
    : `arn:aws:organizations::111111111111:policy/o-exampleorgid/${Type?.toLowerCase()}/${Id}`,
  Name,
  Description: `${Name} description`,
  Type,
  AwsManaged,
});
const target = (TargetId: string, Type: PolicyTargetSummary['Type']): PolicyTargetSummary => ({
  TargetId,
  Arn: `arn:aws:organizations::111111111111:${Type === 'ACCOUNT' ? 'account' : Type === 'ROOT' ? 'root' : 'ou'}/o-exampleorgid/${TargetId}`,
  Name: TargetId,
  Type,
});
const SCPS = [
  { policy: summary('p-FullAWSAccess', 'FullAWSAccess', 'SERVICE_CONTROL_POLICY', true) },
  { policy: summary('p-examplepolicyid111', 'DenyLeave', 'SERVICE_CONTROL_POLICY'), targets: [target(OU_WORKLOADS.Id ?? '', 'ORGANIZATIONAL_UNIT')] },
  { policy: summary('p-examplepolicyid222', 'AllowedRegions', 'SERVICE_CONTROL_POLICY'), targets: [target('222222222222', 'ACCOUNT')] },
  { policy: summary('p-examplepolicyid333', 'Unattached', 'SERVICE_CONTROL_POLICY'), targets: [] },
];
const RCPS = [
  { policy: summary('p-RCPFullAWSAccess', 'RCPFullAWSAccess', 'RESOURCE_CONTROL_POLICY', true) },
  { policy: summary('p-examplercp00001', 'EnforceTls', 'RESOURCE_CONTROL_POLICY'), targets: [target(ROOT.Id ?? '', 'ROOT')] },
];
const ADMIN: DelegatedAdministrator = {
  ...account('222222222222', 'Prod'),
  DelegationEnabledDate: new Date('2021-05-04T10:00:00Z'),
};

test('placements walk the tree from the root: parent, ancestors and a name path', (t) => {
  const placements = accountPlacements(TREE);
  t.deepEqual(placements.get('222222222222'), {
    parentId: OU_PROD.Id,
    ancestorIds: [ROOT.Id, OU_WORKLOADS.Id, OU_PROD.Id],
    path: 'Root/Workloads/Prod',
  });
  t.deepEqual(placements.get('333333333333'), { parentId: ROOT.Id, ancestorIds: [ROOT.Id], path: 'Root' });
  t.is(placements.size, 3);
});

test('inherited policies: through the OUs above and direct attachment, never FullAWSAccess nor unattached ones', (t) => {
  const placements = accountPlacements(TREE);
  const prod = placements.get('222222222222');
  const loose = placements.get('333333333333');
  if (!prod || !loose) return t.fail('placed');
  t.deepEqual(
    inheritedPolicies(prod, '222222222222', SCPS).map((policy) => policy.Name),
    ['AllowedRegions', 'DenyLeave'],
  );
  t.deepEqual(inheritedPolicies(loose, '333333333333', SCPS), []);
  t.deepEqual(
    inheritedPolicies(loose, '333333333333', RCPS).map((policy) => policy.Id),
    ['p-examplercp00001'],
  );
});

test('centralized root access: the two features, and trusted access off meaning both off', (t) => {
  t.deepEqual(rootAccessFacts({ EnabledFeatures: ['RootCredentialsManagement', 'RootSessions'] }), {
    organizationRootCredentialsManagementEnabled: true,
    organizationRootSessionsEnabled: true,
  });
  t.deepEqual(rootAccessFacts({ EnabledFeatures: ['RootSessions'] }), {
    organizationRootCredentialsManagementEnabled: false,
    organizationRootSessionsEnabled: true,
  });
  t.deepEqual(rootAccessFacts('trusted-access-off'), { organizationRootCredentialsManagementEnabled: false, organizationRootSessionsEnabled: false });
  t.true(isIamTrustedAccessOff({ name: 'ServiceAccessNotEnabledException' }));
  t.false(isIamTrustedAccessOff({ name: 'AccessDenied' }));
  t.true(isNoDelegationPolicy({ name: 'ResourcePolicyNotFoundException' }));
  t.false(isNoDelegationPolicy({ name: 'AccessDeniedException' }));
});

test('security services integrated without a delegated administrator; unknown when an administrator’s services are', (t) => {
  const trusted = [
    { ServicePrincipal: 'guardduty.amazonaws.com', DateEnabled: new Date('2020-02-10T11:00:00Z') },
    { ServicePrincipal: 'securityhub.amazonaws.com', DateEnabled: new Date('2020-02-10T11:00:00Z') },
    { ServicePrincipal: 'sso.amazonaws.com', DateEnabled: new Date('2020-02-10T11:00:00Z') },
  ];
  const services = [{ ServicePrincipal: 'guardduty.amazonaws.com', DelegationEnabledDate: new Date('2021-05-04T10:00:00Z') }];
  t.deepEqual(undelegatedSecurityServices(trusted, [{ administrator: ADMIN, services }]), ['securityhub.amazonaws.com']);
  t.deepEqual(undelegatedSecurityServices(trusted, []), ['guardduty.amazonaws.com', 'securityhub.amazonaws.com']);
  t.is(undelegatedSecurityServices(trusted, [{ administrator: ADMIN, services: undefined }]), undefined);
  t.is(undelegatedSecurityServices(undefined, []), undefined);
});

test('account facts: the management account’s organization facts, each member’s placement, policies and delegated services', (t) => {
  const read: OrganizationRead = {
    managementAccountId: '111111111111',
    rootAccess: { EnabledFeatures: ['RootCredentialsManagement'] },
    trustedServices: [{ ServicePrincipal: 'securityhub.amazonaws.com', DateEnabled: new Date('2020-02-10T11:00:00Z') }],
    delegationPolicy: null,
    delegatedAdministrators: [{ administrator: ADMIN, services: [{ ServicePrincipal: 'securityhub.amazonaws.com' }] }],
    tree: TREE,
    serviceControlPolicies: SCPS,
    resourceControlPolicies: RCPS,
  };
  const facts = organizationAccountFacts(read, ['111111111111', '222222222222', '333333333333', '999999999999']);
  t.deepEqual(facts.get('111111111111'), {
    organizationalUnitId: ROOT.Id,
    organizationalUnitPath: 'Root',
    organizationRootCredentialsManagementEnabled: true,
    organizationRootSessionsEnabled: false,
    organizationTrustedServices: ['securityhub.amazonaws.com'],
    organizationDelegationPolicyPresent: false,
    organizationDelegatedAdministrators: ['222222222222'],
    organizationUndelegatedSecurityServices: undefined,
    organizationUndelegatedSecurityServiceCount: 0,
  });
  t.deepEqual(facts.get('222222222222'), {
    organizationalUnitId: OU_PROD.Id,
    organizationalUnitPath: 'Root/Workloads/Prod',
    inheritedScpIds: ['p-examplepolicyid222', 'p-examplepolicyid111'],
    inheritedScpNames: ['AllowedRegions', 'DenyLeave'],
    inheritedScpCount: 2,
    inheritedRcpIds: ['p-examplercp00001'],
    inheritedRcpNames: ['EnforceTls'],
    inheritedRcpCount: 1,
    delegatedAdministratorServices: ['securityhub.amazonaws.com'],
  });
  t.is(facts.get('333333333333')?.inheritedScpCount, 0);
  // An account the tree does not place gets no placement nor policies (unknown, not "none").
  t.deepEqual(facts.get('999999999999'), {});
  // SCPs off at the root: no SCP applies, whatever is attached.
  const off = organizationAccountFacts({ ...read, tree: { ...TREE, roots: [{ ...ROOT, PolicyTypes: [] }] } }, ['222222222222']);
  t.is(off.get('222222222222')?.inheritedScpCount, 0);
  // Unread parts stay unknown.
  t.deepEqual(managementAccountFacts({ managementAccountId: '111111111111' }), {
    organizationTrustedServices: undefined,
    organizationDelegationPolicyPresent: undefined,
    organizationDelegatedAdministrators: undefined,
    organizationUndelegatedSecurityServices: undefined,
    organizationUndelegatedSecurityServiceCount: undefined,
  });
  const present = managementAccountFacts({ managementAccountId: '111111111111', delegationPolicy: { Content: '{}' } });
  t.is(present.organizationDelegationPolicyPresent, true);
});

const ORGANIZATION_COLLECTORS = () => selectCollectors({ include: ['organizations'] });

test('through the simulator: the demo organization’s facts on the ingested accounts, no errors, valid entities', async (t) => {
  const { graph, summary: run } = await simulate(builtinWorld(), { collectors: ORGANIZATION_COLLECTORS() });
  t.deepEqual(run.errors, []);
  const management = graph.getEntity(accountEntityKey('111111111111'));
  t.is(management?.organizationRootCredentialsManagementEnabled, true);
  t.is(management?.organizationRootSessionsEnabled, false);
  t.is(management?.organizationDelegationPolicyPresent, false);
  t.deepEqual(management?.organizationDelegatedAdministrators, ['222222222222']);
  t.deepEqual(management?.organizationUndelegatedSecurityServices, ['cloudtrail.amazonaws.com', 'config.amazonaws.com']);
  t.is(management?.organizationUndelegatedSecurityServiceCount, 2);
  t.is(management?.inheritedScpCount, undefined, 'SCPs do not apply to the management account');
  const production = graph.getEntity(accountEntityKey('222222222222'));
  t.is(production?.organizationalUnitPath, 'Root/Workloads/Production');
  t.deepEqual(production?.inheritedScpNames, ['DenyLeaveOrganization', 'DenyRegionsOutsideAllowed']);
  t.deepEqual(production?.inheritedRcpNames, ['EnforceSecureTransport']);
  t.deepEqual(production?.delegatedAdministratorServices, ['guardduty.amazonaws.com', 'securityhub.amazonaws.com']);
  const staging = graph.getEntity(accountEntityKey('333333333333'));
  t.is(staging?.organizationalUnitPath, 'Root');
  t.is(staging?.inheritedScpCount, 0);
  t.is(staging?.inheritedScpNames, undefined);
  // Skipped and suspended accounts are not ingested: no entity gets their facts.
  t.is(graph.getEntity(accountEntityKey('444444444444')), undefined);
  t.deepEqual(
    graphIssues(graph).filter((issue) => issue._type === 'aws_account'),
    [],
  );
});

test('through the simulator: a delegation policy, IAM without trusted access, and the default organization of a world without a section', async (t) => {
  const world = builtinWorld();
  const section = world.accounts[0].global?.organizations as Record<string, unknown>;
  section.delegationPolicy = { Content: '{"Version":"2012-10-17","Statement":[]}' };
  section.trustedServices = (section.trustedServices as Array<{ ServicePrincipal: string }>).filter(
    (service) => service.ServicePrincipal !== 'iam.amazonaws.com',
  );
  const { graph, summary: run } = await simulate(world, { collectors: ORGANIZATION_COLLECTORS() });
  t.deepEqual(run.errors, [], 'ServiceAccessNotEnabled and a policy are facts, not errors');
  const management = graph.getEntity(accountEntityKey('111111111111'));
  t.is(management?.organizationDelegationPolicyPresent, true);
  t.is(management?.organizationRootCredentialsManagementEnabled, false);
  t.is(management?.organizationRootSessionsEnabled, false);

  const bare = builtinWorld();
  delete bare.accounts[0].global?.organizations;
  const defaults = await simulate(bare, { collectors: ORGANIZATION_COLLECTORS() });
  t.deepEqual(defaults.summary.errors, []);
  const plain = defaults.graph.getEntity(accountEntityKey('222222222222'));
  t.is(plain?.organizationalUnitPath, 'Root');
  t.is(plain?.inheritedScpCount, 0);
  const bareManagement = defaults.graph.getEntity(accountEntityKey('111111111111'));
  t.is(bareManagement?.organizationDelegationPolicyPresent, false);
  t.is(bareManagement?.organizationTrustedServices, undefined);
  t.is(bareManagement?.organizationUndelegatedSecurityServiceCount, 0);
});

test('through the simulator: denied calls are recorded for each account they leave without facts, the run and the other facts go on', async (t) => {
  const denying = () => {
    const world = builtinWorld();
    world.faults = [
      { service: 'organizations', operation: 'ListPolicies', error: 'AccessDenied' },
      { service: 'iam', operation: 'ListOrganizationsFeatures', error: 'ScpDenied' },
    ];
    return world;
  };
  const { graph, summary: run, metadata } = await simulate(denying(), { collectors: ORGANIZATION_COLLECTORS() });
  // The read is made once; its failures are recorded in each scope whose facts they leave unknown
  // (the members' SCPs and RCPs; root access is the management account's only).
  t.deepEqual(run.errors.map((error) => `${error.account} ${error.operation} ${error.code}`).sort(), [
    '111111111111 iam:ListOrganizationsFeatures ScpDenied',
    '111111111111 organizations:ListPolicies AccessDenied',
    '222222222222 organizations:ListPolicies AccessDenied',
    '333333333333 organizations:ListPolicies AccessDenied',
  ]);
  // One read: its calls counted once, in the management account's scope.
  const records = metadata.collectors.filter((record) => record.collector === 'organizations-accounts');
  t.is(records.length, 3);
  t.true((records.find((record) => record.accountId === '111111111111')?.apiCalls ?? 0) > 0);
  t.deepEqual(
    records.filter((record) => record.accountId !== '111111111111').map((record) => record.apiCalls),
    [0, 0],
  );
  const management = graph.getEntity(accountEntityKey('111111111111'));
  t.is(management?.organizationRootCredentialsManagementEnabled, undefined);
  t.is(management?.organizationDelegationPolicyPresent, false);
  const production = graph.getEntity(accountEntityKey('222222222222'));
  t.is(production?.organizationalUnitPath, 'Root/Workloads/Production');
  t.is(production?.inheritedScpCount, undefined, 'unknown, not zero');

  // After a good run, the same denial puts each member's previous policies back, named stale.
  const good = temporaryDirectory();
  await simulate(builtinWorld(), { collectors: ORGANIZATION_COLLECTORS(), outputDir: good });
  const again = await simulate(denying(), { collectors: ORGANIZATION_COLLECTORS(), outputDir: good });
  const carried = again.graph.getEntity(accountEntityKey('222222222222'));
  t.deepEqual(carried?.inheritedScpNames, ['DenyLeaveOrganization', 'DenyRegionsOutsideAllowed']);
  t.deepEqual(carried?.inheritedRcpNames, ['EnforceSecureTransport']);
  t.true((carried?._staleProperties as string[] | undefined)?.includes('inheritedScpNames'));
  t.is(again.graph.getEntity(accountEntityKey('333333333333'))?.inheritedScpCount, 0);
});

/** The demo world with account 222222222222 moved to the root, under a new SCP attached to it directly. */
function reorganized(): ReturnType<typeof builtinWorld> {
  const world = builtinWorld();
  const section = world.accounts[0].global?.organizations as {
    accountParents: Record<string, string>;
    policies: Array<Record<string, unknown>>;
  };
  delete section.accountParents['222222222222'];
  section.policies.push({
    Id: 'p-denyroot001',
    Name: 'DenyRootUser',
    Description: 'Denies every action of the root user',
    Type: 'SERVICE_CONTROL_POLICY',
    AwsManaged: false,
    Targets: ['222222222222'],
  });
  return world;
}

test('a run narrowed to member accounts refreshes their organization facts from the management account, which it does not ingest', async (t) => {
  const outputDir = temporaryDirectory();
  await simulate(builtinWorld(), { collectors: ORGANIZATION_COLLECTORS(), outputDir });
  const { graph, summary: run } = await simulate(reorganized(), {
    collectors: ORGANIZATION_COLLECTORS(),
    outputDir,
    config: { accounts: [{ id: '222222222222' }] },
  });
  t.deepEqual(run.errors, []);
  t.deepEqual(
    run.accounts.map((account) => account.accountId),
    ['222222222222'],
  );
  const production = graph.getEntity(accountEntityKey('222222222222'));
  t.is(production?.organizationalUnitPath, 'Root');
  t.is(production?.organizationalUnitId, 'r-acme');
  t.deepEqual(production?.inheritedScpNames, ['DenyRootUser']);
  t.deepEqual(production?.inheritedRcpNames, ['EnforceSecureTransport']);
  t.deepEqual(production?._staleProperties, undefined);
  // The management account is outside the run: carried as it was, its facts included.
  const management = graph.getEntity(accountEntityKey('111111111111'));
  t.is(management?.organizationRootCredentialsManagementEnabled, true);
  t.is(management?._stale, undefined);
  // The read's calls were made with the management account's role, counted in no ingested account's task.
  t.true(run.apiCalls > 0);
});

test('a member account taken for the management account: every call refused and recorded, the account entity kept', async (t) => {
  const world = builtinWorld();
  const { access } = simulatedAccess(world);
  const graph = new GraphStore();
  const member = { accountId: '222222222222', name: 'acme-production', organization: { managementAccountId: '222222222222' } };
  graph.addEntity(
    createEntity({ _key: accountEntityKey(member.accountId), schema: AccountEntities.ACCOUNT, name: member.name, properties: { accountId: member.accountId } }),
  );
  const result = await runCollectors({
    access,
    graph,
    plan: { accounts: [member], regions: new Map([[member.accountId, ['us-east-1']]]), collectors: [{ ...organizationsCollector, dependsOn: [] }] },
  });
  t.deepEqual(
    result.records.map((record) => record.status),
    ['partial'],
  );
  t.deepEqual(result.errors.map((error) => error.operation).sort(), [
    'iam:ListOrganizationsFeatures',
    'organizations:DescribeResourcePolicy',
    'organizations:ListAWSServiceAccessForOrganization',
    'organizations:ListDelegatedAdministrators',
    'organizations:ListPolicies',
    'organizations:ListRoots',
  ]);
  const entity = graph.getEntity(accountEntityKey(member.accountId));
  t.is(entity?.organizationDelegationPolicyPresent, undefined);
  t.is(entity?.organizationalUnitPath, undefined);
});

test('single-account mode: nothing is read, no error', async (t) => {
  const { graph, summary: run } = await simulate(builtinWorld(), {
    collectors: ORGANIZATION_COLLECTORS(),
    config: { organization: undefined, accounts: [{ id: '222222222222' }] },
  });
  t.deepEqual(run.errors, []);
  t.is(run.apiCalls > 0, true);
  const entity = graph.getEntity(accountEntityKey('222222222222'));
  t.truthy(entity);
  t.is(entity?.organizationalUnitPath, undefined);
  t.is(entity?.master, undefined);
});
