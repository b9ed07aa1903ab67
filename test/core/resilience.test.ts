import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import test from 'ava';
import { IngestError } from '../../src/ingest';
import { accountEntityKey, serviceEntityKey } from '../../src/graph/service-entities';
import { readSnapshot, SnapshotStore } from '../../src/snapshot';
import { builtinWorld, simulate, temporaryDirectory } from '../helpers/simulate';

test('throttling on 30% of calls yields the identical snapshot hash', async (t) => {
  const calm = await simulate(builtinWorld());
  const world = builtinWorld();
  world.behaviour = { ...world.behaviour, throttleRate: 0.3, seed: 7 };
  const throttled = await simulate(world);
  t.true(throttled.summary.throttledCalls > 0, 'the run was throttled');
  t.true(throttled.summary.apiCalls > calm.summary.apiCalls * 0.9);
  t.deepEqual(throttled.summary.errors, []);
  t.is(throttled.summary.snapshot.sha256, calm.summary.snapshot.sha256);
  t.deepEqual(throttled.summary.counts, calm.summary.counts);
});

test('access denied on one service in one account: run succeeds, error recorded, previous entities carried forward as stale', async (t) => {
  const outputDir = temporaryDirectory();
  const first = await simulate(builtinWorld(), { outputDir });
  const keysBefore = first.graph.entitiesOfType('aws_kms_key').filter((e) => e._accountId === '222222222222');
  t.true(keysBefore.length > 0);

  const world = builtinWorld();
  world.faults = [{ account: '222222222222', service: 'kms', operation: 'ListKeys', error: 'AccessDenied' }];
  const second = await simulate(world, { outputDir });

  const kmsErrors = second.summary.errors.filter((e) => e.service === 'kms');
  t.true(kmsErrors.length > 0);
  for (const error of kmsErrors) {
    t.is(error.account, '222222222222');
    t.is(error.code, 'AccessDenied');
    t.is(error.operation, 'kms:ListKeys');
  }
  const keysAfter = second.graph.entitiesOfType('aws_kms_key').filter((e) => e._accountId === '222222222222');
  t.deepEqual(keysAfter.map((e) => e._key).sort(), keysBefore.map((e) => e._key).sort());
  t.true(keysAfter.every((e) => e._stale === true));
  // Other accounts were refreshed, not carried.
  t.true(
    second.graph
      .entitiesOfType('aws_kms_key')
      .filter((e) => e._accountId !== '222222222222')
      .every((e) => !e._stale),
  );
  const notRefreshed = second.summary.notRefreshed.filter((n) => n.accountId === '222222222222' && n.collector === 'kms-keys');
  t.true(notRefreshed.length > 0);
  t.true(notRefreshed.every((n) => n.types.includes('aws_kms_key')));
  t.is(
    notRefreshed.reduce((sum, n) => sum + n.entitiesCarried, 0),
    keysBefore.length,
  );
  // The HAS edges of the carried keys survive too.
  for (const key of keysAfter) {
    t.truthy(second.graph.getRelationship(`aws:222222222222:service:kms|has|${key._key}`));
  }
  const onDisk = await readSnapshot(second.summary.snapshot.path);
  t.is(onDisk.metadata.counts.staleEntities, keysBefore.length);
});

test('an account whose audit role cannot be assumed is recorded and its previous entities are kept', async (t) => {
  const outputDir = temporaryDirectory();
  await simulate(builtinWorld(), { outputDir });
  const world = builtinWorld();
  const staging = world.accounts.find((a) => a.id === '333333333333');
  if (!staging) return t.fail('the built-in world has a staging account');
  staging.auditRole = false;
  const result = await simulate(world, { outputDir });
  const error = result.summary.errors.find((e) => e.account === '333333333333');
  t.like(error, { region: '*', service: 'sts', code: 'AccessDenied' });
  t.false(result.summary.accounts.some((a) => a.accountId === '333333333333'));
  const carried = [...result.graph.allEntities()].filter((e) => e._accountId === '333333333333');
  t.true(carried.length > 0);
  t.true(carried.every((e) => e._stale));
});

test('a wrong External ID reaches no account: the run fails with a clear error and the stored snapshot stays', async (t) => {
  const outputDir = temporaryDirectory();
  const good = await simulate(builtinWorld(), { outputDir });
  const error = await t.throwsAsync(simulate(builtinWorld(), { outputDir, secrets: { externalId: 'not-the-right-one' } }), { instanceOf: IngestError });
  t.regex(error?.message ?? '', /cannot list the organization's accounts/);
  t.regex(error?.message ?? '', /AccessDenied/);
  t.notRegex(error?.message ?? '', /not-the-right-one/);
  const latest = await new SnapshotStore(outputDir).latest();
  t.is(latest?.graphSha256, good.summary.snapshot.sha256);
});

test('a crash while writing leaves the previous snapshot intact and no partial file behind', async (t) => {
  const outputDir = temporaryDirectory();
  const good = await simulate(builtinWorld(), { outputDir });
  const before = await fs.readdir(path.join(outputDir, 'snapshots'));
  const world = builtinWorld();
  world.faults = [{ account: '222222222222', service: 'kms', error: 'AccessDenied' }];
  await t.throwsAsync(
    simulate(world, {
      outputDir,
      writeHooks: {
        afterBytes: () => {
          throw new Error('simulated crash: disk full');
        },
      },
    }),
    { message: /simulated crash/ },
  );
  t.deepEqual(await fs.readdir(path.join(outputDir, 'snapshots')), before);
  const latest = await new SnapshotStore(outputDir).latest();
  t.is(latest?.graphSha256, good.summary.snapshot.sha256);
  const reread = await readSnapshot(latest?.absolutePath ?? '');
  t.is(reread.metadata.graphSha256, good.summary.snapshot.sha256);
});

test('organization mode skips the SKIP-tagged and suspended accounts and says why', async (t) => {
  const { summary } = await simulate(builtinWorld());
  t.deepEqual(
    summary.skippedAccounts.map((s) => [s.accountId, s.reason]),
    [
      ['444444444444', 'tagged j1-integration:SKIP'],
      ['555555555555', 'account status is SUSPENDED'],
    ],
  );
  t.deepEqual(
    summary.accounts.map((a) => a.accountId),
    ['111111111111', '222222222222', '333333333333'],
  );
  t.false(summary.regions.includes('ap-east-1'));
});

test('the second run of an unchanged world reports no changes and the same hash', async (t) => {
  const outputDir = temporaryDirectory();
  const first = await simulate(builtinWorld(), { outputDir });
  const second = await simulate(builtinWorld(), { outputDir });
  t.is(second.summary.snapshot.sha256, first.summary.snapshot.sha256);
  t.deepEqual(second.summary.changes, { created: 0, updated: 0, deleted: 0 });
  t.is((await new SnapshotStore(outputDir).list()).length, 2);
});

test('an account whose tags cannot be read is not ingested (it may be tagged to be skipped): recorded, its previous entities kept, the others go on', async (t) => {
  const outputDir = temporaryDirectory();
  const good = await simulate(builtinWorld(), { outputDir });
  const world = builtinWorld();
  world.behaviour = { ...world.behaviour, seed: 3 };
  world.faults = [{ service: 'organizations', operation: 'ListTagsForResource', error: 'AccessDenied', probability: 0.5 }];
  const run = await simulate(world, { outputDir });
  const unreadable = run.summary.errors.filter((error) => error.operation === 'organizations:ListTagsForResource').map((error) => error.account);
  const ingested = run.summary.accounts.map((account) => account.accountId);
  t.true(unreadable.length > 0 && ingested.length > 0, `some tags unreadable (${unreadable}), some accounts ingested (${ingested})`);
  t.true(
    unreadable.some((accountId) => good.summary.accounts.some((account) => account.accountId === accountId)),
    'one of them was ingested by the previous run',
  );
  for (const accountId of unreadable) {
    t.false(ingested.includes(accountId), `${accountId} is not ingested`);
    t.true(
      run.summary.notRefreshed.some((scope) => scope.accountId === accountId && scope.region === '*'),
      `${accountId} is listed as not refreshed`,
    );
    const before = [...good.graph.allEntities()].filter((entity) => entity._accountId === accountId && entity._source !== 'system-mapper');
    for (const entity of before) t.true(run.graph.getEntity(entity._key)?._stale === true, `${entity._key} is kept, marked stale`);
  }
  t.regex(run.summary.errors.find((error) => unreadable.includes(error.account))?.message ?? '', /whether to skip it is unknown/);
  // Listed with the reason among the skipped accounts, as the onboarding lists them.
  for (const accountId of unreadable) {
    t.regex(
      run.summary.skippedAccounts.find((skipped) => skipped.accountId === accountId)?.reason ?? '',
      /^its tags cannot be read \(AccessDenied\), so whether it is tagged to be skipped is unknown$/,
    );
  }
});

test('a previous snapshot that cannot be read is a recorded error: the run still writes its own, and the old file stays as it was', async (t) => {
  const outputDir = temporaryDirectory();
  const first = await simulate(builtinWorld(), { outputDir });
  const text = await fs.readFile(first.summary.snapshot.path, 'utf8');
  const truncated = text.slice(0, text.indexOf('],"relationships"'));
  await fs.writeFile(first.summary.snapshot.path, truncated);

  const world = builtinWorld();
  world.faults = [{ account: '222222222222', service: 'kms', operation: 'ListKeys', error: 'AccessDenied' }];
  const second = await simulate(world, { outputDir });
  const unreadable = second.summary.errors.filter((e) => e.code === 'PreviousSnapshotUnreadable');
  t.is(unreadable.length, 1);
  t.regex(unreadable[0].message, /truncated: the metadata line is missing.*nothing was carried forward \(\d+ failed scopes lose their previous entities\)/);
  t.true(
    second.summary.errors.some((e) => e.service === 'kms' && e.account === '222222222222'),
    'the failing service is still recorded',
  );
  t.is(second.summary.changes.created, second.summary.totals.entities, 'nothing to compare with: every entity is new');
  t.is(second.graph.entitiesOfType('aws_kms_key').filter((e) => e._accountId === '222222222222').length, 0, 'nothing could be carried');
  t.is(await fs.readFile(first.summary.snapshot.path, 'utf8'), truncated, 'the damaged file is left as it is');
  t.is((await new SnapshotStore(outputDir).latest())?.graphSha256, second.summary.snapshot.sha256);
});

test('a previous snapshot edited since it was written is used, and the run says its content no longer matches its hash', async (t) => {
  const outputDir = temporaryDirectory();
  const first = await simulate(builtinWorld(), { outputDir });
  const clean = await simulate(builtinWorld(), { outputDir: temporaryDirectory() });
  t.false(clean.summary.errors.some((e) => e.service === 'snapshot'));
  // An entity line that the reader does not parse (nothing failed, nothing to carry) still parses
  // after the edit: only the content hash can tell.
  const text = await fs.readFile(first.summary.snapshot.path, 'utf8');
  const key = first.graph.entitiesOfType('aws_kms_key')[0]._key;
  const line = text.split('\n').find((l) => l.includes(`"_key":${JSON.stringify(key)}`)) ?? '';
  const edited = line.replace(/"_type":/, '"description":"edited by hand","_type":');
  t.not(edited, line);
  await fs.writeFile(first.summary.snapshot.path, text.replace(line, edited));

  const second = await simulate(builtinWorld(), { outputDir });
  const damaged = second.summary.errors.filter((e) => e.code === 'PreviousSnapshotDamaged');
  t.is(damaged.length, 1);
  t.regex(damaged[0].message, /does not match its graphSha256/);
  t.deepEqual(second.summary.changes, { created: 0, updated: 1, deleted: 0 }, 'the edited entity counts as updated');
  t.is(second.summary.snapshot.sha256, first.summary.snapshot.sha256, 'the new snapshot is what AWS says');
});

test('facts a failed collector sets on entities it does not own are carried forward onto the refreshed entities, named in _staleProperties', async (t) => {
  const outputDir = temporaryDirectory();
  const accountId = '111111111111';
  const first = await simulate(builtinWorld(), { outputDir });
  const accountBefore = first.graph.getEntity(accountEntityKey(accountId)) ?? t.fail('no account entity');
  const ec2Before = first.graph.getEntity(serviceEntityKey(accountId, 'ec2')) ?? t.fail('no ec2 entity');
  if (!accountBefore || !ec2Before) return;
  const rootFacts = Object.keys(accountBefore).filter((name) => name.startsWith('rootUser'));
  t.true(rootFacts.length >= 3, 'the world has root-user facts');
  t.is(typeof accountBefore.passwordPolicyPresent, 'boolean');
  const disabledRegion = (ec2Before.ebsEncryptionByDefaultDisabledRegions as string[] | undefined)?.[0] ?? t.fail('no region without EBS encryption');
  if (!disabledRegion) return;

  const world = builtinWorld();
  world.faults = [
    { account: accountId, service: 'iam', operation: 'GetAccountAuthorizationDetails', error: 'AccessDenied' },
    { account: accountId, service: 'iam', operation: 'GetAccountPasswordPolicy', error: 'AccessDenied' },
    // Recorded by ec2-volumes, which goes on (partial): the region's setting is unknown this run.
    { account: accountId, region: disabledRegion, service: 'ec2', operation: 'GetEbsEncryptionByDefault', error: 'AccessDenied' },
  ];
  const second = await simulate(world, { outputDir });
  const failed = new Set(second.summary.notRefreshed.map((record) => `${record.collector}|${record.region}`));
  t.true(failed.has('iam-users|global') && failed.has('iam-password-policy|global'), [...failed].join(', '));
  t.is(second.metadata.collectors.find((r) => r.accountId === accountId && r.region === disabledRegion && r.collector === 'ec2-volumes')?.status, 'partial');

  const account = second.graph.getEntity(accountEntityKey(accountId));
  t.falsy(account?._stale, 'the account entity itself was refreshed');
  for (const name of [...rootFacts, 'passwordPolicyPresent']) t.deepEqual(account?.[name], accountBefore[name], name);
  t.deepEqual(account?._staleProperties, [...rootFacts, 'passwordPolicyPresent'].sort());

  const ec2 = second.graph.getEntity(serviceEntityKey(accountId, 'ec2'));
  t.is(ec2?.[`ebsEncryptionByDefault.${disabledRegion}`], false, "the failed region's setting is the previous one");
  t.true((ec2?._staleProperties ?? []).includes(`ebsEncryptionByDefault.${disabledRegion}`));
  t.false(
    (ec2?._staleProperties ?? []).some((name) => name.endsWith('.us-east-1')),
    'the regions that were read are not stale',
  );
  t.deepEqual(ec2?.ebsEncryptionByDefaultDisabledRegions, ec2Before.ebsEncryptionByDefaultDisabledRegions, 'the summary over regions is recomputed');
  // Edges drawn from the IAM entities that could not be refreshed (ALLOWS and TRUSTS from the mappings) are kept.
  const fromStale = [...first.graph.allRelationships()].filter((r) => second.graph.getEntity(r._fromEntityKey)?._stale);
  const drawnByOthers = fromStale.filter((r) => r._collector !== first.graph.getEntity(r._fromEntityKey)?._collector);
  t.true(
    drawnByOthers.some((r) => r._class === 'ALLOWS'),
    'the world has ALLOWS edges from the IAM entities of the account',
  );
  t.deepEqual(
    fromStale.filter((r) => !second.graph.getRelationship(r._key)).map((r) => r._key),
    [],
  );
  t.deepEqual(second.summary.changes, { created: 0, updated: 0, deleted: 0 }, 'nothing changed in AWS');
  const onDisk = await readSnapshot(second.summary.snapshot.path);
  t.deepEqual(onDisk.entities.find((e) => e._key === account?._key)?._staleProperties, account?._staleProperties, 'written to the snapshot');
});
