import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import test from 'ava';
import type { QuestionAnswer, QueryResult } from '../../src/query';
import { exampleSnapshotDirectory, runCli } from '../helpers/cli';

const cli = (...args: string[]) => runCli(args);
const snapshot = exampleSnapshotDirectory('orggraph-ask-');

test.serial('query --param fills ${ param.x }; a missing one fails before the snapshot is read', async (t) => {
  const { file } = await snapshot;
  const ok = await cli(
    'query',
    'FIND aws_s3_bucket WITH bucketName = ${ param.names } AS b RETURN b.bucketName',
    '--snapshot',
    file,
    '--param',
    'names=["www-site","org-logs"]',
    '--json',
  );
  t.is(ok.stderr, '');
  t.deepEqual((JSON.parse(ok.stdout) as QueryResult).data, [{ 'b.bucketName': 'org-logs' }, { 'b.bucketName': 'www-site' }]);
  const number = await cli('query', 'FIND aws_ebs_volume WITH size > ${ param.min }', '--snapshot', file, '--param', 'min=60', '--json');
  t.is((JSON.parse(number.stdout) as QueryResult).total, 1);
  // No snapshot at all: the parameter is reported first.
  const missing = await cli(
    'query',
    'FIND x WITH a = ${ param.a } AND b = ${ param.b }',
    '--dir',
    path.join(tmpdir(), 'no-such-orggraph-dir'),
    '--param',
    'a=1',
  );
  t.is(missing.code, 2);
  t.regex(missing.stderr, /the query needs --param b=<value>/);
  const malformed = await cli('query', 'FIND x', '--snapshot', file, '--param', 'novalue');
  t.is(malformed.code, 2);
  t.regex(malformed.stderr, /--param novalue: expected name=value/);
});

test.serial('query --smart-classes adds definitions; a bad file fails with its line', async (t) => {
  const { file } = await snapshot;
  const directory = mkdtempSync(path.join(tmpdir(), 'orggraph-smart-cli-'));
  const classes = path.join(directory, 'classes.yaml');
  writeFileSync(classes, 'OpenBucket:\n  queries:\n    - FIND aws_s3_bucket THAT ALLOWS Everyone\n');
  const ok = await cli('query', 'FIND #OpenBucket', '--snapshot', file, '--smart-classes', classes, '--json');
  t.is(ok.stderr, '');
  t.deepEqual((JSON.parse(ok.stdout) as { data: Array<{ name: string }> }).data.map((entity) => entity.name).sort(), ['upload-dropbox', 'www-site']);
  writeFileSync(classes, 'OpenBucket:\n  queries:\n    - FIND aws_s3_bucket THAT\n');
  const bad = await cli('query', 'FIND #OpenBucket', '--snapshot', file, '--smart-classes', classes);
  t.is(bad.code, 2);
  t.regex(bad.stderr, /classes\.yaml:3: OpenBucket\.queries\[0\]: bad query/);
});

test.serial('ask runs a shipped question by title, a file of questions, and prints JSON', async (t) => {
  const { file } = await snapshot;
  const text = await cli('ask', 'Which S3 buckets can anyone read?', '--snapshot', file);
  t.is(text.stderr, '');
  t.is(text.code, 0);
  t.regex(text.stdout, /^# Which S3 buckets can anyone read\?/);
  t.regex(text.stdout, /aws_s3_bucket\s+www-site/);
  t.regex(text.stdout, /1 entities/);

  const directory = mkdtempSync(path.join(tmpdir(), 'orggraph-ask-file-'));
  const questions = path.join(directory, 'questions.yaml');
  writeFileSync(
    questions,
    'questions:\n  - title: Unencrypted volumes\n    tags: [ebs]\n    queries: [FIND aws_ebs_volume WITH encrypted = false]\n  - title: Admin users\n    queries: ["FIND User THAT ASSIGNED AccessPolicy WITH admin = true"]\n',
  );
  const json = await cli('ask', questions, '--snapshot', file, '--json');
  t.is(json.stderr, '');
  const answers = JSON.parse(json.stdout) as QuestionAnswer[];
  t.deepEqual(
    answers.map((answer) => [answer.title, answer.answered, answer.queries[0].result.total]),
    [
      ['Unencrypted volumes', true, 2],
      ['Admin users', true, 1],
    ],
  );
  const tagged = await cli('ask', questions, '--tag', 'ebs', '--snapshot', file, '--json');
  t.deepEqual(
    (JSON.parse(tagged.stdout) as QuestionAnswer[]).map((answer) => answer.title),
    ['Unencrypted volumes'],
  );
});

test.serial('ask: unknown or ambiguous titles and bad files exit 2 before reading a snapshot', async (t) => {
  const nowhere = path.join(tmpdir(), 'no-such-orggraph-dir');
  const unknown = await cli('ask', 'How is the weather?', '--dir', nowhere);
  t.is(unknown.code, 2);
  t.regex(unknown.stderr, /no shipped question has that id or title/);
  const ambiguous = await cli('ask', 'S3 buckets', '--dir', nowhere);
  t.is(ambiguous.code, 2);
  t.regex(ambiguous.stderr, /matches \d+ questions/);
  const directory = mkdtempSync(path.join(tmpdir(), 'orggraph-ask-bad-'));
  const questions = path.join(directory, 'questions.yaml');
  writeFileSync(questions, 'questions:\n  - title: Broken\n    queries: [FIND aws_ebs_volume WITH]\n');
  const bad = await cli('ask', questions, '--dir', nowhere);
  t.is(bad.code, 2);
  t.regex(bad.stderr, /questions\.yaml:3: questions\[0\]\.queries\[0\]: bad query/);
  writeFileSync(questions, 'questions:\n  - title: Needs a value\n    queries: ["FIND x WITH a = ${ param.a }"]\n');
  const missing = await cli('ask', questions, '--dir', nowhere);
  t.is(missing.code, 2);
  t.regex(missing.stderr, /"Needs a value" needs --param a=<value>/);
  const list = await cli('ask', '--list', '--tag', 'unused');
  t.is(list.code, 0);
  t.regex(list.stdout, /aws-unattached-ebs-volumes\s+\[/);
});
