import { GetBucketLocationCommand, GetBucketPolicyCommand, ListBucketsCommand, paginateListBuckets, S3Client } from '@aws-sdk/client-s3';
import test from 'ava';
import { stringify } from 'yaml';
import type { ClientPlugin } from '../../src/aws/access';
import { relationshipType } from '../../src/graph';
import { allSimulators, selectCollectors } from '../../src/services';
import { s3BucketsCollector } from '../../src/services/s3/collectors';
import { canonicalUserId, s3Simulator, type WorldS3, type WorldS3Bucket } from '../../src/services/s3/sim/simulator';
import { SimulatedAws } from '../../src/sim/simulator';
import { roleAccessKeyId } from '../../src/sim/identity';
import type { World } from '../../src/sim/types';
import { parseWorld, WorldError } from '../../src/sim/world';
import { seededRandom } from '../../src/sim/random';
import { builtinWorld, builtinWorldData, graphIssues, simulate } from '../helpers/simulate';

/**
 * Runs the S3 collector and KMS's (bucket keys are named by key and need their collector), and keeps the S3 errors:
 * other services are developed alongside and are not what these tests look at.
 */
async function ingestS3(world: World) {
  const result = await simulate(world, { collectors: selectCollectors({ include: ['s3', 'kms'] }) });
  return { ...result, errors: result.summary.errors.filter((e) => e.service === 's3') };
}

/** Data-model issues of the S3 entities and relationships. */
function s3Issues(graph: Parameters<typeof graphIssues>[0]) {
  return graphIssues(graph).filter((issue) => issue._type.startsWith('aws_s3'));
}

function ingestedAccounts(world: World) {
  return world.accounts.filter((a) => (a.status ?? 'ACTIVE') === 'ACTIVE' && !a.tags?.['j1-integration']);
}

/** Declared buckets per account id, with their regions. */
function declaredBuckets(world: World): Array<{ accountId: string; region: string; bucket: WorldS3Bucket }> {
  return ingestedAccounts(world).flatMap((account) =>
    Object.entries(account.regions ?? {}).flatMap(([region, sections]) =>
      ((sections.s3 as WorldS3 | undefined)?.buckets ?? []).map((bucket) => ({ accountId: account.id, region, bucket })),
    ),
  );
}

/** A client of the simulated organization, as the access layer would build it. */
function simulatedClient(world: World, accountId: string, region: string): S3Client {
  const simulated = new SimulatedAws(world, allSimulators());
  const client = new S3Client({ region, credentials: { accessKeyId: roleAccessKeyId(accountId), secretAccessKey: 'test' }, maxAttempts: 1 });
  client.middlewareStack.use(simulated.plugin(region));
  return client;
}

test('the simulated organization yields every bucket, policy and declared relationship, all valid, one page at a time', async (t) => {
  const world = builtinWorld();
  world.behaviour = { ...world.behaviour, pageSize: 1 };
  const { graph, summary, metadata, errors } = await ingestS3(world);
  t.deepEqual(errors, []);

  const declared = declaredBuckets(world);
  t.true(declared.length >= 10);
  const buckets = graph.entitiesOfType('aws_s3_bucket');
  t.deepEqual(buckets.map((b) => b.bucketName).sort(), declared.map((d) => d.bucket.Name).sort());
  for (const { accountId, region, bucket } of declared) {
    const entity = graph.getEntity(`arn:aws:s3:::${bucket.Name}`);
    t.is(entity?.accountId, accountId, bucket.Name);
    t.is(entity?.region, region, bucket.Name);
  }
  const policies = graph.entitiesOfType('aws_s3_bucket_policy');
  t.is(policies.length, declared.filter((d) => d.bucket.Policy).length);
  t.true(policies.length > 0);

  // Every relationship type the collector declares is present.
  for (const declaration of s3BucketsCollector.relationships) {
    for (const to of [declaration.to].flat()) {
      const type = relationshipType(declaration.from, declaration.verb, to);
      t.true((summary.counts.relationships[type] ?? 0) > 0, `${type} is produced`);
    }
  }
  t.is(summary.counts.relationships.aws_s3_has_bucket, declared.length);
  t.is(summary.counts.relationships.aws_s3_bucket_has_policy, policies.length);
  // Every SSE-KMS bucket of the demo names a key that exists, so every one gets its edge.
  const kmsBuckets = declared.filter(
    (d) => d.bucket.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm === 'aws:kms',
  );
  t.is(summary.counts.relationships.aws_s3_bucket_uses_kms_key, kmsBuckets.length);
  t.deepEqual(s3Issues(graph), []);

  // ListBuckets was paginated: one page per bucket, plus 9 configuration calls per bucket (the region comes with the listing),
  // the policy status of a bucket with a policy, and replication and Object Lock of a bucket whose versioning was ever set.
  let skipped = 0;
  for (const account of ingestedAccounts(world)) {
    const mine = declared.filter((d) => d.accountId === account.id);
    const conditional = mine.reduce((sum, d) => {
      const entity = graph.getEntity(`arn:aws:s3:::${d.bucket.Name}`);
      return sum + (entity?.hasPolicy === true ? 1 : 0) + (entity?.versioningStatus ? 2 : 0);
    }, 0);
    skipped += mine.length * 3 - conditional;
    const record = metadata.collectors.find((r) => r.accountId === account.id && r.collector === 's3-buckets');
    t.is(record?.status, 'succeeded');
    t.is(record?.apiCalls, mine.length + mine.length * 9 + conditional, account.id);
  }
  t.true(skipped > 0, 'the demo has buckets without a policy or versioning');
});

test('the demo misconfigurations are found: a public bucket by policy, one by ACL, one without encryption', async (t) => {
  const { graph } = await ingestS3(builtinWorld());
  const bucket = (name: string) => graph.getEntity(`arn:aws:s3:::${name}`);

  const assets = bucket('acme-prod-public-assets');
  t.is(assets?.public, true);
  t.regex(String(assets?.publicReason), /bucket policy allows public access/);
  t.is(assets?.blockPublicPolicy, false);
  t.is(graph.getEntity('arn:aws:s3:::acme-prod-public-assets|policy')?.public, true);

  const website = bucket('acme-staging-website');
  t.is(website?.public, true);
  t.is(website?.publicReason, 'ACL grants AllUsers:READ');

  const legacy = bucket('acme-prod-legacy-exports');
  t.is(legacy?.encrypted, false);
  t.is(legacy?.public, false, 'its AllUsers grant is neutralized by the public access block');
  t.true((legacy?.aclGrants as string[]).includes('AllUsers:READ'));

  const publicBuckets = graph
    .entitiesOfType('aws_s3_bucket')
    .filter((b) => b.public === true)
    .map((b) => b.bucketName)
    .sort();
  t.deepEqual(publicBuckets, ['acme-prod-public-assets', 'acme-staging-website']);

  const trail = bucket('acme-cloudtrail-logs-111111111111');
  t.is(trail?.secureTransport, true);
  t.is(trail?.mfaDelete, true);
  t.is(trail?.loggingTargetBucket, 'acme-s3-access-logs-111111111111');
  t.is(trail?.encryptionAlgorithm, 'aws:kms');
  t.is(bucket('acme-prod-app-data')?.replicationEnabled, true);
  t.deepEqual(bucket('acme-prod-app-data')?.destinationBuckets, ['arn:aws:s3:::acme-prod-app-data-replica-eu']);
  t.is(bucket('acme-prod-audit-archive-eu')?.objectLockEnabled, true);
  t.is(bucket('acme-vpc-flow-logs-111111111111')?.lifecycleEnabled, true);
  t.is(bucket('acme-vpc-flow-logs-111111111111')?.secureTransport, false);
  t.truthy(bucket('acme-vpc-flow-logs-222222222222'));
  // SSE-KMS through an alias resolves to the key entity.
  t.truthy(graph.getRelationship('arn:aws:s3:::acme-staging-app-data|uses|arn:aws:kms:us-west-2:333333333333:key/0a1b2c3d-3333-4aaa-8bbb-000000000001'));
});

test('buckets outside the home region are read through their own region client', async (t) => {
  const { graph, errors } = await ingestS3(builtinWorld());
  t.deepEqual(errors, []);
  const replica = graph.getEntity('arn:aws:s3:::acme-prod-app-data-replica-eu');
  t.is(replica?.region, 'eu-west-1');
  t.is(replica?.versioningEnabled, true);
  t.is(replica?.secureTransport, true);
  t.is(replica?.encryptionKeyRef, 'arn:aws:kms:eu-west-1:222222222222:key/0a1b2c3d-2222-4aaa-8bbb-000000000004');
  t.truthy(
    graph.getRelationship('arn:aws:s3:::acme-prod-app-data-replica-eu|uses|arn:aws:kms:eu-west-1:222222222222:key/0a1b2c3d-2222-4aaa-8bbb-000000000004'),
  );
  t.is(graph.getEntity('arn:aws:s3:::acme-terraform-state-111111111111')?.region, 'us-west-2');

  // The same call from the home region's client is redirected, as S3 does: the region client matters.
  const world = builtinWorld();
  const home = simulatedClient(world, '222222222222', 'us-east-1');
  const error = await t.throwsAsync(home.send(new GetBucketPolicyCommand({ Bucket: 'acme-prod-app-data-replica-eu' })));
  t.is(error?.name, 'PermanentRedirect');
  const location = await home.send(new GetBucketLocationCommand({ Bucket: 'acme-prod-app-data-replica-eu' }));
  t.is(location.LocationConstraint, 'eu-west-1');
  const eu = simulatedClient(world, '222222222222', 'eu-west-1');
  t.regex((await eu.send(new GetBucketPolicyCommand({ Bucket: 'acme-prod-app-data-replica-eu' }))).Policy ?? '', /DenyHttp/);
});

test('without BucketRegion in the listing (older endpoints), the region comes from GetBucketLocation', async (t) => {
  const world = builtinWorld();
  const simulated = new SimulatedAws(world, allSimulators());
  // Answers as the simulator does, then drops BucketRegion from ListBuckets, as S3-compatible endpoints do.
  const withoutBucketRegion: ClientPlugin = {
    applyToStack: (stack) => {
      stack.add(
        (next, context) => async (args) => {
          const result = await next(args);
          if (context.commandName === 'ListBucketsCommand') {
            for (const bucket of (result.output as { Buckets?: Array<{ BucketRegion?: string }> }).Buckets ?? []) delete bucket.BucketRegion;
          }
          return result;
        },
        { step: 'initialize', name: 'testDropBucketRegion' },
      );
    },
  };
  const result = await simulate(world, {
    collectors: selectCollectors({ include: ['s3', 'kms'] }),
    access: { plugins: ({ region }) => [simulated.plugin(region), withoutBucketRegion] },
  });
  t.deepEqual(
    result.summary.errors.filter((e) => e.service === 's3'),
    [],
  );
  t.is(simulated.stats.byOperation['s3:GetBucketLocation'], declaredBuckets(world).length);
  t.is(result.graph.getEntity('arn:aws:s3:::acme-prod-app-data-replica-eu')?.region, 'eu-west-1');
  t.is(result.graph.getEntity('arn:aws:s3:::acme-prod-app-data')?.region, 'us-east-1');
  t.is(result.graph.getEntity('arn:aws:s3:::acme-prod-app-data-replica-eu')?.secureTransport, true);
});

test("ListBuckets from one region lists the account's buckets of every region, paginated, and only its own", async (t) => {
  const world = builtinWorld();
  world.behaviour = { ...world.behaviour, pageSize: 2 };
  const client = simulatedClient(world, '222222222222', 'us-east-1');
  const names: string[] = [];
  const regions = new Set<string>();
  let pages = 0;
  for await (const page of paginateListBuckets({ client }, {})) {
    pages++;
    for (const bucket of page.Buckets ?? []) {
      names.push(bucket.Name ?? '');
      regions.add(bucket.BucketRegion ?? '');
    }
  }
  const expected = declaredBuckets(world)
    .filter((d) => d.accountId === '222222222222')
    .map((d) => d.bucket.Name)
    .sort();
  t.deepEqual(names, expected);
  t.deepEqual([...regions].sort(), ['eu-west-1', 'us-east-1']);
  t.is(pages, Math.ceil(expected.length / 2));

  const filtered = await client.send(new ListBucketsCommand({ BucketRegion: 'eu-west-1' }));
  t.is(filtered.Owner?.ID, canonicalUserId('222222222222'), "every page names the account's canonical user as the owner");
  t.deepEqual(
    filtered.Buckets?.map((b) => b.Name),
    ['acme-prod-app-data-replica-eu', 'acme-prod-audit-archive-eu'],
  );

  const other = simulatedClient(world, '222222222222', 'us-east-1');
  const denied = await t.throwsAsync(other.send(new GetBucketPolicyCommand({ Bucket: 'acme-cloudtrail-logs-111111111111' })));
  t.is(denied?.name, 'AccessDenied');
  const missing = await t.throwsAsync(other.send(new GetBucketPolicyCommand({ Bucket: 'no-such-bucket-anywhere' })));
  t.is(missing?.name, 'NoSuchBucket');
});

test('access denied on GetBucketPolicy in one account is recorded, and its buckets are still produced', async (t) => {
  const world = builtinWorld();
  world.faults = [{ account: '222222222222', service: 's3', operation: 'GetBucketPolicy', error: 'AccessDenied' }];
  const { graph, metadata, errors } = await ingestS3(world);

  const production = declaredBuckets(world).filter((d) => d.accountId === '222222222222');
  t.true(production.length > 1);
  t.is(errors.length, 1, 'one error for the account: once denied, the call is not made again for its other buckets');
  for (const error of errors) {
    t.is(error.account, '222222222222');
    t.is(error.code, 'AccessDenied');
    t.is(error.operation, 's3:GetBucketPolicy');
  }
  t.is(metadata.collectors.find((r) => r.accountId === '222222222222' && r.collector === 's3-buckets')?.status, 'partial');

  const buckets = graph.entitiesOfType('aws_s3_bucket');
  for (const { bucket } of production) {
    const entity = graph.getEntity(`arn:aws:s3:::${bucket.Name}`);
    t.truthy(entity, bucket.Name);
    t.false('secureTransport' in (entity ?? {}), `${bucket.Name}: secureTransport is unknown, not false`);
    t.falsy(graph.getEntity(`arn:aws:s3:::${bucket.Name}|policy`));
  }
  t.is(buckets.length, declaredBuckets(world).length);
  // GetBucketPolicyStatus still answers: the public bucket stays public.
  t.is(graph.getEntity('arn:aws:s3:::acme-prod-public-assets')?.public, true);
  // Other accounts are untouched.
  t.truthy(graph.getEntity('arn:aws:s3:::acme-cloudtrail-logs-111111111111|policy'));
  t.deepEqual(s3Issues(graph), []);
});

test('a denied GetBucketVersioning proves nothing: replication and Object Lock are still read', async (t) => {
  const world = builtinWorld();
  world.faults = [{ account: '222222222222', service: 's3', operation: 'GetBucketVersioning', error: 'AccessDenied' }];
  const { graph, errors } = await ingestS3(world);
  t.true(errors.length > 0);
  t.true(errors.every((error) => error.account === '222222222222' && error.operation === 's3:GetBucketVersioning'));
  // Versioning is unknown for every bucket of the account, yet the reads it would have ruled out were made.
  const replicated = graph.getEntity('arn:aws:s3:::acme-prod-app-data');
  t.false('versioningStatus' in (replicated ?? {}), 'versioning is unknown, not absent');
  t.is(replicated?.replicationEnabled, true);
  t.is(graph.getEntity('arn:aws:s3:::acme-prod-audit-archive-eu')?.objectLockEnabled, true);
  t.deepEqual(s3Issues(graph), []);
});

test('a failed ListBuckets fails the collector for that account only', async (t) => {
  const world = builtinWorld();
  world.faults = [{ account: '333333333333', service: 's3', operation: 'ListBuckets', error: 'AccessDenied' }];
  const { graph, metadata, errors } = await ingestS3(world);
  t.is(metadata.collectors.find((r) => r.accountId === '333333333333' && r.collector === 's3-buckets')?.status, 'failed');
  t.true(errors.some((e) => e.account === '333333333333' && e.code === 'AccessDenied' && e.operation === 's3:ListBuckets'));
  t.is(graph.entitiesOfType('aws_s3_bucket').filter((b) => b.accountId === '333333333333').length, 0);
  t.true(graph.entitiesOfType('aws_s3_bucket').some((b) => b.accountId === '222222222222'));
});

test('a bad S3 section gets an error naming the path and the problem', (t) => {
  const data = builtinWorldData();
  const production = data.accounts.find((a) => a.id === '222222222222');
  const section = production?.regions?.['us-east-1']?.s3 as WorldS3;
  (section.buckets?.[0] as unknown as Record<string, unknown>).Versioning = { Status: 'On' };
  const error = t.throws(() => parseWorld(stringify(data), 'bad-world.yaml', allSimulators()), { instanceOf: WorldError });
  t.regex(
    error?.message ?? '',
    /bad-world\.yaml:\d+:\d+: accounts\[1\]\.regions\.us-east-1\.s3\.buckets\[0\]\.Versioning\.Status: must be one of "Enabled", "Suspended"/,
  );

  const again = builtinWorldData();
  const bucket = (again.accounts[1].regions?.['us-east-1']?.s3 as WorldS3).buckets?.[1] as unknown as Record<string, unknown>;
  bucket.PublicAcessBlockConfiguration = {};
  const typo = t.throws(() => parseWorld(stringify(again), 'typo.yaml', allSimulators()), { instanceOf: WorldError });
  t.regex(typo?.message ?? '', /s3\.buckets\[1\]: unknown property "PublicAcessBlockConfiguration"/);
});

test('generated S3 sections are valid worlds and ingest cleanly', async (t) => {
  const world = builtinWorld();
  const random = seededRandom(7);
  for (const account of ingestedAccounts(world)) {
    for (const region of ['us-east-1', 'eu-west-1']) {
      const sections = (account.regions ??= {})[region] ?? {};
      account.regions[region] = { ...sections, s3: s3Simulator.generate?.({ accountId: account.id, region, size: 6, random, sections }) };
    }
  }
  const checked = parseWorld(stringify(world), 'generated.yaml', allSimulators());
  const { graph, errors } = await ingestS3(checked);
  t.deepEqual(errors, []);
  t.is(graph.entitiesOfType('aws_s3_bucket').length, declaredBuckets(checked).length);
  t.true(graph.entitiesOfType('aws_s3_bucket').some((b) => b.encryptionAlgorithm === 'aws:kms'));
  t.deepEqual(s3Issues(graph), []);
});
