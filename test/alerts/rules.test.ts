import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import test from 'ava';
import { evaluateCondition, evaluateRule, loadRuleFile, renderTemplate, RuleError } from '../../src/alerts';
import { buildGraph, NOW } from '../query/fixtures';
import { temporaryDirectory } from '../helpers/simulate';

const scope = { queries: { query0: { total: 3, data: [{ name: 'a' }] }, query1: { total: 0, data: [] } }, alertLevel: 'LOW' };

test('conditions: template strings and the array form, as JupiterOne writes them', (t) => {
  t.true(evaluateCondition('{{queries.query0.total > 0}}', scope));
  t.false(evaluateCondition('{{queries.query1.total > 0}}', scope));
  t.true(evaluateCondition('{{queries.query0.total > 2 && !(queries.query1.total > 0)}}', scope));
  t.true(evaluateCondition(['AND', ['queries.query0.total', '>', 0]], scope));
  t.false(evaluateCondition(['AND', ['queries.query0.total', '>', 0], ['queries.query1.total', '>', 0]], scope));
  t.true(evaluateCondition(['OR', ['queries.query1.total', '>', 0], ['{{queries.query0.total}}', '>=', 3]], scope));
  t.true(evaluateCondition(['AND', ['OR', ['queries.query1.total', '!=', 0], ['alertLevel', '=', 'LOW']]], scope));
  t.is(renderTemplate('{{queries.query0.total}}', scope), 3);
  t.is(renderTemplate('{{queries.query0.total}} found, first {{queries.query0.data[0].name}}', scope), '3 found, first a');
  t.is(renderTemplate("{{queries.query0.total > 2 ? 'HIGH' : 'LOW'}}", scope), 'HIGH');
  t.throws(() => evaluateCondition(['AND', ['queries.query0.total', '~', 0]], scope), { message: /operator/ });
});

test('a rule of our own: several queries, a templated level, SNS and SQS actions per rule', (t) => {
  const directory = temporaryDirectory();
  const file = path.join(directory, 'rules.json');
  writeFileSync(
    file,
    JSON.stringify([
      {
        name: 'many-public-buckets',
        description: 'more public buckets than allowed',
        specVersion: 1,
        question: {
          queries: [
            { name: 'buckets', query: 'FIND aws_s3_bucket WITH public = true', version: 'v1' },
            { name: 'users', query: 'FIND aws_iam_user WITH mfaEnabled = false', version: 'v1' },
          ],
        },
        operations: [
          {
            when: { type: 'FILTER', condition: '{{queries.buckets.total + queries.users.total > 1}}' },
            actions: [
              { type: 'SET_PROPERTY', targetProperty: 'alertLevel', targetValue: "{{queries.users.total > 0 ? 'CRITICAL' : 'MEDIUM'}}" },
              { type: 'CREATE_ALERT' },
              { type: 'SEND_SNS_NOTIFICATION', topicArn: 'arn:aws:sns:eu-west-1:123456789012:alerts', minLevel: 'HIGH' },
              { type: 'SEND_SQS_MESSAGE', queueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/alerts', on: ['NEW', 'RESOLVED'] },
            ],
          },
        ],
      },
    ]),
  );
  const [rule] = loadRuleFile(file, 'mine');
  t.is(rule.deliveries.length, 2);
  const evaluation = evaluateRule(buildGraph().index, rule, { now: NOW });
  t.true(evaluation.fired);
  t.deepEqual(Object.keys(evaluation.totals), ['buckets', 'users']);
  t.is(evaluation.alertLevel, evaluation.totals.users > 0 ? 'CRITICAL' : 'MEDIUM');
  t.is(evaluation.evidence.length, new Set(evaluation.evidence.map((e) => e.key)).size);
  t.is(evaluation.evidence.length, evaluation.totals.buckets + evaluation.totals.users);
  t.deepEqual(
    evaluation.deliveries.map((d) => d.type),
    ['SEND_SNS_NOTIFICATION', 'SEND_SQS_MESSAGE'],
  );
  // A bad action names its field.
  writeFileSync(
    file,
    JSON.stringify(
      [{ name: 'x', queries: [{ query: 'FIND aws_s3_bucket' }], operations: [{ actions: [{ type: 'SEND_SQS_MESSAGE', queueUrl: 'not a url' }] }] }],
      null,
      2,
    ),
  );
  const error = t.throws(() => loadRuleFile(file, 'mine'), { instanceOf: RuleError });
  t.regex(error?.message ?? '', /rules\.json:\d+: \[0\]\.operations\[0\]\.actions\[0\]\.queueUrl: must match pattern/);
});

test("rule params: ${ param.x } in a rule's queries takes the rule's params; a query left without a value fails at load, naming the field", (t) => {
  const directory = temporaryDirectory();
  const file = path.join(directory, 'params.yaml');
  const rule = (params: string) =>
    `- name: subnets-by-visibility\n${params}  queries:\n    - name: query0\n      query: FIND aws_subnet WITH public = \${ param.public }\n`;
  writeFileSync(file, rule('  params: { public: true }\n'));
  const [publicRule] = loadRuleFile(file, 'test');
  const publicSubnets = evaluateRule(buildGraph().index, publicRule, { now: NOW });
  t.is(publicSubnets.totals.query0, 1);
  t.deepEqual(
    publicSubnets.evidence.map((item) => item.displayName),
    ['public-a'],
  );
  writeFileSync(file, rule('  params: { public: [true, false] }\n'));
  t.is(evaluateRule(buildGraph().index, loadRuleFile(file, 'test')[0], { now: NOW }).totals.query0, 2, 'a list means any of its values');

  writeFileSync(file, rule(''));
  const missing = t.throws(() => loadRuleFile(file, 'test'), { instanceOf: RuleError });
  t.regex(missing?.message ?? '', /params\.yaml:4: \[0\]\.queries\[0\]\.query: uses \$\{ param\.public \}: give it a value in the rule's params/);
  writeFileSync(file, rule('  params: { public: { yes: 1 } }\n'));
  t.regex(t.throws(() => loadRuleFile(file, 'test'))?.message ?? '', /params\.yaml:2: \[0\]\.params\.public: text, a number/);
});
