/**
 * Trail-absence detection: per watched account and region, whether a logging trail records the
 * management write events EventBridge would forward (DescribeTrails with shadow trails,
 * GetTrailStatus, GetEventSelectors), against the simulated organization.
 */
import test from 'ava';
import { checkWatchedTrails, type TrailCheck } from '../../src/events/trail-check';
import type { World } from '../../src/sim/types';
import { builtinWorld, simulate, temporaryDirectory } from '../helpers/simulate';

const MANAGEMENT = '111111111111';
const PRODUCTION = '222222222222';

/** The part of a world trail (DescribeTrails' `Trail` with its status and selectors) these tests change. */
interface Trail {
  Name: string;
  IsOrganizationTrail?: boolean;
  Status?: { IsLogging?: boolean };
  EventSelectors?: Array<{ ReadWriteType: string; IncludeManagementEvents: boolean }>;
  AdvancedEventSelectors?: unknown[];
}

function orgTrail(world: World): Trail {
  return (world.accounts.find((account) => account.id === MANAGEMENT)!.regions!['us-east-1']!.cloudtrail as { trails: Trail[] }).trails[0]!;
}

async function check(world: World): Promise<TrailCheck[]> {
  const directory = temporaryDirectory();
  await simulate(world, { outputDir: directory });
  const checks = await checkWatchedTrails({ config: { outputDir: directory }, simulate: world });
  return checks!;
}

const by = (checks: TrailCheck[], coverage: TrailCheck['coverage']) =>
  checks.filter((check) => check.coverage === coverage).map((c) => `${c.account}/${c.region}`);

test('the demo organization trail covers every account and region', async (t) => {
  const checks = await check(builtinWorld());
  t.true(checks.length >= 6);
  t.deepEqual(by(checks, 'covered').length, checks.length);
  t.true(checks.every((c) => c.trails[0] === 'arn:aws:cloudtrail:us-east-1:111111111111:trail/acme-org-trail'));
});

test('without the organization trail, members have none (or a stopped one); a read-only trail records no writes', async (t) => {
  const world = builtinWorld();
  orgTrail(world).IsOrganizationTrail = false;
  const checks = await check(world);
  const members = checks.filter((c) => c.account !== MANAGEMENT);
  t.true(
    checks.filter((c) => c.account === MANAGEMENT).every((c) => c.coverage === 'covered'),
    'the management account keeps its own trail',
  );
  t.deepEqual(by(members, 'not-logging'), [`${PRODUCTION}/eu-west-1`], 'the stopped single-region trail');
  t.is(by(members, 'no-trail').length, members.length - 1);
  t.regex(members.find((c) => c.coverage === 'not-logging')!.reason!, /prod-data-events: not logging/);

  const readOnly = builtinWorld();
  const readOnlyTrail = orgTrail(readOnly);
  delete readOnlyTrail.AdvancedEventSelectors;
  readOnlyTrail.EventSelectors = [{ ReadWriteType: 'ReadOnly', IncludeManagementEvents: true }];
  const readChecks = await check(readOnly);
  t.true(readChecks.filter((c) => !(c.account === PRODUCTION && c.region === 'eu-west-1')).every((c) => c.coverage === 'no-write-events'));

  const stopped = builtinWorld();
  orgTrail(stopped).Status = { IsLogging: false };
  t.true((await check(stopped)).every((c) => c.coverage === 'not-logging'));
});

test('a trail the audit role cannot read is unknown, not missing', async (t) => {
  const world = builtinWorld();
  world.faults = [...(world.faults ?? []), { account: PRODUCTION, service: 'cloudtrail', operation: 'DescribeTrails', error: 'AccessDenied' }];
  const checks = await check(world);
  const production = checks.filter((c) => c.account === PRODUCTION);
  t.true(production.every((c) => c.coverage === 'unknown'));
  t.regex(production[0]!.reason!, /DescribeTrails: .*Access/);
  t.true(checks.filter((c) => c.account !== PRODUCTION).every((c) => c.coverage === 'covered'));
});
