import { cpSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import test from 'ava';
import type { Entity } from '../../src/graph';
import { withPermissionsTable } from '../../src/collectors/optional';
import { allCollectors, selectCollectors } from '../../src/services';
import { onSimulatedAwsCreated, type SimulatedAws } from '../../src/sim/simulator';
import { builtinWorld, simulate, temporaryDirectory } from '../helpers/simulate';

/**
 * Every collector's optional calls, with the collector's primary entity type: the first it produces,
 * or for a collector that only adds facts to other collectors' entities (Organizations, on
 * `aws_account`) the first it enriches.
 */
const OPTIONAL_CALLS = selectCollectors(undefined).flatMap((collector) =>
  (collector.optionalCalls ?? []).map((declaration) => {
    const primary = collector.entities[0]?._type ?? collector.enriches?.[0]?._type;
    if (!primary) throw new Error(`${collector.id} declares optional calls but neither produces nor enriches an entity type`);
    return { collector, declaration, primary };
  }),
);

/** The account an entity belongs to: `_accountId`, or for an `aws_account` entity its own id. */
const accountOf = (entity: Entity): string => String(entity._accountId ?? entity.accountId);

/**
 * Runs the file's simulations two at a time. Started all at once (over a hundred), they all end
 * together after minutes on a busy machine, and ava's inactivity timeout fires when no other file's
 * tests are left to reset it; in turn, a test ends every few seconds.
 */
const SIMULATIONS_AT_ONCE = 2;
let running = 0;
const waiting: Array<() => void> = [];
async function inTurn<T>(work: () => Promise<T>): Promise<T> {
  if (running >= SIMULATIONS_AT_ONCE) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

const calmDir = temporaryDirectory();
const calm = simulate(builtinWorld(), { outputDir: calmDir });

test('every collector that makes enriching calls declares them', (t) => {
  const declared = new Set(OPTIONAL_CALLS.map(({ declaration }) => declaration.operation));
  for (const operation of [
    'kms:ListAliases',
    'kms:GetKeyRotationStatus',
    'kms:ListResourceTags',
    's3:GetBucketPolicy',
    's3:GetBucketTagging',
    'iam:GetCredentialReport',
    'iam:ListRoles',
    'iam:ListAccountAliases',
    'iam:GetAccountSummary',
    'ec2:DescribeFlowLogs',
    'ec2:DescribeSnapshotAttribute',
  ]) {
    t.true(declared.has(operation), operation);
  }
  for (const { collector, declaration } of OPTIONAL_CALLS) {
    for (const action of declaration.actions ?? [declaration.operation]) {
      t.true(collector.permissions.includes(action), `${collector.id}: ${action} is among its permissions`);
    }
    t.true(declaration.cost.length > 10, `${declaration.operation}: says what a denial costs`);
  }
});

for (const { collector, declaration, primary } of OPTIONAL_CALLS) {
  test(`${collector.id}: ${declaration.operation} denied -- recorded once, ${primary} still produced, its properties put back from the previous snapshot`, async (t) => {
    const previous = await calm;
    const world = builtinWorld();
    // A call made in the management account for every account's facts (Organizations) is denied
    // there; any other, in the account with the most entities of the collector's primary type.
    const organizationWide = collector.id === 'organizations-accounts';
    const counts = new Map<string, number>();
    for (const entity of previous.graph.entitiesOfType(primary)) counts.set(accountOf(entity), (counts.get(accountOf(entity)) ?? 0) + 1);
    const victim = organizationWide ? world.organization.managementAccountId : [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
    t.truthy(victim && /^\d{12}$/.test(victim), `a real account to deny ${declaration.operation} in (got ${victim})`);

    const outputDir = temporaryDirectory();
    cpSync(calmDir, outputDir, { recursive: true });
    const [service, operation] = declaration.operation.split(':');
    world.faults = [{ account: victim, service: service === 'iam' && collector.service === 'account' ? 'iam' : service, operation, error: 'AccessDenied' }];
    const simulations: SimulatedAws[] = [];
    const denied = await inTurn(() => {
      const stop = onSimulatedAwsCreated((simulated) => simulations.push(simulated));
      return simulate(world, { outputDir }).finally(stop);
    });
    // Tests of this file run at once and each creates its simulated AWS: find this run's by its fault.
    const ours = simulations.filter(
      (simulated) => simulated.world.faults?.[0] === world.faults?.[0] || JSON.stringify(simulated.world.faults) === JSON.stringify(world.faults),
    );
    t.true(ours.length >= 1, 'the run of this test created a simulated AWS');
    if (ours.every((simulated) => simulated.stats.faults === 0)) {
      t.log(`${declaration.operation} is not called in account ${victim} of the built-in organization`);
      t.deepEqual(denied.summary.errors, []);
      return;
    }

    // A call made in the management account for every account's facts (Organizations) is recorded
    // in each account whose facts it leaves unknown; any other, in the victim's scopes only.
    const errors = denied.summary.errors;
    t.true(
      errors.length >= 1 &&
        errors.some((error) => error.account === victim) &&
        errors.every((error) => (organizationWide || error.account === victim) && error.operation === declaration.operation && error.code === 'AccessDenied'),
      JSON.stringify(errors),
    );
    const perAccount = (account: string) => errors.filter((error) => error.account === account).length;
    for (const account of new Set(errors.map((error) => error.account)))
      t.true(perAccount(account) <= denied.summary.regions.length, 'at most one error per scope: a denied call is not made again');
    t.false(
      denied.summary.notRefreshed.some((scope) => scope.collector === collector.id),
      'the collector did not fail',
    );
    const keys = (entities: readonly Entity[]) =>
      entities
        .filter((e) => accountOf(e) === victim)
        .map((e) => e._key)
        .sort();
    t.deepEqual(keys(denied.graph.entitiesOfType(primary)), keys(previous.graph.entitiesOfType(primary)), `every ${primary} is produced`);
    t.false(
      denied.graph.entitiesOfType(primary).some((e) => e._stale),
      'refreshed, not carried',
    );

    // Each declared property the previous snapshot knew is back, with its previous value (in every
    // account whose errors say its facts are missing).
    const affected = new Set(errors.map((error) => error.account));
    let restored = 0;
    for (const { _type, properties } of declaration.properties ?? []) {
      for (const before of previous.graph.entitiesOfType(_type)) {
        if (!affected.has(accountOf(before))) continue;
        const after = denied.graph.getEntity(before._key);
        if (!after) continue;
        for (const pattern of properties) {
          const names = pattern.endsWith('*') ? Object.keys(before).filter((name) => name.startsWith(pattern.slice(0, -1))) : [pattern];
          for (const name of names) {
            if (before[name] === undefined) continue;
            t.deepEqual(after[name], before[name], `${before._key} ${name}`);
            if (after._staleProperties?.includes(name)) restored++;
          }
        }
      }
    }
    // Per resource, a fallback (the credential report for a user's MFA) may have given the value.
    if (declaration.properties?.length && declaration.per === 'scope') t.true(restored > 0, 'some properties were put back and named in _staleProperties');
    const declared = (declaration.properties ?? []).flatMap((entry) => entry.properties);
    const stale = [...denied.graph.allEntities()].flatMap((entity) => entity._staleProperties ?? []);
    const undeclared = stale.filter((name) => !declared.some((pattern) => (pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern)));
    // Facts another collector sets on the account or EC2 service entity come back through `enriches`.
    const enriched = (collector.enriches ?? []).flatMap((entry) => entry.properties);
    t.deepEqual(
      undeclared.filter((name) => !enriched.some((pattern) => (pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern))),
      [],
    );
    t.log(`${restored} properties put back`);
  });
}

test('docs/permissions.md shows the table generated from the declarations (npm run docs)', (t) => {
  const document = readFileSync(path.join(__dirname, '..', '..', 'docs', 'permissions.md'), 'utf8');
  t.is(withPermissionsTable(document, allCollectors()), document);
  for (const { declaration } of OPTIONAL_CALLS) t.true(document.includes(`\`${declaration.operation}\``), declaration.operation);
});
