import test from 'ava';
import { evaluateRules, loadAwsPack, loadPublishedPacks, type RuleEvaluation } from '../../src/alerts';
import type { Entity, Relationship } from '../../src/graph';
import { GraphIndex, type EntityStep, type FilterExpr, type Query, type TraversalItem } from '../../src/query';
import { builtinWorld, simulate } from '../helpers/simulate';

const T1 = Date.parse('2026-03-01T08:00:00.000Z');

let demo: Promise<{ entities: Entity[]; relationships: Relationship[]; now: number }> | undefined;
/** The demo organization, ingested once (the same as `npm run demo`, with a fixed clock). */
function demoGraph() {
  demo ??= (async () => {
    let calls = 0;
    const result = await simulate(builtinWorld(), { clock: () => new Date(T1 + 1000 * Math.min(calls++, 1)) });
    return { entities: [...result.graph.allEntities()], relationships: [...result.graph.allRelationships()], now: Date.parse(result.metadata.endedAt) };
  })();
  return demo;
}

const byName = (evaluations: RuleEvaluation[], name: string) => evaluations.find((evaluation) => evaluation.rule.name === name) as RuleEvaluation;

test('our AWS pack has at least 40 rules, in every area the issue names', (t) => {
  const rules = loadAwsPack();
  t.true(rules.length >= 40, `${rules.length} rules`);
  t.is(new Set(rules.map((rule) => rule.name)).size, rules.length);
  for (const rule of rules) {
    t.truthy(rule.description, rule.name);
    t.is(rule.pack, 'aws');
    t.true(['INFO', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'].includes(rule.alertLevel));
  }
  const has = (pattern: RegExp) => rules.filter((rule) => pattern.test(rule.name)).length;
  t.true(has(/public|internet|shared/) >= 8, 'public exposure');
  t.true(has(/^aws-(iam|root|password)/) >= 10, 'IAM hygiene');
  t.true(has(/encrypt|kms/) >= 5, 'encryption');
  t.true(has(/log|flow|monitoring/) >= 4, 'logging');
  t.true(has(/^aws-new-admin/) >= 2, 'new admin grants');
});

/** Property names a query reads, per step: the selector's names and the properties its filters and WHERE name. */
function propertyUses(query: Query): Array<{ names: string[]; field: '_type' | '_class' | 'verb' | '*'; property: string }> {
  const uses: Array<{ names: string[]; field: '_type' | '_class' | 'verb' | '*'; property: string }> = [];
  const aliases = new Map<string, { names: string[]; field: '_type' | '_class' | 'verb' | '*' }>();
  const selectorOf = (step: EntityStep) =>
    step.selector.kind === 'names'
      ? { names: step.selector.names.map((n) => n.name), field: step.selector.names[0].field }
      : { names: [], field: '*' as const };
  const filter = (expression: FilterExpr | undefined, scope: { names: string[]; field: '_type' | '_class' | 'verb' | '*' } | undefined) => {
    if (!expression) return;
    if (expression.kind === 'and' || expression.kind === 'or') return expression.operands.forEach((operand) => filter(operand, scope));
    const target = expression.left.alias ? aliases.get(expression.left.alias) : scope;
    if (target) uses.push({ ...target, property: expression.left.name });
  };
  const step = (entity: EntityStep) => {
    const selector = selectorOf(entity);
    if (entity.alias) aliases.set(entity.alias, selector);
    filter(entity.filter, selector);
  };
  const items = (list: TraversalItem[]) => {
    for (const item of list) {
      if (item.kind === 'optional') items(item.items);
      else {
        if (item.relationshipAlias) aliases.set(item.relationshipAlias, { names: item.verbs ?? [], field: 'verb' });
        step(item.target);
      }
    }
  };
  step(query.start);
  items(query.traversal);
  filter(query.where, undefined);
  if (query.return?.kind === 'columns') {
    for (const item of query.return.items)
      if (item.kind === 'property' && aliases.has(item.alias))
        uses.push({ ...(aliases.get(item.alias) as { names: string[]; field: '_type' }), property: item.name });
  }
  return uses;
}

test('every property our pack reads is one the converters produce', async (t) => {
  const { entities, relationships } = await demoGraph();
  const classes = (entity: Entity) => (Array.isArray(entity._class) ? entity._class : [entity._class]);
  const present = (use: ReturnType<typeof propertyUses>[number]): boolean => {
    const has = (object: Entity | Relationship) => Object.prototype.hasOwnProperty.call(object, use.property);
    if (use.field === 'verb') return relationships.some((r) => (use.names.length === 0 || use.names.includes(String(r._class))) && has(r));
    if (use.field === '_type') return entities.some((e) => use.names.includes(e._type) && has(e));
    if (use.field === '_class') return entities.some((e) => classes(e).some((c) => use.names.includes(c)) && has(e));
    return entities.some(has);
  };
  const missing: string[] = [];
  for (const rule of loadAwsPack()) {
    for (const query of rule.parsed)
      for (const use of propertyUses(query)) if (!present(use)) missing.push(`${rule.name}: ${use.names.join('|') || '*'} has no ${use.property}`);
  }
  t.deepEqual(missing, []);
});

test('every published JupiterOne rule and every rule of our pack runs on the demo snapshot', async (t) => {
  const { entities, relationships, now } = await demoGraph();
  const published = loadPublishedPacks();
  const ours = loadAwsPack();
  t.true(published.length >= 20);
  const evaluations = evaluateRules(new GraphIndex(entities, relationships), [...published, ...ours], { now });
  t.deepEqual(
    evaluations.filter((e) => e.error).map((e) => `${e.rule.name}: ${e.error}`),
    [],
  );
  t.is(evaluations.length, published.length + ours.length);
  // What the demo organization is built to fail (src/sim/worlds/demo-base.yaml and the services' fragments).
  const fired = (name: string) => byName(evaluations, name).evidence.map((item) => item.displayName ?? item.key);
  t.deepEqual(fired('aws-root-without-mfa'), ['acme-prod']);
  t.deepEqual(fired('aws-root-access-keys'), ['acme-stg']);
  t.deepEqual(fired('aws-password-policy-missing'), ['acme-prod']);
  t.deepEqual(fired('aws-iam-user-console-without-mfa'), ['carol']);
  t.deepEqual(fired('aws-ebs-snapshot-public'), ['snap-03332000000000401']);
  t.deepEqual(fired('aws-kms-key-pending-deletion').length, 1);
  const trust = byName(evaluations, 'aws-iam-role-trusts-external-account-without-external-id');
  t.deepEqual(
    trust.evidence.map((item) => [item.row?.['role.roleName'], item.row?.['account.accountId']]),
    [['vendor-monitoring', '999999999999']],
  );
  t.true(fired('aws-security-group-ssh-from-internet').length >= 1);
  // alertLevel honoured: the pack's own level, the published defaults (HIGH) otherwise.
  t.is(byName(evaluations, 'aws-root-without-mfa').alertLevel, 'CRITICAL');
  t.is(byName(evaluations, 'aws-instance-detailed-monitoring-disabled').alertLevel, 'INFO');
  t.is(byName(evaluations, 'unclassified-data-stores').alertLevel, 'MEDIUM');
  t.is(byName(evaluations, 's3-bucket-logging-enabled').alertLevel, 'HIGH');
  // The published rules' queries run unchanged: the JSON of the package, as provisioned to JupiterOne.
  t.is(byName(evaluations, 'ec2-volume-inuse-check').rule.queries[0].query, 'Find aws_ebs_volume that !USES aws_instance');
  t.true(byName(evaluations, 's3-bucket-versioning-enabled').fired);
  t.false(byName(evaluations, 'lambda-function-settings-check-runtime-nodejs610').fired);
  // A rule that fires has evidence; one that does not has none.
  for (const evaluation of evaluations) t.is(evaluation.fired, evaluation.evidence.length > 0, evaluation.rule.name);
});
