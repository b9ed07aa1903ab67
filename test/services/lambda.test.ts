import test from 'ava';
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import { convertLambdaFunction, convertLambdaFunctionPolicy, eventSourceRef, lambdaTimestamp, policyEventSources } from '../../src/services/lambda/converters';
import { builtinWorld, graphIssues, simulate } from '../helpers/simulate';

// ListFunctions' FunctionConfiguration, as the Lambda API Reference shows it (GetFunctionConfiguration example).
const configuration: FunctionConfiguration = {
  FunctionName: 'my-function',
  FunctionArn: 'arn:aws:lambda:us-west-2:123456789012:function:my-function',
  Runtime: 'nodejs20.x',
  Role: 'arn:aws:iam::123456789012:role/lambda-role',
  Handler: 'index.handler',
  CodeSize: 308,
  Description: '',
  Timeout: 3,
  MemorySize: 128,
  LastModified: '2019-09-24T18:20:35.054+0000',
  CodeSha256: 'FpFMvUhayLkOoVBpNuNiIVML/tuGv2iJQ7t0yWVTU8c=',
  Version: '$LATEST',
  VpcConfig: { SubnetIds: ['subnet-071f712345678e7c8'], SecurityGroupIds: ['sg-085912345678492fb'], VpcId: 'vpc-08e1234569e011e83' },
  Environment: { Variables: { DB_PASSWORD: 'hunter2', TABLE: 'orders' } },
  TracingConfig: { Mode: 'PassThrough' },
  RevisionId: '28f0fb31-5c5c-43d3-8955-03e76c5c1075',
  Layers: [
    {
      Arn: 'arn:aws:lambda:us-west-2:123456789012:layer:my-layer:2',
      CodeSize: 169,
      SigningProfileVersionArn: 'arn:aws:signer:us-west-2:123456789012:/signing-profiles/p/1',
    },
  ],
  State: 'Active',
  PackageType: 'Zip',
  Architectures: ['x86_64'],
  LoggingConfig: { LogFormat: 'Text', LogGroup: '/aws/lambda/my-function' },
};

test('convertLambdaFunction maps the configuration, without environment values', (t) => {
  const fn = convertLambdaFunction(configuration, { accountId: '123456789012', region: 'us-west-2' }, { Team: 'payments' });
  t.is(fn._key, 'arn:aws:lambda:us-west-2:123456789012:function:my-function');
  t.deepEqual(fn._class, ['Function']);
  t.is(fn.runtime, 'nodejs20.x');
  t.is(fn.vpcId, 'vpc-08e1234569e011e83');
  t.is(fn.loggingEnabled, true);
  t.is(fn.updatedOn, Date.parse('2019-09-24T18:20:35.054Z'));
  t.deepEqual(fn.environmentVariableNames, ['DB_PASSWORD', 'TABLE']);
  t.false(JSON.stringify(fn).includes('hunter2'));
  t.deepEqual(fn.layers, ['arn:aws:lambda:us-west-2:123456789012:layer:my-layer:2']);
  t.deepEqual(fn.layerSigningProfileVersionArns, ['arn:aws:signer:us-west-2:123456789012:/signing-profiles/p/1']);
  t.is(fn['tag.Team'], 'payments');
  const legacy = convertLambdaFunction(
    { ...configuration, LoggingConfig: undefined, VpcConfig: { SubnetIds: [], SecurityGroupIds: [], VpcId: '' } },
    { accountId: '123456789012', region: 'us-west-2' },
  );
  t.is(legacy.loggingEnabled, false);
  t.is(legacy.vpcId, undefined);
});

test("lambdaTimestamp reads Lambda's +0000 offsets", (t) => {
  t.is(lambdaTimestamp('2019-08-14T22:26:11.234+0000'), Date.parse('2019-08-14T22:26:11.234Z'));
  t.is(lambdaTimestamp('2019-08-14T22:26:11.234-0130'), Date.parse('2019-08-14T23:56:11.234Z'));
  t.is(lambdaTimestamp('yesterday'), undefined);
});

// GetPolicy's Policy text, as the Lambda developer guide shows resource-based policies.
const policyText = JSON.stringify({
  Version: '2012-10-17',
  Id: 'default',
  Statement: [
    {
      Sid: 'lambda-allow-s3-my-function',
      Effect: 'Allow',
      Principal: { Service: 's3.amazonaws.com' },
      Action: 'lambda:InvokeFunction',
      Resource: 'arn:aws:lambda:us-east-2:123456789012:function:my-function',
      Condition: { StringEquals: { 'AWS:SourceAccount': '123456789012' }, ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::amzn-s3-demo-bucket' } },
    },
    {
      Sid: 'api',
      Effect: 'Allow',
      Principal: { Service: 'apigateway.amazonaws.com' },
      Action: 'lambda:InvokeFunction',
      Resource: 'arn:aws:lambda:us-east-2:123456789012:function:my-function',
      Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:execute-api:us-east-2:123456789012:mnh1yprki7/*/GET/' } },
    },
    {
      Sid: 'rule',
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: 'lambda:InvokeFunction',
      Resource: 'arn:aws:lambda:us-east-2:123456789012:function:my-function',
      Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:events:us-east-2:123456789012:rule/my-rule' } },
    },
  ],
});

test('function policies become an AccessPolicy with the document, and name their event sources', (t) => {
  const fn = convertLambdaFunction(configuration, { accountId: '123456789012', region: 'us-west-2' });
  const policy = convertLambdaFunctionPolicy(fn, policyText);
  t.deepEqual(policy._class, ['AccessPolicy']);
  t.is(policy._key, `${fn._key}|policy`);
  t.is(policy.document, policyText);
  t.is(policy.public, false);
  t.deepEqual(
    policyEventSources(policyText).map((s) => `${s._type} ${s._key}`),
    [
      'aws_s3_bucket arn:aws:s3:::amzn-s3-demo-bucket',
      'aws_api_gateway_rest_api arn:aws:apigateway:us-east-2::/restapis/mnh1yprki7',
      'aws_cloudwatch_event_rule arn:aws:events:us-east-2:123456789012:rule/my-rule',
    ],
  );
  const open = JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 'lambda:InvokeFunction', Resource: '*' }] });
  t.is(convertLambdaFunctionPolicy(fn, open).public, true);
  t.is(convertLambdaFunctionPolicy(fn, 'not json').public, undefined);
});

test('event-source mappings point at the queue, the table of a stream, or the stream', (t) => {
  t.deepEqual(eventSourceRef({ EventSourceArn: 'arn:aws:sqs:us-east-2:123456789012:my-queue' }), {
    _key: 'arn:aws:sqs:us-east-2:123456789012:my-queue',
    _type: 'aws_sqs_queue',
  });
  t.deepEqual(eventSourceRef({ EventSourceArn: 'arn:aws:dynamodb:us-east-2:123456789012:table/orders/stream/2024-01-01T00:00:00.000' }), {
    _key: 'arn:aws:dynamodb:us-east-2:123456789012:table/orders',
    _type: 'aws_dynamodb_table',
  });
  t.is(eventSourceRef({ EventSourceArn: 'arn:aws:kinesis:us-east-2:123456789012:stream/clicks' })?._type, 'aws_kinesis_stream');
  t.is(eventSourceRef({ EventSourceArn: 'arn:aws:kafka:us-east-2:123456789012:cluster/c/abc' })?._type, 'aws_resource');
});

test('the simulated organization yields the functions with their roles, networks, policies and triggers', async (t) => {
  const { graph, summary } = await simulate(builtinWorld());
  const functions = graph.entitiesOfType('aws_lambda_function');
  t.deepEqual(functions.map((f) => f.functionName).sort(), ['orders-api', 'orders-processor', 'thumbnailer']);
  const edges = new Set([...graph.allRelationships()].map((r) => `${r._fromEntityKey} ${r._class} ${r._toEntityKey}`));
  const api = 'arn:aws:lambda:us-east-1:222222222222:function:orders-api';
  const processor = 'arn:aws:lambda:eu-west-1:222222222222:function:orders-processor';
  const thumbnailer = 'arn:aws:lambda:us-east-1:222222222222:function:thumbnailer';
  t.true(edges.has(`${api} HAS arn:aws:iam::222222222222:role/orders-lambda`));
  t.true(graph.getEntity('arn:aws:iam::222222222222:role/orders-lambda')?._source !== 'system-mapper');
  t.true(edges.has(`${api} HAS arn:aws:ec2:us-east-1:222222222222:vpc/vpc-02221000000000001`));
  t.true(edges.has(`${api} HAS arn:aws:ec2:us-east-1:222222222222:security-group/sg-02221000000000104`));
  t.true(edges.has(`arn:aws:events:us-east-1:222222222222:rule/nightly-orders TRIGGERS ${api}`));
  t.true(edges.has(`arn:aws:s3:::acme-prod-app-data TRIGGERS ${thumbnailer}`));
  t.not(graph.getEntity('arn:aws:s3:::acme-prod-app-data')?._source, 'system-mapper');
  t.true(edges.has(`arn:aws:sqs:eu-west-1:222222222222:orders TRIGGERS ${processor}`));
  t.true(edges.has(`arn:aws:dynamodb:eu-west-1:222222222222:table/orders TRIGGERS ${processor}`));
  t.true(edges.has(`${processor} USES arn:aws:kms:eu-west-1:222222222222:key/0a1b2c3d-2222-4aaa-8bbb-000000000004`));
  // The foreign execution role is a mapped placeholder.
  const foreign = graph.getEntity('arn:aws:iam::999999999999:role/external-build');
  t.is(foreign?._source, 'system-mapper');
  t.is(foreign?._type, 'aws_iam_role');
  t.true(edges.has(`${thumbnailer} HAS arn:aws:iam::999999999999:role/external-build`));
  // The public grant is read from the function policy, which the policy analysis turns into ALLOWS.
  t.is(graph.getEntity(`${thumbnailer}|policy`)?.public, true);
  t.true([...graph.allRelationships()].some((r) => r._fromEntityKey === `${thumbnailer}|policy` && r._class === 'ALLOWS' && r._toEntityKey === thumbnailer));
  t.is(graph.getEntity(thumbnailer)?.loggingEnabled, false);
  t.is(graph.getEntity(processor)?.loggingEnabled, true);
  t.deepEqual(summary.errors, []);
  t.deepEqual(graphIssues(graph), []);
});
