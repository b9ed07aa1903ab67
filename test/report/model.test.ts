import test from 'ava';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { main } from '../../src/cli/main';
import type { Entity, Relationship } from '../../src/graph';
import { buildReport, checkReportInputs } from '../../src/report';
import { encodeGraph, type GraphIndexPayload } from '../../src/report/graph-data';
import { renderReport } from '../../src/report/html';
import { storedAlertsFor } from '../../src/report/alerts';
import { evaluateForReport } from '../../src/report/compliance';
import { buildModel, runSavedQueries } from '../../src/report/model';
import { readSnapshot } from '../../src/snapshot/reader';
import { temporaryDirectory } from '../helpers/simulate';
import { DENIED_ACCOUNT, demoInputs, demoStore, type DemoStore } from './fixtures';

let store: DemoStore;
test.before(async () => {
  store = await demoStore();
});

const fixedNow = () => new Date('2026-12-01T00:00:00.000Z');
const unpack = <T>(base64: string): T => JSON.parse(gunzipSync(Buffer.from(base64, 'base64')).toString('utf8')) as T;

test('overview: counts by type and class, accounts and regions agree with the snapshot; the trend covers both retained snapshots', async (t) => {
  const snapshot = await readSnapshot(store.latest);
  const model = await buildModel({ snapshot, snapshotFile: store.latest, retained: store.retained, now: fixedNow });
  const { overview } = model;
  t.is(model.generatedAt, '2026-12-01T00:00:00.000Z');
  t.deepEqual(Object.fromEntries(overview.byType.map((row) => [row.name, row.count])), snapshot.metadata.counts.entities);
  t.is(overview.totals.entities, snapshot.metadata.counts.totalEntities);
  t.is(overview.totals.relationships, snapshot.metadata.counts.totalRelationships);
  t.is(overview.totals.stale, snapshot.metadata.counts.staleEntities);
  t.true(overview.totals.stale > 0, 'the denied KMS keys are carried forward');
  const firewalls = snapshot.entities.filter((entity) => entity._class.includes('Firewall')).length;
  t.is(overview.byClass.find((row) => row.name === 'Firewall')?.count, firewalls);
  t.deepEqual(overview.accounts.map((a) => a.accountId).sort(), ['111111111111', '222222222222', '333333333333']);
  t.is(overview.accounts.find((a) => a.accountId === DENIED_ACCOUNT)?.entities, snapshot.entities.filter((e) => e._accountId === DENIED_ACCOUNT).length);
  t.deepEqual(overview.regions, snapshot.metadata.regions);
  t.deepEqual(
    overview.trend.map((point) => point.entities),
    [store.first.summary.totals.entities, store.second.summary.totals.entities],
  );
  t.true(overview.trend[0].endedAt < overview.trend[1].endedAt);
  t.is(overview.trend[1].errors, store.second.summary.errors.length);
});

test('health: errors, stale scopes and skipped accounts and regions come from the snapshot metadata, with reasons', async (t) => {
  const snapshot = await readSnapshot(store.latest);
  const { health } = await buildModel({ snapshot, snapshotFile: store.latest, retained: [] });
  t.true(health.errors.some((error) => error.account === DENIED_ACCOUNT && error.code === 'AccessDenied' && error.operation === 'kms:ListKeys'));
  t.is(health.errorsByCode.find((row) => row.name === 'AccessDenied')?.count, snapshot.metadata.errors.filter((e) => e.code === 'AccessDenied').length);
  t.true(health.notRefreshed.some((scope) => scope.accountId === DENIED_ACCOUNT && scope.types.includes('aws_kms_key') && scope.entitiesCarried > 0));
  t.deepEqual(
    health.skippedAccounts.map((a) => [a.accountId, a.reason]),
    [
      ['444444444444', 'tagged j1-integration:SKIP'],
      ['555555555555', 'account status is SUSPENDED'],
    ],
  );
  t.true(health.skippedRegions.length > 0);
  t.true(health.skippedRegions.every((region) => region.region === 'ap-east-1' && /not enabled/.test(region.reason)));
  t.true(health.collectors.failed + health.collectors.partial > 0);
});

test('changes: the deleted bucket is listed, and the counts are those the ingestion itself computed', async (t) => {
  const snapshot = await readSnapshot(store.latest);
  const { changes } = await buildModel({ snapshot, snapshotFile: store.latest, retained: store.retained });
  t.truthy(changes.previous);
  t.deepEqual(changes.entities, store.second.summary.changes);
  t.deepEqual(
    changes.listed.filter((change) => change._key === store.deletedBucketKey),
    [{ change: 'deleted', _key: store.deletedBucketKey, _type: 'aws_s3_bucket' }],
  );
  t.true(changes.relationships.deleted > 0, "the bucket's HAS edge went with it");
  t.is(changes.byType.find((row) => row.type === 'aws_s3_bucket')?.deleted, 1);
});

test('changes: the first snapshot of a store has no previous one', async (t) => {
  const first = store.first.summary.snapshot.path;
  const snapshot = await readSnapshot(first);
  const model = await buildModel({ snapshot, snapshotFile: first, retained: store.retained });
  t.is(model.changes.previous, undefined);
  t.is(model.overview.trend.length, 1, "later snapshots are not part of an earlier one's trend");
});

test('graph data: the index decodes to every entity and relationship, with ends, verbs and tables; chunks hold full objects in order', async (t) => {
  const snapshot = await readSnapshot(store.latest);
  const encoded = encodeGraph(snapshot.entities, snapshot.relationships, 50);
  const index = unpack<GraphIndexPayload>(encoded.index);
  t.is(index.keys.length, snapshot.entities.length);
  t.is(index.from.length + index.dangling, snapshot.relationships.length);
  const byKey = new Map(snapshot.entities.map((entity) => [entity._key, entity]));
  snapshot.entities.forEach((entity, i) => {
    t.is(index.keys[i], entity._key);
    t.is(index.typeTable[index.types[i]], entity._type);
    t.is(index.classTable[index.classes[i]], entity._class.join(','));
    t.is(index.accountTable[index.accounts[i]], entity._accountId ?? (typeof entity.accountId === 'string' ? entity.accountId : ''));
  });
  const kept = snapshot.relationships.filter((r) => byKey.has(r._fromEntityKey) && byKey.has(r._toEntityKey));
  kept.forEach((relationship, j) => {
    t.is(index.keys[index.from[j]], relationship._fromEntityKey);
    t.is(index.keys[index.to[j]], relationship._toEntityKey);
    t.is(index.verbTable[index.verbs[j]], relationship._class);
  });
  t.deepEqual(
    index.stale,
    snapshot.entities.flatMap((entity, i) => (entity._stale ? [i] : [])),
  );
  t.is(encoded.entityChunks.length, Math.ceil(snapshot.entities.length / 50));
  const at = 123;
  t.deepEqual(unpack<Entity[]>(encoded.entityChunks[Math.floor(at / 50)])[at % 50], snapshot.entities[at]);
  t.deepEqual(unpack<Relationship[]>(encoded.relationshipChunks[1])[7], kept[57]);

  const internet = index.keys.indexOf('global:internet');
  const resolved = encoded.resolve(['global:internet', kept[3]._key, 'arn:aws:s3:::gone']);
  t.deepEqual(resolved, { entities: [internet], relationships: [3], missing: ['arn:aws:s3:::gone'] });
});

test('saved queries: a RETURN TREE result opens as vertices and edges, a list as entities; a failing query is reported, not fatal', async (t) => {
  const snapshot = await readSnapshot(store.latest);
  const [tree, list, bad, table] = runSavedQueries(snapshot, [
    { title: 'sg', query: 'FIND aws_security_group THAT ALLOWS AS rule internet WHERE rule.ingress = true RETURN TREE' },
    { title: 'buckets', query: 'FIND aws_s3_bucket WITH public = true' },
    { title: 'bad', query: 'FIND aws_security_group WITH groupId = ' },
    { title: 'rows', query: 'FIND aws_security_group AS sg RETURN sg.groupId' },
  ]);
  t.is(tree.type, 'tree');
  t.true(tree.vertexKeys.includes('global:internet'));
  t.true(tree.edgeKeys.length > 0);
  const relationships = new Map(snapshot.relationships.map((r) => [r._key, r]));
  for (const key of tree.edgeKeys) {
    t.is(relationships.get(key)?._class, 'ALLOWS');
    t.true(relationships.get(key)?.ingress === true);
  }
  t.is(list.type, 'list');
  t.deepEqual(
    list.vertexKeys.sort(),
    snapshot.entities
      .filter((e) => e._type === 'aws_s3_bucket' && e.public === true)
      .map((e) => e._key)
      .sort(),
  );
  t.is(bad.type, 'error');
  t.truthy(bad.error);
  t.is(table.type, 'table');
  t.deepEqual(table.columns, ['sg.groupId']);
  t.is(table.rows?.length, snapshot.entities.filter((e) => e._type === 'aws_security_group').length);
});

test('inputs: problems name the field', (t) => {
  t.deepEqual(checkReportInputs({ compliance: [{ framework: 'cis', controls: [{ id: '1.1', title: 't', status: 'PASSED', evidenceKeys: [] }] }] }), [
    'compliance[0].controls[0].status: must be one of PASS, FAIL, NOT_EVALUATED, MANUAL',
  ]);
  t.deepEqual(checkReportInputs({ alerts: [{ rule: 'r', level: 'HIGH', state: 'NEW' }] }), ['alerts[0]: "evidenceKeys" is required']);
  t.deepEqual(checkReportInputs({ compliance: [], alert: [] }), ['(top level): unknown property "alert"']);
  t.deepEqual(checkReportInputs({}), []);
});

test('html: absent compliance and alerts say so; given inputs show per control and alert, with evidence resolved against the snapshot', async (t) => {
  const without = await buildReport({ snapshotFile: store.latest, retained: store.retained, now: fixedNow });
  t.regex(without.html, /Compliance: not evaluated in this report\./);
  t.regex(without.html, /Alerts: not evaluated in this report\./);
  t.notRegex(without.html, /<script[^>]+src=|<link[^>]+href=|https?:\/\/[^"' ]*\.js/, 'no external script or stylesheet');

  const inputs = await demoInputs(store.latest, store.deletedBucketKey);
  const { html } = await buildReport({ snapshotFile: store.latest, retained: store.retained, inputs, now: fixedNow });
  t.notRegex(html, /not evaluated in this report/);
  const data = JSON.parse(/<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html)?.[1] ?? '{}') as {
    evidence: Record<string, { evidence: { entities: number[]; relationships: number[]; missing: string[] } }>;
  };
  const sshControl = inputs.compliance?.[0].controls[0];
  t.is(sshControl?.status, 'FAIL');
  const evidence = data.evidence['control:0:0'].evidence;
  t.is(evidence.entities.length + evidence.relationships.length, sshControl?.evidenceKeys.length ?? -1);
  t.deepEqual(data.evidence['alert:2'].evidence, { entities: [], relationships: [], missing: [store.deletedBucketKey] });
  t.regex(html, /data-evidence="control:0:0">Open evidence/);
  t.regex(html, /<span class="status not-evaluated">NOT_EVALUATED<\/span><\/td><td>input not collected: cloudtrail/);
  t.regex(html, /<h3>New \(1\)<\/h3>.*<h3>Ongoing \(1\)<\/h3>.*<h3>Resolved \(1\)<\/h3>/s);
});

test('html: text from the graph and the inputs cannot break out of the page', async (t) => {
  const snapshot = await readSnapshot(store.latest);
  const model = await buildModel({
    snapshot,
    snapshotFile: store.latest,
    retained: [],
    inputs: { alerts: [{ rule: '</script><script>alert(1)</script>', level: 'LOW', state: 'NEW', evidenceKeys: ['</script>'] }] },
  });
  const html = renderReport(model, encodeGraph(snapshot.entities, snapshot.relationships));
  t.false(html.includes('<script>alert(1)'));
  // Every script element the page opens is closed once: the inline data did not close one early.
  t.is(html.match(/<script[\s>]/g)?.length, html.match(/<\/script>/g)?.length);
});

test.serial('cli: report writes one file; bad inputs exit 2 naming the file and field before the snapshot is read', async (t) => {
  const out = path.join(temporaryDirectory(), 'nested', 'report.html');
  const write = process.stdout.write.bind(process.stdout);
  const errors: string[] = [];
  const errorWrite = process.stderr.write.bind(process.stderr);
  process.stdout.write = (() => true) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string) => errors.push(String(chunk)) > 0) as typeof process.stderr.write;
  try {
    t.is(await main(['node', 'orggraph', 'report', '--dir', store.directory, '--out', out]), 0);
    const badInputs = path.join(temporaryDirectory(), 'inputs.json');
    await fs.writeFile(badInputs, JSON.stringify({ alerts: [{ rule: 'r', level: 'SEVERE', state: 'NEW', evidenceKeys: [] }] }));
    t.is(await main(['node', 'orggraph', 'report', '--dir', path.join(store.directory, 'does-not-exist'), '--inputs', badInputs, '--out', out]), 2);
    t.is(await main(['node', 'orggraph', 'report', '--snapshot', store.latest, '--dir', store.directory, '--out', out]), 2);
    t.is(await main(['node', 'orggraph', 'report', '--dir', temporaryDirectory(), '--out', out]), 2);
  } finally {
    process.stdout.write = write;
    process.stderr.write = errorWrite;
  }
  const html = await fs.readFile(out, 'utf8');
  t.regex(html, /^<!doctype html>/);
  t.regex(errors[0], /--inputs .*inputs\.json: alerts\[0\]\.level: must be one of INFO, LOW, MEDIUM, HIGH, CRITICAL/);
  t.regex(errors[1], /--snapshot and --dir cannot be combined/);
  t.regex(errors[2], /no snapshot in .* yet/);
});

test.serial("cli: --snapshot reports on that snapshot with its store's older ones; --queries adds saved queries and rejects bad ones by index", async (t) => {
  const directory = temporaryDirectory();
  const out = path.join(directory, 'first.html');
  const queries = path.join(directory, 'queries.yaml');
  await fs.writeFile(queries, '- title: Volumes of every instance\n  query: FIND aws_instance THAT USES aws_ebs_volume RETURN TREE\n');
  const badQueries = path.join(directory, 'bad.yaml');
  await fs.writeFile(badQueries, '- title: fine\n  query: FIND aws_instance\n- title: broken\n  query: FIND aws_instance WITH\n');
  const write = process.stdout.write.bind(process.stdout);
  const errorWrite = process.stderr.write.bind(process.stderr);
  const errors: string[] = [];
  process.stdout.write = (() => true) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string) => errors.push(String(chunk)) > 0) as typeof process.stderr.write;
  try {
    const first = store.first.summary.snapshot.path;
    t.is(await main(['node', 'orggraph', 'report', '--snapshot', first, '--queries', queries, '--no-default-queries', '--out', out]), 0);
    t.is(await main(['node', 'orggraph', 'report', '--snapshot', first, '--queries', badQueries, '--out', path.join(directory, 'never.html')]), 2);
  } finally {
    process.stdout.write = write;
    process.stderr.write = errorWrite;
  }
  const html = await fs.readFile(out, 'utf8');
  t.regex(html, /No previous snapshot in this store: this is the first one/);
  t.regex(html, /Trend over 1 retained snapshot</);
  t.regex(html, /<button class="run-query" data-query="0" title="FIND aws_instance THAT USES aws_ebs_volume RETURN TREE">Volumes of every instance<\/button>/);
  t.notRegex(html, /Security groups that allow ingress from the Internet/, 'the built-in queries were left out');
  t.regex(errors[0], /--queries .*bad\.yaml: \[1\]\.query: /);
  await t.throwsAsync(fs.access(path.join(directory, 'never.html')));
});

test('changes: a damaged previous snapshot is named with the reason, and the report is still made', async (t) => {
  const directory = temporaryDirectory();
  const snapshots = path.join(directory, 'snapshots');
  await fs.mkdir(snapshots);
  const previous = path.join(snapshots, path.basename(store.first.summary.snapshot.path));
  const current = path.join(snapshots, path.basename(store.latest));
  const text = await fs.readFile(store.first.summary.snapshot.path, 'utf8');
  // The metadata line stays (the trend reads it); an entity line is cut in half.
  const lines = text.split('\n');
  lines[1] = lines[1].slice(0, 40);
  await fs.writeFile(previous, lines.join('\n'));
  await fs.copyFile(store.latest, current);
  const { model, html } = await buildReport({ snapshotFile: current, retained: [previous, current] });
  t.is(model.changes.previous?.file, path.basename(previous));
  t.regex(model.changes.previousUnreadable ?? '', /:2: not a JSON object/);
  t.regex(html, /The previous snapshot, <code>[^<]+<\/code>, could not be read: .*:2: not a JSON object/);
  t.is(model.overview.trend.length, 2);
});

test('compliance: without --inputs the report evaluates CIS on the snapshot; failing controls carry their evidence keys', async (t) => {
  const snapshot = await readSnapshot(store.latest);
  const [cis] = evaluateForReport(snapshot, ['cis-aws-7.0']);
  t.is(cis.framework, 'cis-aws-7.0');
  const failing = cis.controls.filter((control) => control.status === 'FAIL');
  t.true(failing.length > 0, 'the demo organization fails some controls on purpose');
  const keys = new Set(snapshot.entities.map((entity) => entity._key));
  for (const control of failing) {
    // A count rule (at least one logging trail per account) fails for what is missing: a reason, no evidence.
    t.true(control.evidenceKeys.length > 0 || (control.reason ?? '').length > 0, `${control.id} fails with evidence or a reason`);
    t.true(
      control.evidenceKeys.every((key) => keys.has(key)),
      `${control.id}: evidence is in the snapshot`,
    );
  }
  // Every automated control has its input in the demo organization; one that had none would say why
  // (test/compliance/not-evaluated.test.ts makes some).
  t.true(
    cis.controls.filter((control) => control.status === 'NOT_EVALUATED').every((control) => (control.reason ?? '').length > 0),
    'not-evaluated controls say why',
  );
  t.true(
    failing.some((control) => control.evidenceKeys.length === 0),
    'a count rule fails with a reason only',
  );
  t.true(cis.controls.some((control) => control.status === 'MANUAL'));

  const { html } = await buildReport({ snapshotFile: store.latest, retained: store.retained, frameworks: ['cis-aws-7.0'], now: fixedNow });
  t.notRegex(html, /Compliance: not evaluated in this report\./);
  t.regex(html, /Alerts: not evaluated in this report\./);
  const given = await buildReport({
    snapshotFile: store.latest,
    retained: store.retained,
    frameworks: ['cis-aws-7.0'],
    inputs: { compliance: [] },
    now: fixedNow,
  });
  t.notRegex(given.html, /cis-aws-7\.0/, 'results given with --inputs win over evaluation');
});

test("alerts: the store's alert state of the reported snapshot becomes one row per rule and status; a state of another snapshot is ignored", async (t) => {
  const directory = temporaryDirectory();
  const snapshotFile = path.join(directory, 'snapshots', '20261201T000000000Z-0123456789ab.json');
  const evidence = (key: string) => ({ key, query: 'query0', _key: key, _type: 'aws_s3_bucket' });
  const record = (rule: string, status: 'NEW' | 'ONGOING' | 'RESOLVED', key: string) => ({
    rule,
    pack: 'aws',
    alertLevel: 'HIGH' as const,
    status,
    firstSeenOn: '2026-11-30T00:00:00.000Z',
    lastSeenOn: '2026-12-01T00:00:00.000Z',
    evidence: evidence(key),
  });
  const state = {
    format: 'aws-org-graph.alert-state/1' as const,
    snapshot: { name: path.basename(snapshotFile), graphSha256: 'f'.repeat(64), endedAt: '2026-12-01T00:00:00.000Z' },
    alerts: [
      record('public-bucket', 'NEW', 'arn:aws:s3:::a'),
      record('public-bucket', 'NEW', 'arn:aws:s3:::b'),
      record('public-bucket', 'RESOLVED', 'arn:aws:s3:::c'),
    ],
    baseline: [],
  };
  await fs.mkdir(directory, { recursive: true });
  await fs.writeFile(path.join(directory, 'alert-state.json'), JSON.stringify(state));
  const rows = await storedAlertsFor(snapshotFile, directory);
  t.deepEqual(
    rows?.map((row) => [row.rule, row.state, row.evidenceKeys]),
    [
      ['public-bucket', 'NEW', ['arn:aws:s3:::a', 'arn:aws:s3:::b']],
      ['public-bucket', 'RESOLVED', ['arn:aws:s3:::c']],
    ],
  );
  t.is(await storedAlertsFor(path.join(directory, 'snapshots', 'another.json'), directory), undefined);
  t.is(await storedAlertsFor(snapshotFile, temporaryDirectory()), undefined);
});
