/**
 * The GraphSnapshot resource's inputs: those that are configuration keys are checked by the
 * configuration's own field schemas; `retention` and `throttleRetryMinutes` reach the engine; saved
 * questions are checked before any AWS call and asked of each new snapshot with the given params.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import test from 'ava';
import { checkConfig, ConfigError, ingestConfigSchema } from '../../src/config';
import { create, ingestConfig, INPUT_CONFIG_KEYS, inputSchema, validateInputs } from '../../provider/implementation';
import { PROGRAM_CONFIG_KEYS, settingsFromConfig } from '../../provider/program';
import { temporaryDirectory } from '../helpers/simulate';
import type * as pulumi from '@pulumi/pulumi';

const configKeys = Object.keys(ingestConfigSchema.properties);

test('inputs that are configuration keys use the configuration file schema of that key, not a copy', (t) => {
  const shared = Object.keys(inputSchema.properties).filter((input) => configKeys.includes(INPUT_CONFIG_KEYS[input] ?? input));
  t.true(shared.length >= 12, `shared inputs: ${shared.join(', ')}`);
  for (const input of shared) {
    const key = INPUT_CONFIG_KEYS[input] ?? input;
    const inputs: Record<string, unknown> = inputSchema.properties;
    const fields: Record<string, unknown> = ingestConfigSchema.properties;
    t.is(inputs[input], fields[key], `${input} is checked as the config key ${key}`);
  }
});

test('a value is rejected by the resource exactly when the configuration file rejects it', (t) => {
  const cases: Array<[string, unknown]> = [
    ['roleName', 'audit role'],
    ['sessionName', 'x'],
    ['concurrency', 0],
    ['throttleRetryMinutes', 5000],
    ['workers', 'many'],
    ['retention', { keep: 0 }],
    ['regions', { include: ['mars-1'] }],
  ];
  for (const [key, value] of cases) {
    const failures = validateInputs({ simulate: true, [key]: value });
    t.is(failures.length, 1, `${key}: ${JSON.stringify(failures)}`);
    t.is(failures[0]?.property, key);
    t.throws(
      () => checkConfig({ outputDir: '.orggraph', roleName: 'JupiterOne', [key]: value }, 'orggraph.yaml'),
      { instanceOf: ConfigError },
      `${key} in the file`,
    );
  }
  t.deepEqual(validateInputs({ simulate: true, retention: { keep: 3 }, throttleRetryMinutes: 30 }), []);
});

test('retention and throttleRetryMinutes reach the engine; retention is refused for an s3:// destination', (t) => {
  const config = ingestConfig({ simulate: true, retention: { keep: 2 }, throttleRetryMinutes: 15 }, '.orggraph');
  t.deepEqual(config.retention, { keep: 2 });
  t.is(config.throttleRetryMinutes, 15);
  const failures = validateInputs({ simulate: true, destination: 's3://bucket/prefix', retention: { keep: 2 } });
  t.deepEqual(
    failures.map((f) => f.property),
    ['retention'],
  );
  t.regex(failures[0]?.reason ?? '', /^retention: applies to local destinations only/);
});

test('every configuration key the program reads is declared, so a stack that sets it is not refused', (t) => {
  const read = new Set<string>();
  // A Config whose every getter records the key and answers "not set".
  const spy = new Proxy({} as pulumi.Config, { get: () => (key: string) => void read.add(key) });
  settingsFromConfig(spy);
  for (const key of read) t.true(PROGRAM_CONFIG_KEYS.includes(key), `aws-org-graph:${key} is read, so it is declared`);
  for (const key of ['report', 'alerts', 'questions', 'retention', 'throttleRetryMinutes']) t.true(read.has(key), `${key} is read`);
});

function questionsFile(directory: string): string {
  const file = path.join(directory, 'questions.yaml');
  writeFileSync(
    file,
    [
      'questions:',
      '  - id: instances-of-a-type',
      '    title: Instances of a given type',
      '    tags: [compute]',
      '    queries:',
      '      - FIND aws_instance WITH instanceType = ${ param.instanceType }',
      '  - id: every-kms-key',
      '    title: Every KMS key',
      '    tags: [encryption]',
      '    queries:',
      '      - FIND aws_kms_key',
      '',
    ].join('\n'),
  );
  return file;
}

test('saved questions: a parameter without a value is a check failure naming the file and line, before any run', (t) => {
  const directory = temporaryDirectory();
  const file = questionsFile(directory);
  const failures = validateInputs({ simulate: true, questions: { files: [file] } });
  t.deepEqual(
    failures.map((f) => f.property),
    ['questions'],
  );
  t.regex(
    failures[0]?.reason ?? '',
    new RegExp(`^questions: ${file.replace(/[/.]/g, '\\$&')}:\\d+: question instances-of-a-type needs params\\.instanceType$`),
  );
  t.deepEqual(validateInputs({ simulate: true, questions: { files: [file], params: { instanceType: 't3.micro' } } }), []);
  t.deepEqual(
    validateInputs({ simulate: true, questions: { files: [path.join(directory, 'missing.yaml')] } }).map((f) => f.property),
    ['questions'],
  );
});

test('saved questions are asked of each new snapshot with the resource params; the output lists those that found something', async (t) => {
  const directory = temporaryDirectory();
  const file = questionsFile(directory);
  const destination = temporaryDirectory();
  const micro = (await create({ simulate: true, destination, questions: { files: [file], params: { instanceType: 't3.micro' } } })).outs!;
  t.is(micro.questions?.asked, 2);
  t.is(micro.questions?.answered, 2);
  const byId = new Map(micro.questions?.answers.map((answer) => [answer.id, answer.rows]));
  t.true((byId.get('instances-of-a-type') ?? 0) >= 1);
  t.is(byId.get('every-kms-key'), micro.entityCounts.aws_kms_key);

  // Another value of the parameter, another answer: no instance of that type.
  const none = (await create({ simulate: true, destination, questions: { files: [file], tags: ['compute'], params: { instanceType: 'p5.48xlarge' } } })).outs!;
  t.deepEqual(none.questions, { asked: 1, answered: 0, answers: [] });

  // The shipped questions by default.
  const shipped = (await create({ simulate: true, destination, questions: { tags: ['encryption'] } })).outs!;
  t.true((shipped.questions?.asked ?? 0) > 0 && (shipped.questions?.answered ?? 0) > 0, JSON.stringify(shipped.questions));
});
