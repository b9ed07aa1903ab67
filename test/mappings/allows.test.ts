import test from 'ava';
import { GraphStore } from '../../src/graph';
import { accessLevelOf } from '../../src/analysis/actions';
import { serviceEntityKey } from '../../src/graph/service-entities';
import { ACCOUNT, accountGraph, accountKey, bucket, bucketPolicy, edgesFrom, edgeTo, managedPolicy, put, role, runMapping } from './helpers';

const S3 = serviceEntityKey(ACCOUNT, 's3');
const EC2 = serviceEntityKey(ACCOUNT, 'ec2');
const IAM = serviceEntityKey(ACCOUNT, 'iam');
const KMS = serviceEntityKey(ACCOUNT, 'kms');

/** The account with three buckets: two `acme-data-*` and one that is not. */
function world(): GraphStore {
  const graph = accountGraph();
  for (const name of ['acme-data-prod', 'acme-data-dev', 'acme-logs']) put(graph, bucket(name));
  return graph;
}

test('ReadOnlyAccess-style wildcards on * point at the service entities with list and read levels', async (t) => {
  const graph = world();
  const policy = put(
    graph,
    managedPolicy('ReadOnlyAccess', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['s3:Get*', 's3:List*', 'ec2:Describe*'], Resource: '*' }],
    }),
  );
  await runMapping(graph, 'mappings-allows');

  const edges = edgesFrom(graph, policy._key, 'ALLOWS');
  t.deepEqual(edges.map((e) => e._toEntityKey).sort(), [EC2, S3].sort(), 'service entities only: no bucket, no account, no iam or kms');
  const s3 = edgeTo(graph, policy._key, 'ALLOWS', S3);
  t.is(s3?._type, 'aws_iam_policy_allows_s3');
  t.is(s3?._key, `${policy._key}|allows|${S3}`);
  t.deepEqual(s3?.accessLevels, ['list', 'read']);
  t.is(s3?.effect, 'Allow');
  t.is(s3?.admin, false);
  t.deepEqual(s3?.resources, ['*']);
  const actions = s3?.actions as string[];
  t.true(actions.includes('s3:GetObject') && actions.includes('s3:ListBucket') && actions.includes('s3:GetBucketPolicy'));
  t.false(actions.some((a) => a.startsWith('ec2:') || a === 's3:PutObject'));
  t.deepEqual(
    s3?.normalizedActions,
    actions.map((a) => a.toLowerCase()),
  );
  const ec2 = edgeTo(graph, policy._key, 'ALLOWS', EC2);
  t.deepEqual(ec2?.accessLevels, ['list']);
  t.true((ec2?.actions as string[]).every((a) => a.startsWith('ec2:Describe')));
  t.is(s3?.conditions, undefined);
});

test('full access (* on *) points at the account with admin true', async (t) => {
  const graph = world();
  const policy = put(graph, managedPolicy('AdministratorAccess', { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }));
  await runMapping(graph, 'mappings-allows');
  const edges = edgesFrom(graph, policy._key, 'ALLOWS');
  t.is(edges.length, 1);
  t.is(edges[0]._toEntityKey, accountKey(ACCOUNT));
  t.is(edges[0]._type, 'aws_iam_policy_allows_account');
  t.true(edges[0].admin);
  t.deepEqual(edges[0].actions, ['*']);
  t.deepEqual(edges[0].accessLevels, ['list', 'read', 'write', 'permissions', 'tagging']);
});

test('admin except IAM with NotAction allows every non-IAM service, and not IAM', async (t) => {
  const graph = world();
  const policy = put(
    graph,
    managedPolicy('AdminExceptIAM', { Statement: [{ Sid: 'EverythingButIdentity', Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' }] }),
  );
  await runMapping(graph, 'mappings-allows');
  const edges = edgesFrom(graph, policy._key, 'ALLOWS');
  t.deepEqual(edges.map((e) => e._toEntityKey).sort(), [EC2, KMS, S3].sort());
  t.falsy(edgeTo(graph, policy._key, 'ALLOWS', IAM));
  t.falsy(edgeTo(graph, policy._key, 'ALLOWS', accountKey(ACCOUNT)));
  for (const edge of edges) {
    t.is(edge.admin, false);
    t.deepEqual(edge.actions, [`${edge._toEntityKey.split(':').pop()}:*`]);
    t.true((edge.accessLevels as string[]).includes('permissions'));
  }
});

test('NotAction excluding some actions of a service leaves the rest of that service', async (t) => {
  const graph = world();
  const policy = put(graph, managedPolicy('NoS3Deletes', { Statement: [{ Effect: 'Allow', NotAction: 's3:Delete*', Resource: '*' }] }));
  await runMapping(graph, 'mappings-allows');
  const s3 = edgeTo(graph, policy._key, 'ALLOWS', S3);
  const actions = s3?.actions as string[];
  t.true(actions.includes('s3:GetObject'));
  t.false(actions.some((a) => a.startsWith('s3:Delete')));
  t.deepEqual(edgeTo(graph, policy._key, 'ALLOWS', EC2)?.actions, ['ec2:*']);
});

test('a bucket-specific grant matches the acme-data-* buckets and not the third one', async (t) => {
  const graph = world();
  const policy = put(
    graph,
    managedPolicy('DataReaders', {
      Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: ['arn:aws:s3:::acme-data-*', 'arn:aws:s3:::acme-data-*/*'] }],
    }),
  );
  await runMapping(graph, 'mappings-allows');
  const edges = edgesFrom(graph, policy._key, 'ALLOWS');
  t.deepEqual(edges.map((e) => e._toEntityKey).sort(), ['arn:aws:s3:::acme-data-dev', 'arn:aws:s3:::acme-data-prod']);
  const prod = edgeTo(graph, policy._key, 'ALLOWS', 'arn:aws:s3:::acme-data-prod');
  t.is(prod?._type, 'aws_iam_policy_allows_s3_bucket');
  t.deepEqual(prod?.actions, ['s3:GetObject', 's3:ListBucket']);
  t.deepEqual(prod?.resources, ['arn:aws:s3:::acme-data-*', 'arn:aws:s3:::acme-data-*/*']);
  t.deepEqual(prod?.accessLevels, ['list', 'read']);
  t.falsy(edgeTo(graph, policy._key, 'ALLOWS', 'arn:aws:s3:::acme-logs'));
});

test('a bucket policy that denies insecure transport keeps its conditions and does not remove the Allow', async (t) => {
  const graph = world();
  const document = {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AppReads',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/app` },
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::acme-data-prod/*',
      },
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: ['arn:aws:s3:::acme-data-prod', 'arn:aws:s3:::acme-data-prod/*'],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ],
  };
  const policy = put(graph, bucketPolicy('acme-data-prod', document));
  await runMapping(graph, 'mappings-allows');
  const edges = edgesFrom(graph, policy._key, 'ALLOWS');
  t.is(edges.length, 2);
  const allow = edges.find((e) => e.effect === 'Allow');
  const deny = edges.find((e) => e.effect === 'Deny');
  t.is(allow?._toEntityKey, 'arn:aws:s3:::acme-data-prod');
  t.is(allow?._type, 'aws_s3_bucket_policy_allows_bucket');
  t.deepEqual(allow?.actions, ['s3:GetObject']);
  t.deepEqual(allow?.principals, [`arn:aws:iam::${ACCOUNT}:role/app`]);
  t.is(allow?.conditions, undefined);
  t.is(deny?._toEntityKey, 'arn:aws:s3:::acme-data-prod');
  t.deepEqual(deny?.actions, ['s3:*']);
  t.is(deny?.conditions, JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } }));
  t.deepEqual(deny?.principals, ['*']);
  t.not(allow?._key, deny?._key);
  // The bucket policy entity itself is never a target (its key looks like an ARN).
  t.false([...graph.allRelationships()].some((r) => r._toEntityKey === policy._key));
});

test('an explicit Deny removes actions from an Allow, or the whole edge', async (t) => {
  const graph = world();
  const partly = put(
    graph,
    managedPolicy('DataButNoBucketDeletion', {
      Statement: [
        { Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::acme-data-*' },
        { Effect: 'Deny', Action: ['s3:DeleteBucket', 's3:PutBucketPolicy'], Resource: 'arn:aws:s3:::acme-data-prod' },
      ],
    }),
  );
  const entirely = put(
    graph,
    managedPolicy('LogsDenied', {
      Statement: [
        { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-logs/*' },
        { Effect: 'Deny', Action: 's3:*', Resource: 'arn:aws:s3:::acme-logs/*' },
      ],
    }),
  );
  const adminButIam = put(
    graph,
    managedPolicy('AdminDenyIam', {
      Statement: [
        { Effect: 'Allow', Action: '*', Resource: '*' },
        { Effect: 'Deny', Action: 'iam:*', Resource: '*' },
      ],
    }),
  );
  await runMapping(graph, 'mappings-allows');

  const prodAllow = edgesFrom(graph, partly._key, 'ALLOWS').find((e) => e._toEntityKey === 'arn:aws:s3:::acme-data-prod' && e.effect === 'Allow');
  const prodActions = prodAllow?.actions as string[];
  t.true(prodActions.includes('s3:GetObject'));
  t.false(prodActions.includes('s3:DeleteBucket'));
  t.false(prodActions.includes('s3:PutBucketPolicy'));
  t.deepEqual(edgeTo(graph, partly._key, 'ALLOWS', 'arn:aws:s3:::acme-data-dev')?.actions, ['s3:*'], 'the Deny names only the prod bucket');
  const prodDeny = edgesFrom(graph, partly._key, 'ALLOWS').find((e) => e._toEntityKey === 'arn:aws:s3:::acme-data-prod' && e.effect === 'Deny');
  t.deepEqual(prodDeny?.actions, ['s3:DeleteBucket', 's3:PutBucketPolicy']);
  t.deepEqual(prodDeny?.accessLevels, ['write', 'permissions']);

  const logs = edgesFrom(graph, entirely._key, 'ALLOWS');
  t.deepEqual(
    logs.map((e) => e.effect),
    ['Deny'],
    'the Allow is gone; only the Deny edge is left',
  );

  const admin = edgesFrom(graph, adminButIam._key, 'ALLOWS');
  t.falsy(
    admin.find((e) => e._toEntityKey === accountKey(ACCOUNT) && e.effect === 'Allow'),
    'no longer full access',
  );
  t.falsy(admin.find((e) => e._toEntityKey === IAM && e.effect === 'Allow'));
  t.deepEqual(admin.find((e) => e._toEntityKey === S3)?.actions, ['s3:*']);
  t.true(admin.every((e) => e.admin === false));
});

test('a conditional Deny does not remove anything and keeps its conditions', async (t) => {
  const graph = world();
  const condition = { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } };
  const policy = put(
    graph,
    managedPolicy('MfaOrNothing', {
      Statement: [
        { Effect: 'Allow', Action: 's3:*', Resource: '*' },
        { Effect: 'Deny', NotAction: ['iam:ChangePassword', 'sts:GetSessionToken'], Resource: '*', Condition: condition },
      ],
    }),
  );
  await runMapping(graph, 'mappings-allows');
  const s3 = edgesFrom(graph, policy._key, 'ALLOWS').filter((e) => e._toEntityKey === S3);
  t.deepEqual(s3.map((e) => e.effect).sort(), ['Allow', 'Deny']);
  t.deepEqual(s3.find((e) => e.effect === 'Allow')?.actions, ['s3:*']);
  t.is(s3.find((e) => e.effect === 'Deny')?.conditions, JSON.stringify(condition));
  const iamDeny = edgeTo(graph, policy._key, 'ALLOWS', IAM);
  t.is(iamDeny?.effect, 'Deny');
  t.false((iamDeny?.actions as string[]).includes('iam:ChangePassword'));
});

test('NotResource grants point at the service entities with the excluded resources listed', async (t) => {
  const graph = world();
  const policy = put(
    graph,
    managedPolicy('AllButLogs', { Statement: [{ Effect: 'Allow', Action: 's3:*', NotResource: ['arn:aws:s3:::acme-logs', 'arn:aws:s3:::acme-logs/*'] }] }),
  );
  await runMapping(graph, 'mappings-allows');
  const edges = edgesFrom(graph, policy._key, 'ALLOWS');
  t.deepEqual(
    edges.map((e) => e._toEntityKey),
    [S3],
  );
  t.deepEqual(edges[0].notResources, ['arn:aws:s3:::acme-logs', 'arn:aws:s3:::acme-logs/*']);
});

test('resources in other accounts become mapped entities, validated when their account is ingested', async (t) => {
  const graph = world();
  const policy = put(
    graph,
    managedPolicy('CrossAccount', {
      Statement: [
        { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: 'arn:aws:iam::999999999999:role/deployer' },
        { Effect: 'Allow', Action: 'iam:PassRole', Resource: 'arn:aws:iam::222222222222:role/*' },
        { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::partner-exchange/*' },
      ],
    }),
  );
  await runMapping(graph, 'mappings-allows', { accounts: [ACCOUNT, '222222222222'] });

  const role999 = graph.getEntity('arn:aws:iam::999999999999:role/deployer');
  t.is(role999?._type, 'aws_iam_role');
  t.is(role999?._source, 'system-mapper');
  t.is(role999?.validated, false);
  t.deepEqual(edgeTo(graph, policy._key, 'ALLOWS', 'arn:aws:iam::999999999999:role/deployer')?.actions, ['sts:AssumeRole']);

  const account222 = graph.getEntity(accountKey('222222222222'));
  t.is(account222?._type, 'aws_account');
  t.is(account222?._source, 'system-mapper');
  t.is(account222?.validated, true, 'the account is ingested in this run');
  t.deepEqual(edgeTo(graph, policy._key, 'ALLOWS', accountKey('222222222222'))?.resources, ['arn:aws:iam::222222222222:role/*']);

  const partner = graph.getEntity('arn:aws:s3:::partner-exchange');
  t.is(partner?._type, 'aws_s3_bucket');
  t.is(partner?.validated, false);
  t.truthy(edgeTo(graph, policy._key, 'ALLOWS', 'arn:aws:s3:::partner-exchange'));
});

test('a resource of another account that is in the graph is linked directly', async (t) => {
  const graph = world();
  const other = put(graph, role('deployer', { Statement: [] }, '222222222222'), '222222222222');
  const policy = put(graph, managedPolicy('AssumeDeployer', { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: other._key }] }));
  await runMapping(graph, 'mappings-allows', { accounts: [ACCOUNT, '222222222222'] });
  t.truthy(edgeTo(graph, policy._key, 'ALLOWS', other._key));
  t.is(graph.getEntity(other._key)?._source, undefined);
});

test('policies and resources of other accounts are left to those accounts', async (t) => {
  const graph = world();
  put(graph, bucket('acme-data-other', '222222222222'), '222222222222');
  const policy = put(graph, managedPolicy('Data', { Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-data-*/*' }] }));
  const foreignPolicy = put(graph, managedPolicy('Theirs', { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }, '222222222222'), '222222222222');
  await runMapping(graph, 'mappings-allows');
  t.deepEqual(
    edgesFrom(graph, policy._key, 'ALLOWS')
      .map((e) => e._toEntityKey)
      .sort(),
    ['arn:aws:s3:::acme-data-dev', 'arn:aws:s3:::acme-data-prod'],
  );
  t.deepEqual(edgesFrom(graph, foreignPolicy._key, 'ALLOWS'), []);
});

test('an unreadable document gives no edge and no failure', async (t) => {
  const graph = world();
  const policy = put(graph, managedPolicy('Broken', {}));
  policy.document = '{"Statement": [';
  await runMapping(graph, 'mappings-allows');
  t.deepEqual(edgesFrom(graph, policy._key, 'ALLOWS'), []);
});

test('access levels: Write actions that manage permissions are "permissions"', (t) => {
  t.is(accessLevelOf('PutBucketPolicy', 'Permissions management, Write'), 'permissions');
  t.is(accessLevelOf('CreateGrant', 'Write'), 'permissions');
  t.is(accessLevelOf('PutObjectAcl', 'Write'), 'permissions');
  t.is(accessLevelOf('CreateNetworkAclEntry', 'Write'), 'write');
  t.is(accessLevelOf('PutScalingPolicy', 'Write'), 'write');
  t.is(accessLevelOf('TagResource', 'Tagging, Write'), 'tagging');
  t.is(accessLevelOf('GetBucketPolicy', 'Read'), 'read');
  t.is(accessLevelOf('ListBuckets', 'List'), 'list');
});

test('actions of other services count on the ARNs they act on (sts:AssumeRole on a role)', async (t) => {
  const graph = world();
  const deployer = put(graph, role('deployer', { Statement: [] }));
  const policy = put(
    graph,
    managedPolicy('AssumeAndPass', {
      Statement: [{ Effect: 'Allow', Action: ['sts:AssumeRole', 'iam:PassRole', 's3:GetObject'], Resource: `arn:aws:iam::${ACCOUNT}:role/deploy*` }],
    }),
  );
  await runMapping(graph, 'mappings-allows');
  const edge = edgeTo(graph, policy._key, 'ALLOWS', deployer._key);
  t.is(edge?._type, 'aws_iam_policy_allows_role');
  t.deepEqual(edge?.actions, ['iam:PassRole', 'sts:AssumeRole'], 's3:GetObject does not act on a role');
});
