import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import test from 'ava';
import {
  askQuestion,
  builtInQuestions,
  DefinitionFileError,
  findQuestions,
  GraphIndex,
  missingParameters,
  readQuestions,
  runQuery,
  type Question,
} from '../../src/query';
import { readSnapshot } from '../../src/snapshot/reader';
import { builtinWorld, simulate } from '../helpers/simulate';
import { buildGraph, NOW } from './fixtures';

/** The demo organization, as `npm run demo` builds it (the built-in world and the example people file). */
const demo = (async () => {
  const result = await simulate(builtinWorld(), { config: { people: path.resolve('examples/people.yaml') } as never });
  return { index: GraphIndex.fromSnapshot(await readSnapshot(result.summary.snapshot.path)), now: Date.parse(result.metadata.endedAt) };
})();

const questions = builtInQuestions();

test('at least 60 AWS questions, in every category the library promises, with unique ids', (t) => {
  t.true(questions.length >= 60, `${questions.length} questions`);
  for (const tag of ['exposure', 'iam', 'encryption', 'logging', 'unused']) {
    t.true(questions.filter((question) => question.tags.includes(tag)).length >= 5, `tag ${tag}`);
  }
  t.is(new Set(questions.map((question) => question.id)).size, questions.length);
  t.true(questions.every((question) => question.tags.includes('aws') && question.queries.length > 0));
});

test('every shipped question runs on the demo organization; those marked non-empty find something', async (t) => {
  const { index, now } = await demo;
  const silent: string[] = [];
  for (const question of questions) {
    const answer = askQuestion(index, question, { now });
    t.is(answer.queries.length, question.queries.length);
    if (question.expect === 'non-empty' && !answer.answered) silent.push(`${question.id} (${question.source})`);
  }
  t.deepEqual(silent, [], 'questions marked non-empty that found nothing');
  t.true(questions.filter((question) => question.expect === 'non-empty').length >= 60);
});

test('a few answers checked against the demo world files', async (t) => {
  const { index, now } = await demo;
  const ask = (id: string) => askQuestion(index, questions.find((question) => question.id === id) as Question, { now });
  const ssh = ask('aws-ssh-open-to-internet').queries[0].result;
  t.deepEqual(ssh.type === 'table' ? ssh.data.map((row) => [row['sg.displayName'], row['rule.portRange'], row['rule.ipRange']]) : [], [
    ['bastion-ssh', '22', '0.0.0.0/0'],
  ]);
  const read = ask('aws-s3-public-read').queries[0].result;
  t.deepEqual(read.type === 'list' ? read.data.map((bucket) => bucket.bucketName) : [], ['acme-staging-website']);
  // The parameter's default (22 and 3389) and an override.
  const ports = (params?: Record<string, number[]>) =>
    askQuestion(index, questions.find((question) => question.id === 'aws-admin-ports-open-to-internet') as Question, { now, params }).queries[0].result.total;
  t.true(ports() > ports({ adminPorts: [22] }));
  t.is(ports({ adminPorts: [2] }), 0);
});

test("the issue's two queries on the demo organization: distinct VPC ids, and the ALLOWS verb alias", async (t) => {
  const { index, now } = await demo;
  const vpcIds = new Set(index.entities.filter((entity) => entity._type === 'aws_instance' && entity.vpcId).map((entity) => entity.vpcId));
  const instances = index.entities.filter((entity) => entity._type === 'aws_instance').length;
  t.true(vpcIds.size > 1 && vpcIds.size < instances, `${vpcIds.size} VPCs for ${instances} instances`);
  const count = runQuery(index, 'FIND aws_instance AS i RETURN count(i.vpcId), count(i)', { now });
  t.deepEqual(count.data, [{ 'count(i.vpcId)': vpcIds.size, 'count(i)': instances }]);
  const read = runQuery(index, "FIND aws_s3_bucket THAT ALLOWS Everyone WHERE ALLOWS.permission = 'READ'", { now });
  t.deepEqual(read.type === 'list' ? read.data.map((bucket) => bucket.bucketName) : [], ['acme-staging-website']);
});

test('findQuestions: by id, by whole title in any case, by a unique part of a title', (t) => {
  t.deepEqual(
    findQuestions(questions, 'aws-public-s3-buckets').map((q) => q.id),
    ['aws-public-s3-buckets'],
  );
  t.deepEqual(
    findQuestions(questions, 'which s3 buckets are public?').map((q) => q.id),
    ['aws-public-s3-buckets'],
  );
  t.deepEqual(
    findQuestions(questions, 'allow SSH from').map((q) => q.id),
    ['aws-ssh-open-to-internet'],
  );
  t.true(findQuestions(questions, 'S3 buckets').length > 1);
  t.deepEqual(findQuestions(questions, 'no such question'), []);
});

test('a questions file: defaults, named and unnamed queries, parameters; errors name file, line and field', (t) => {
  const directory = mkdtempSync(path.join(tmpdir(), 'orggraph-questions-'));
  const file = path.join(directory, 'mine.yaml');
  writeFileSync(
    file,
    [
      'questions:',
      '  - title: Which buckets have this classification?',
      '    tags: [s3]',
      '    params: { classification: public }',
      '    queries:',
      '      - FIND aws_s3_bucket WITH classification = ${ param.classification }',
      '      - name: count',
      '        query: FIND aws_s3_bucket AS b WHERE b.classification = ${ param.classification } RETURN count(b)',
      '  - title: Unused volumes',
      '    queries: [FIND aws_ebs_volume THAT !USES aws_instance]',
    ].join('\n'),
  );
  const [classified, unused] = readQuestions(file);
  t.is(classified.id, 'which-buckets-have-this-classification');
  t.deepEqual(
    classified.queries.map((query) => query.name),
    ['query0', 'count'],
  );
  t.deepEqual(missingParameters(classified), []);
  const { index } = buildGraph();
  const answer = askQuestion(index, classified, { now: NOW });
  t.true(answer.answered);
  t.is(answer.queries[0].result.total, 1);
  t.is(askQuestion(index, classified, { now: NOW, params: { classification: 'nothing' } }).queries[0].result.total, 0);
  t.is(askQuestion(index, unused, { now: NOW }).queries[0].result.total, 1);

  const bad = (lines: string[]) => {
    writeFileSync(file, lines.join('\n'));
    return t.throws(() => readQuestions(file), { instanceOf: DefinitionFileError });
  };
  let error = bad(['questions:', '  - title: Broken', '    queries:', '      - FIND aws_s3_bucket WITH']);
  t.is(error?.line, 4);
  t.is(error?.field, 'questions[0].queries[0]');
  t.regex(error?.message ?? '', /mine\.yaml:4: questions\[0\]\.queries\[0\]: bad query: line 1, column 24: found end of query/);
  error = bad(['questions:', '  - title: Fine', '    queries: [FIND x]', '  - title: Typo', '    querys: [FIND x]']);
  t.is(error?.line, 5);
  t.regex(error?.message ?? '', /questions\[1\]\.querys: unknown field/);
  error = bad(['questions:', '  - title: A', '    queries: [FIND x]', '  - title: A', '    queries: [FIND y]']);
  t.regex(error?.message ?? '', /id a is used twice/);
  error = bad(['questions:', '  - title: A', '    expect: always', '    queries: [FIND x]']);
  t.is(error?.field, 'questions[0].expect');
  error = bad(['questions:', '  - title: A', '    params: { ports: { a: 1 } }', '    queries: [FIND x]']);
  t.is(error?.field, 'questions[0].params.ports');
  // A parameter used with no default is reported before anything runs.
  writeFileSync(file, ['- title: Needs a value', '  queries: ["FIND x WITH y = ${ param.y }"]'].join('\n'));
  t.deepEqual(missingParameters(readQuestions(file)[0]), ['y']);
  t.deepEqual(missingParameters(readQuestions(file)[0], { y: 1 }), []);
});
