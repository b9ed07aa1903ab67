import test from 'ava';
import { ENGINE_CALLS } from '../../src/aws/engine-permissions';
import { OPERATION_ACTIONS, iamActionOfOperation } from '../../src/policy/operations';
import { allCollectors } from '../../src/services';
import { onSimulatedAwsCreated, type SimulatedAws } from '../../src/sim/simulator';
import { checkCalls, UNSCOPED } from '../helpers/permissions';
import { builtinWorld, simulate } from '../helpers/simulate';

// Calls checked against permissions: a run over the demo organization with every registered
// collector records each operation under the collector that made it (the access layer names the
// collector in the call's User-Agent), and each operation's IAM action must be declared by that
// collector; each declared action must be called, unless the collector declares it conditional.
// A service registered later is checked the same way, without touching this file.

const recordedRun = (async () => {
  const recorded: Array<ReadonlyMap<string, ReadonlySet<string>>> = [];
  const stop = onSimulatedAwsCreated((simulated: SimulatedAws) => recorded.push(simulated.recordOperations()));
  // One thread: the simulated organization of a worker thread is not this one's.
  const result = await simulate(builtinWorld(), { config: { workers: 1 } }).finally(stop);
  const merged = new Map<string, Set<string>>();
  for (const map of recorded) {
    for (const [collector, operations] of map) {
      const set = merged.get(collector) ?? new Set<string>();
      for (const operation of operations) set.add(operation);
      merged.set(collector, set);
    }
  }
  return { result, recorded: merged };
})();

test('the demo organization: every call is declared by its collector, every declared action is called', async (t) => {
  const { result, recorded } = await recordedRun;
  t.deepEqual(result.summary.errors, [], 'a calm run');
  const check = await checkCalls(recorded, allCollectors());
  t.deepEqual(check.unmapped, [], 'operations without a known IAM action');
  t.deepEqual(check.unknownCollectors, [], 'calls of no registered collector nor the engine');
  t.deepEqual(check.undeclared, [], 'called without being declared by the collector');
  t.deepEqual(check.unused, [], 'declared, not conditional, and never called');
  // Every collector that declares permissions made calls, and so did each of the engine's scopes.
  for (const collector of allCollectors()) if (collector.permissions.length) t.true(recorded.has(collector.id), `${collector.id} made calls`);
  for (const engine of ENGINE_CALLS) t.true(recorded.has(engine.id === 'credentials' ? UNSCOPED : engine.id), `the engine's ${engine.id} calls were made`);
  t.log(`${[...recorded.values()].reduce((sum, set) => sum + set.size, 0)} operations in ${recorded.size} scopes checked`);
});

test('the check reports undeclared calls, unused declarations, unknown operations and collectors', async (t) => {
  const recorded = new Map<string, Set<string>>([
    [UNSCOPED, new Set(['sts:AssumeRole', 'sts:GetCallerIdentity'])],
    ['organization', new Set(['organizations:ListAccounts', 'organizations:ListTagsForResource'])],
    ['regions', new Set(['ec2:DescribeRegions'])],
    ['s3-buckets', new Set(['s3:ListBuckets', 's3:GetBucketAcl', 's3:GetBucketEncryption', 's3:GetBucketFrobnication'])],
    ['stray', new Set(['kms:ListKeys'])],
  ]);
  const check = await checkCalls(recorded, [
    {
      id: 's3-buckets',
      permissions: ['s3:ListAllMyBuckets', 's3:GetBucketAcl', 's3:GetBucketLocation', 's3:GetBucketWebsite'],
      conditionalPermissions: [{ action: 's3:GetBucketWebsite', when: 'a test' }],
    },
  ]);
  t.deepEqual(check.undeclared, ['s3-buckets: s3:GetEncryptionConfiguration (s3:GetBucketEncryption)']);
  t.deepEqual(check.unused, ['s3-buckets: s3:GetBucketLocation']);
  t.is(check.unmapped.length, 1);
  t.regex(check.unmapped[0], /s3:GetBucketFrobnication: IAM has no action s3:GetBucketFrobnication; add the operation to OPERATION_ACTIONS/);
  t.deepEqual(check.unknownCollectors, ['stray: kms:ListKeys']);
});

test('the operation table names only actions IAM has, and conditional permissions are declared permissions', async (t) => {
  for (const operation of Object.keys(OPERATION_ACTIONS)) {
    const [service = '', name = ''] = operation.split(':');
    const mapped = await iamActionOfOperation(service, name);
    t.false('unknown' in mapped, `${operation}: ${JSON.stringify(mapped)}`);
  }
  t.deepEqual(await iamActionOfOperation('s3', 'ListBuckets'), { action: 's3:ListAllMyBuckets' });
  t.deepEqual(await iamActionOfOperation('s3control', 'GetPublicAccessBlock'), { action: 's3:GetAccountPublicAccessBlock' });
  t.deepEqual(await iamActionOfOperation('ec2', 'DescribeInstances'), { action: 'ec2:DescribeInstances' });
  t.deepEqual(await iamActionOfOperation('iam', 'GetAccountAuthorizationDetails'), { action: 'iam:GetAccountAuthorizationDetails' });
  t.deepEqual(await iamActionOfOperation('sts', 'GetCallerIdentity'), { action: null });
  for (const collector of allCollectors()) {
    for (const { action } of collector.conditionalPermissions ?? [])
      t.true(collector.permissions.includes(action), `${collector.id}: conditional ${action} is declared`);
  }
});
