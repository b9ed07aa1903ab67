import * as path from 'node:path';
import test from 'ava';
import { loadSimulatedWorld } from '../../src/sim/load-world';
import { complianceGraph, evaluateCompliance, parseFramework, type ComplianceGraph } from '../../src/compliance';
import { readSnapshot } from '../../src/snapshot/reader';
import { simulate } from '../helpers/simulate';

/** The result rules of the framework format (`no-rows`, `count`, `every`) and `except`, on the passing world. */

const graph = (async (): Promise<ComplianceGraph> => {
  const result = await simulate(loadSimulatedWorld(path.join(__dirname, 'worlds', 'passing.yaml')));
  const snapshot = await readSnapshot(result.summary.snapshot.path);
  return complianceGraph(snapshot.entities, snapshot.relationships, snapshot.metadata);
})();

async function evaluate(controls: string) {
  const framework = parseFramework(`framework: rules\ntitle: Rules\ncontrols:\n${controls}`, 'rules.yaml');
  return evaluateCompliance(await graph, framework).controls;
}

test('count: min and max per account, with the reason; the entities over max are the evidence', async (t) => {
  const [atLeastOne, atLeastThree, atMostOne] = await evaluate(`  - { id: "1", title: a key, rule: { count: { min: 1 } }, queries: [FIND aws_kms_key] }
  - { id: "2", title: three keys, rule: { count: { min: 3 } }, queries: [FIND aws_kms_key] }
  - { id: "3", title: one key at most, rule: { count: { max: 1 } }, queries: [FIND aws_kms_key] }
`);
  t.is(atLeastOne.status, 'PASS');
  t.is(atLeastThree.status, 'FAIL');
  t.deepEqual(atLeastThree.reasons, ['444444444444: found 2, at least 3 required']);
  t.is(atLeastThree.evidenceTotal, 0);
  t.is(atMostOne.status, 'FAIL');
  t.is(atMostOne.evidenceTotal, 2);
  t.deepEqual(atMostOne.accounts, [{ accountId: '444444444444', status: 'FAIL', failing: 2, reasons: ['444444444444: found 2, at most 1 allowed'] }]);
});

test('every: scope entities without a matching entity are the evidence', async (t) => {
  const [support, breakGlass] = await evaluate(`  - id: "1"
    title: support role
    rule: { every: FIND aws_iam, match: [accountId] }
    queries: ["FIND aws_iam_role WITH roleName = 'SupportResponders'"]
  - id: "2"
    title: break-glass role
    rule: { every: FIND aws_iam, match: [accountId] }
    queries: ["FIND aws_iam_role WITH roleName = 'BreakGlass'"]
`);
  t.is(support.status, 'PASS');
  t.is(breakGlass.status, 'FAIL');
  t.deepEqual(
    breakGlass.evidence.map((entity) => entity._key),
    ['aws:444444444444:service:iam'],
  );
});

test('except: entities it finds are removed from the query results', async (t) => {
  const [all, allButOne] = await evaluate(`  - { id: "1", title: no SG, queries: [FIND aws_security_group] }
  - id: "2"
    title: no SG but default
    queries: [{ query: FIND aws_security_group, except: "FIND aws_security_group WITH groupName = 'default'" }]
`);
  t.deepEqual(all.evidence.map((entity) => entity.displayName).sort(), ['default', 'web']);
  t.deepEqual(
    allButOne.evidence.map((entity) => entity.displayName),
    ['web'],
  );
});

test('the 6.2 exception: the passing world ACL allows 0-65535 from anywhere, but SSH and RDP are denied first', async (t) => {
  const [allowsSsh] = await evaluate(`  - id: "1"
    title: ACL allows SSH from anywhere, ignoring order
    queries: ["FIND aws_network_acl AS acl THAT ALLOWS >> AS allow Internet WHERE allow.ingress = true AND allow.fromPort <= 22 AND allow.toPort >= 22"]
`);
  t.is(allowsSsh.status, 'FAIL', 'without the exception the broad allow would fail 6.2');
  t.is(allowsSsh.evidence[0]?.displayName, 'acl-04441000000000111');
});
