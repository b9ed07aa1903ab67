import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import test from 'ava';
import { alertsAfterIngest, loadAlertRules, readAlertState, type AlertRecord, type AlertsOutcome, type AlertRunSummary } from '../../src/alerts';
import type { World } from '../../src/sim/types';
import { builtinWorld, simulate, temporaryDirectory } from '../helpers/simulate';
import { runCli as cli } from '../helpers/cli';
import type { WorldIam } from '../../src/services/iam/sim/simulator';

const DAY = 86_400_000;
const T1 = Date.parse('2026-03-01T08:00:00.000Z');
const PROD = '222222222222';

function clockAt(at: number): () => Date {
  let calls = 0;
  return () => new Date(at + 1000 * Math.min(calls++, 1));
}

const iamOf = (world: World, account: string) =>
  world.accounts.find((a) => a.id === account)?.global?.iam as WorldIam & Required<Pick<WorldIam, 'roles' | 'users'>>;

/** Run 2: a role trusting a new external account without an External ID; carol gets an MFA device. */
function secondWorld(): World {
  const world = builtinWorld();
  const iam = iamOf(world, PROD);
  iam.roles.push({
    RoleName: 'new-vendor',
    CreateDate: '2026-03-02T07:00:00Z',
    AssumeRolePolicyDocument: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::888888888888:root' }, Action: 'sts:AssumeRole' }],
    },
  });
  const carol = iam.users.find((user) => user.UserName === 'carol')!;
  carol.MFADevices = [{ SerialNumber: `arn:aws:iam::${PROD}:mfa/carol-phone`, EnableDate: '1 day ago' }];
  return world;
}

const rules = loadAlertRules();
const find = (summary: AlertsOutcome | undefined, rule: string) => (summary as AlertRunSummary).new.filter((alert) => alert.rule === rule);
const alertsOf = (alerts: AlertRecord[], rule: string) =>
  alerts.filter((alert) => alert.rule === rule).map((alert) => [alert.status, alert.evidence.displayName ?? alert.evidence.key]);

test('alert state moves NEW -> ONGOING -> RESOLVED across three runs, kept beside the snapshots', async (t) => {
  const directory = temporaryDirectory('orggraph-alerts-');
  // Run 1: everything the rules find is NEW.
  const first = await simulate(builtinWorld(), { outputDir: directory, clock: clockAt(T1) });
  const one = (await alertsAfterIngest(first, rules)) as AlertRunSummary;
  t.true(one.counts.NEW > 50);
  t.is(one.counts.ONGOING, 0);
  t.is(one.counts.RESOLVED, 0);
  t.deepEqual(
    find(one, 'aws-iam-user-console-without-mfa').map((a) => a.displayName),
    ['carol'],
  );
  const state1 = await readAlertState(directory);
  t.is(state1?.snapshot.name, path.basename(first.summary.snapshot.path));

  // Run 2, a day later: the new trust is NEW (twice: the trust without External ID, and the trust
  // created within a day), carol's alert RESOLVED, the rest ONGOING.
  const second = await simulate(secondWorld(), { outputDir: directory, clock: clockAt(T1 + DAY) });
  const two = (await alertsAfterIngest(second, rules)) as AlertRunSummary;
  const state2 = await readAlertState(directory);
  const alerts2 = state2?.alerts ?? [];
  t.deepEqual(alertsOf(alerts2, 'aws-iam-user-console-without-mfa'), [['RESOLVED', 'carol']]);
  t.deepEqual(
    alerts2
      .filter((a) => a.rule === 'aws-iam-role-trusts-external-account-without-external-id')
      .map((a) => [a.status, a.evidence.row?.['role.roleName']])
      .sort(),
    [
      ['NEW', 'new-vendor'],
      ['ONGOING', 'vendor-monitoring'],
    ],
  );
  // A change-targeting rule: only the trust created since the previous run.
  t.deepEqual(
    alerts2
      .filter((a) => a.rule === 'aws-new-external-account-trust')
      .map((a) => [a.status, a.evidence.row?.['account.accountId']])
      .sort(),
    [
      ['NEW', '888888888888'],
      ['RESOLVED', '999999999999'],
    ],
  );
  t.is(alerts2.find((a) => a.rule === 'aws-root-without-mfa')?.status, 'ONGOING');
  t.is(alerts2.find((a) => a.rule === 'aws-root-without-mfa')?.firstSeenOn, one.snapshot.endedAt);
  t.true(two.counts.ONGOING > 50);
  t.is(two.counts.NEW, alerts2.filter((a) => a.status === 'NEW').length);
  t.is(two.counts.RESOLVED, alerts2.filter((a) => a.status === 'RESOLVED').length);

  // Run 3, the same world two days later: the trust is ONGOING where it still matches, the window
  // rule RESOLVED, carol's resolved alert gone from the state.
  const third = await simulate(secondWorld(), { outputDir: directory, clock: clockAt(T1 + 3 * DAY) });
  const three = (await alertsAfterIngest(third, rules)) as AlertRunSummary;
  const alerts3 = (await readAlertState(directory))?.alerts ?? [];
  t.deepEqual(alertsOf(alerts3, 'aws-iam-user-console-without-mfa'), []);
  t.deepEqual(
    alerts3.filter((a) => a.rule === 'aws-iam-role-trusts-external-account-without-external-id').map((a) => a.status),
    ['ONGOING', 'ONGOING'],
  );
  t.deepEqual(
    alerts3.filter((a) => a.rule === 'aws-new-external-account-trust').map((a) => [a.status, a.evidence.row?.['account.accountId']]),
    [['RESOLVED', '888888888888']],
  );
  t.is(three.counts.NEW, 0);

  // Evaluating the latest snapshot again (orggraph alerts) gives the same statuses: no NEW turns ONGOING.
  const again = (await alertsAfterIngest(third, rules)) as AlertRunSummary;
  t.deepEqual(again.counts, three.counts);
  // Stored atomically, readable only by the owner, no temporary file left.
  const file = path.join(directory, 'alert-state.json');
  t.is(statSync(file).mode & 0o777, 0o600);
  t.deepEqual(
    readdirSync(directory).filter((name) => name.startsWith('.')),
    [],
  );
});

test.serial('orggraph ingest prints the alerts and changes; orggraph alerts shows the same statuses', async (t) => {
  const directory = temporaryDirectory('orggraph-alerts-cli-');
  const first = await cli(['ingest', '--simulate', '--out', directory, '--quiet', '--no-progress', '--json']);
  t.is(first.code, 0, first.stderr);
  const summary = JSON.parse(first.stdout) as { alerts: AlertRunSummary; changes: { created: number }; relationshipChanges: { created: number } };
  t.true(summary.alerts.counts.NEW > 0);
  t.true(summary.changes.created > 0 && summary.relationshipChanges.created > 0);
  const text = await cli(['ingest', '--simulate', '--out', directory, '--quiet', '--no-progress']);
  t.regex(text.stdout, /^Changes {2}entities \+0 created, ~0 updated, -0 deleted; relationships \+0 ~0 -0$/m);
  t.regex(text.stdout, /^Alerts {3}0 new, \d+ ongoing, 0 resolved \(open: \d+ CRITICAL, /m);
  const listed = await cli(['alerts', '--dir', directory, '--json']);
  t.is(listed.code, 0, listed.stderr);
  const alerts = JSON.parse(listed.stdout) as AlertRunSummary;
  t.is(alerts.counts.NEW, 0);
  t.is(alerts.counts.ONGOING, summary.alerts.counts.NEW);
  const table = await cli(['alerts', '--dir', directory]);
  t.regex(table.stdout, /^ONGOING \(\d+\)$/m);
  t.regex(table.stdout, /CRITICAL aws-root-without-mfa: acme-prod/);
});

test.serial('a bad rule file stops the run before any AWS call, naming file, line and field', async (t) => {
  const directory = temporaryDirectory('orggraph-rules-');
  const rulesFile = path.join(directory, 'my-rules.yaml');
  writeFileSync(
    rulesFile,
    [
      '- name: good',
      '  queries:',
      '    - { name: query0, query: "FIND aws_s3_bucket WITH public = true" }',
      '- name: bad',
      '  alertLevel: HIGH',
      '  queries:',
      '    - name: query0',
      '      query: "FIND aws_s3_bucket WITH"',
      '',
    ].join('\n'),
  );
  const config = path.join(directory, 'orggraph.yaml');
  writeFileSync(config, `outputDir: ${JSON.stringify(path.join(directory, 'out'))}\nalerts:\n  rules: [my-rules.yaml]\n`);
  const run = await cli(['ingest', '--simulate', '--config', config, '--quiet', '--no-progress']);
  t.is(run.code, 2);
  t.regex(run.stderr, /my-rules\.yaml:8: \[1\]\.queries\[0\]\.query: bad J1QL/);
  t.false(existsSync(path.join(directory, 'out')));
  writeFileSync(rulesFile, ['- name: level', '  alertLevel: URGENT', '  queries: [{ query: "FIND aws_s3_bucket" }]', ''].join('\n'));
  const level = await cli(['alerts', '--config', config]);
  t.is(level.code, 2);
  t.regex(level.stderr, /my-rules\.yaml:2: \[0\]\.alertLevel: one of INFO, LOW, MEDIUM, HIGH, CRITICAL/);
  writeFileSync(
    rulesFile,
    [
      '- name: cond',
      '  queries: [{ query: "FIND aws_s3_bucket" }]',
      '  operations:',
      '    - when: { type: FILTER, condition: "{{queries.query0.total >}}" }',
      '      actions: [{ type: CREATE_ALERT }]',
      '',
    ].join('\n'),
  );
  const condition = await cli(['alerts', '--config', config]);
  t.is(condition.code, 2);
  t.regex(condition.stderr, /my-rules\.yaml:4: \[0\]\.operations\[0\]\.when\.condition: template/);
});
