import test from 'ava';
import { DEFAULT_ENABLED_REGIONS, fallbackRegions } from '../../src/aws/regions';
import type { Entity } from '../../src/graph';
import { builtinWorld, simulate } from '../helpers/simulate';

const VICTIM = '222222222222';

function keysOf(entities: Iterable<Entity>, accountId: string): string[] {
  return [...entities]
    .filter((entity) => entity._accountId === accountId)
    .map((entity) => entity._key)
    .sort();
}

test("without DescribeRegions, the configured regions are collected, else AWS's default-enabled ones (never opt-in regions)", (t) => {
  t.deepEqual(fallbackRegions({ include: ['eu-west-1', 'us-east-1'] }).enabled, ['eu-west-1', 'us-east-1']);
  const defaults = fallbackRegions({ exclude: ['sa-east-1'] });
  t.deepEqual(
    defaults.enabled,
    DEFAULT_ENABLED_REGIONS.filter((region) => region !== 'sa-east-1'),
  );
  t.deepEqual(defaults.skipped, [{ region: 'sa-east-1', reason: 'excluded by configuration' }]);
  t.false(defaults.enabled.includes('ap-east-1'), 'an opt-in region is not guessed');
  t.deepEqual(fallbackRegions({ include: ['cn-north-1', 'us-east-1'] }).enabled, ['us-east-1']);
});

test('DescribeRegions denied in one account: recorded, and the account is still collected (IAM, S3 and its regions) as when it answers', async (t) => {
  const regions = { include: ['eu-west-1', 'us-east-1', 'us-west-2'] };
  const calm = await simulate(builtinWorld(), { config: { regions } });
  const world = builtinWorld();
  world.faults = [{ account: VICTIM, service: 'ec2', operation: 'DescribeRegions', error: 'AccessDenied' }];
  const denied = await simulate(world, { config: { regions } });

  t.deepEqual(
    denied.summary.errors.map((error) => [error.account, error.operation, error.code]),
    [[VICTIM, 'ec2:DescribeRegions', 'AccessDenied']],
  );
  t.regex(denied.summary.errors[0].message, /collected in the configured regions, eu-west-1, us-east-1, us-west-2/);
  t.true(
    denied.summary.accounts.some((account) => account.accountId === VICTIM),
    'the account is ingested',
  );
  t.deepEqual(denied.summary.notRefreshed, []);
  for (const type of ['aws_iam_user', 'aws_s3_bucket', 'aws_kms_key', 'aws_instance']) {
    const expected = keysOf(calm.graph.entitiesOfType(type), VICTIM);
    t.true(expected.length > 0, `${type} in the calm run`);
    t.deepEqual(keysOf(denied.graph.entitiesOfType(type), VICTIM), expected, type);
  }
  t.is(denied.summary.totals.entities, calm.summary.totals.entities);
});

test('an account whose role cannot be assumed is still unreachable (not a region fallback)', async (t) => {
  const world = builtinWorld();
  const victim = world.accounts.find((account) => account.id === VICTIM);
  if (victim) victim.auditRole = false;
  const result = await simulate(world);
  t.deepEqual(
    result.summary.errors.map((error) => [error.account, error.service, error.operation, error.code]),
    [[VICTIM, 'sts', 'sts:AssumeRole', 'AccessDenied']],
  );
  t.false(result.summary.accounts.some((account) => account.accountId === VICTIM));
});
