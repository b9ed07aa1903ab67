import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import test from 'ava';
import type { AlertMessage, AlertRunSummary } from '../../src/alerts';
import { temporaryDirectory } from '../helpers/simulate';
import { AwsLoopback, internalError } from './aws-loopback';
import { runCli as cli } from '../helpers/cli';

/** The environment of the ingesting process: its own credentials, and endpoints pointing at the loopback AWS. */
async function withEnvironment<T>(variables: Record<string, string>, run: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(variables).map((name) => [name, process.env[name]]));
  Object.assign(process.env, variables);
  try {
    return await run();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

test.serial("after an ingestion, new HIGH and CRITICAL alerts go to SNS and SQS with the ingesting process's credentials", async (t) => {
  const server = new AwsLoopback();
  await server.start();
  try {
    const directory = temporaryDirectory('orggraph-deliver-');
    const queueUrl = server.queueUrl('security-alerts');
    writeFileSync(
      path.join(directory, 'orggraph.yaml'),
      [
        `outputDir: ${JSON.stringify(path.join(directory, 'out'))}`,
        'alerts:',
        '  actions:',
        '    - { type: SEND_SNS_NOTIFICATION, topicArn: "arn:aws:sns:us-east-1:123456789012:security-alerts", minLevel: CRITICAL }',
        `    - { type: SEND_SQS_MESSAGE, queueUrl: "${queueUrl}", region: us-east-1, minLevel: HIGH }`,
        '',
      ].join('\n'),
    );
    const run = await withEnvironment(
      {
        AWS_ACCESS_KEY_ID: 'AKIDINGESTINGPROCESS',
        AWS_SECRET_ACCESS_KEY: 'ingesting-process-secret',
        AWS_SESSION_TOKEN: '',
        AWS_ENDPOINT_URL_SNS: server.url,
        AWS_ENDPOINT_URL_SQS: server.url,
      },
      () => cli(['ingest', '--simulate', '--config', path.join(directory, 'orggraph.yaml'), '--quiet', '--no-progress', '--json']),
    );
    t.is(run.code, 0, run.stderr);
    const summary = JSON.parse(run.stdout) as { alerts: Omit<AlertRunSummary, 'alerts'> };
    const { delivery } = summary.alerts;
    t.truthy(delivery);
    t.is(delivery?.failed, 0);
    t.is(delivery?.delivered, delivery?.messages);
    const sns = server.requests.filter((r) => r.service === 'sns');
    const sqs = server.requests.filter((r) => r.service === 'sqs');
    t.true(sns.length > 0 && sqs.length > 0);
    // The default credential chain of the process, never the simulated organization's assumed roles.
    for (const request of server.requests) t.regex(String(request.headers.authorization), /Credential=AKIDINGESTINGPROCESS\//);
    const snsLevels = sns.map((r) => (JSON.parse(String(r.body.Message)) as AlertMessage).rule.alertLevel);
    t.true(snsLevels.every((level) => level === 'CRITICAL'));
    const sqsMessages = sqs.flatMap((r) => (r.body.Entries as Array<{ MessageBody: string }>).map((e) => JSON.parse(e.MessageBody) as AlertMessage));
    t.true(sqsMessages.every((m) => m.status === 'NEW' && ['HIGH', 'CRITICAL'].includes(m.rule.alertLevel)));
    t.is(
      sqsMessages.reduce((sum, m) => sum + m.alerts.length, 0),
      summary.alerts.newByLevel.HIGH + summary.alerts.newByLevel.CRITICAL,
    );
    // Nothing secret in what was printed or stored.
    t.false(run.stdout.includes('ingesting-process-secret'));
    t.false(readFileSync(path.join(directory, 'out', 'alert-state.json'), 'utf8').includes('ingesting-process-secret'));
  } finally {
    await server.stop();
  }
});

test.serial('a delivery that fails is reported in the summary; the run and its snapshot are not affected', async (t) => {
  const server = new AwsLoopback();
  server.override = () => internalError;
  await server.start();
  try {
    const directory = temporaryDirectory('orggraph-deliver-fail-');
    writeFileSync(
      path.join(directory, 'orggraph.yaml'),
      `outputDir: ${JSON.stringify(path.join(directory, 'out'))}\nalerts:\n  actions:\n    - { type: SEND_SQS_MESSAGE, queueUrl: "${server.queueUrl('down')}", region: us-east-1, minLevel: CRITICAL }\n`,
    );
    const run = await withEnvironment({ AWS_ACCESS_KEY_ID: 'AKIDINGESTINGPROCESS', AWS_SECRET_ACCESS_KEY: 'x', AWS_ENDPOINT_URL_SQS: server.url }, () =>
      cli(['ingest', '--simulate', '--config', path.join(directory, 'orggraph.yaml'), '--quiet', '--no-progress']),
    );
    t.is(run.code, 0, run.stderr);
    t.regex(run.stdout, /^Alerts .* FAILED$/m);
    t.regex(run.stdout, /not delivered to http:\/\/127\.0\.0\.1:\d+\/123456789012\/down/);
    t.true(existsSync(path.join(directory, 'out', 'latest.json')));
    t.true(server.requests.length >= 3);
  } finally {
    await server.stop();
  }
});
