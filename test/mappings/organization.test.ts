import test from 'ava';
import type { GraphStore, Relationship } from '../../src/graph';
import { selectCollectors } from '../../src/services';
import { MAPPINGS_SERVICE } from '../../src/analysis/mappings';
import { accountEntityKey, serviceEntityKey } from '../../src/graph/service-entities';
import { builtinWorld, graphIssues, simulate } from '../helpers/simulate';

const PROD = '222222222222';
const PEOPLE = [
  { name: 'Alice Admin', email: 'alice@acme.example' },
  { name: 'Bob Security', email: 'bob@acme.example' },
];

function from(graph: GraphStore, key: string, verb: string): Relationship[] {
  return [...graph.allRelationships()].filter((r) => r._fromEntityKey === key && r._class === verb);
}

function entityNamed(graph: GraphStore, type: string, accountId: string, name: string) {
  return graph.entitiesOfType(type).find((e) => e._accountId === accountId && e.name === name);
}

test('the simulated organization: permissions, trusts, instance profiles and people', async (t) => {
  const { graph, summary } = await simulate(builtinWorld(), { collectors: selectCollectors({}, { people: PEOPLE }) });
  t.deepEqual(summary.errors, []);
  t.deepEqual(graphIssues(graph), []);

  // Assignment lines (produced by the IAM collectors) that the permission edges hang from.
  for (const type of [
    'aws_iam_user_has_policy',
    'aws_iam_group_has_policy',
    'aws_iam_role_has_policy',
    'aws_iam_role_has_role_policy',
    'aws_iam_group_contains_user',
  ]) {
    t.true((summary.counts.relationships[type] ?? 0) > 0, `no ${type}`);
  }

  // The administrator's policy (AdministratorAccess attached to the user) allows the whole account.
  const dave = entityNamed(graph, 'aws_iam_user', PROD, 'dave@acme.example');
  t.truthy(dave);
  const attached = from(graph, dave?._key ?? '', 'HAS').map((r) => graph.getEntity(r._toEntityKey));
  const admin = attached.find((policy) => policy?.policyName === 'AdministratorAccess');
  t.truthy(admin, 'AdministratorAccess is attached to the user');
  const adminEdge = from(graph, admin?._key ?? '', 'ALLOWS').find((r) => r._toEntityKey === accountEntityKey(PROD));
  t.is(adminEdge?.admin, true);
  t.deepEqual(adminEdge?.actions, ['*']);

  // Admin except IAM: every collected service but IAM.
  const exceptIam = entityNamed(graph, 'aws_iam_policy', PROD, 'AdminExceptIAM');
  const targets = from(graph, exceptIam?._key ?? '', 'ALLOWS').map((r) => r._toEntityKey);
  t.true(targets.includes(serviceEntityKey(PROD, 's3')) && targets.includes(serviceEntityKey(PROD, 'ec2')));
  t.false(targets.includes(serviceEntityKey(PROD, 'iam')));

  // The cross-account role trusts a mapped account outside the organization.
  const vendor = entityNamed(graph, 'aws_iam_role', PROD, 'vendor-monitoring');
  const vendorTrust = from(graph, vendor?._key ?? '', 'TRUSTS')[0];
  t.is(vendorTrust?._toEntityKey, accountEntityKey('999999999999'));
  t.is(vendorTrust?.externalIdRequired, false);
  const outsider = graph.getEntity(accountEntityKey('999999999999'));
  t.is(outsider?._source, 'system-mapper');
  t.is(outsider?.validated, false);
  // Inside the organization, the trusted role is the ingested one, and the External ID is on the edge.
  const deployer = entityNamed(graph, 'aws_iam_role', PROD, 'staging-deployer');
  const deployerTrust = from(graph, deployer?._key ?? '', 'TRUSTS')[0];
  t.is(graph.getEntity(deployerTrust?._toEntityKey ?? '')?._accountId, '333333333333');
  t.is(graph.getEntity(deployerTrust?._toEntityKey ?? '')?._source, undefined);
  t.true(deployerTrust?.externalIdRequired);
  // The audit role trusts the (ingested) management account.
  const audit = entityNamed(graph, 'aws_iam_role', PROD, 'JupiterOne');
  const auditTrust = from(graph, audit?._key ?? '', 'TRUSTS')[0];
  t.is(auditTrust?._toEntityKey, accountEntityKey('111111111111'));
  t.is(graph.getEntity(accountEntityKey('111111111111'))?._source, undefined);

  // Instances with an instance profile use the profile's role.
  const profiled = graph.entitiesOfType('aws_instance').filter((i) => typeof i.iamInstanceProfileArn === 'string');
  t.true(profiled.length > 0, 'some instance has an instance profile');
  const profiles = new Set(
    graph.entitiesOfType('aws_iam_role').flatMap((r) => (Array.isArray(r.instanceProfileArns) ? (r.instanceProfileArns as string[]) : [])),
  );
  const withRole = profiled.filter((i) => profiles.has(i.iamInstanceProfileArn as string));
  t.true(
    withRole.length > 0,
    `the demo worlds disagree: instances use ${[...new Set(profiled.map((i) => i.iamInstanceProfileArn))].join(', ')}; roles have ${[...profiles].join(', ')}`,
  );
  for (const instance of withRole) {
    const uses = from(graph, instance._key, 'USES').filter((r) => graph.getEntity(r._toEntityKey)?._type === 'aws_iam_role');
    t.is(uses.length, 1, instance._key);
  }

  // People: by user name (alice@...) and by Email tag (bob).
  const alice = entityNamed(graph, 'aws_iam_user', '111111111111', 'alice@acme.example');
  const bob = entityNamed(graph, 'aws_iam_user', '111111111111', 'bob');
  t.deepEqual(
    from(graph, alice?._key ?? '', 'IS').map((r) => r._toEntityKey),
    ['person:alice@acme.example'],
  );
  t.deepEqual(
    from(graph, bob?._key ?? '', 'IS').map((r) => r._toEntityKey),
    ['person:bob@acme.example'],
  );

  // Every mapping edge is declared by the collector that made it.
  const declared = new Set(
    selectCollectors()
      .filter((c) => c.service === MAPPINGS_SERVICE)
      .flatMap((c) => c.relationships.flatMap((r) => (Array.isArray(r.to) ? r.to : [r.to]).map((to) => `${c.id} ${r.from} ${r.verb} ${to}`))),
  );
  const undeclared = new Set<string>();
  for (const r of graph.allRelationships()) {
    if (!r._collector?.startsWith('mappings-')) continue;
    const label = `${r._collector} ${graph.getEntity(r._fromEntityKey)?._type} ${r._class} ${graph.getEntity(r._toEntityKey)?._type}`;
    if (!declared.has(label)) undeclared.add(label);
  }
  t.deepEqual([...undeclared], []);
});
