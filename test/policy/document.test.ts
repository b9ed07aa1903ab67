import test from 'ava';
import Ajv from 'ajv';
import {
  asList,
  conditionEntries,
  encodePolicyDocument,
  isPublicStatement,
  isWildcardPrincipal,
  parsePolicyDocument,
  policyDocumentSchema,
  policyDocumentText,
  principalEntries,
  type PolicyDocument,
} from '../../src/policy/document';

// The project's one policy-document model, on documents shaped as AWS returns them: IAM's
// URL-encoded text, resource policies' JSON text, single statements, string-or-list fields.

/** A Lambda function policy as GetPolicy returns it (JSON text, `Statement` a list, `Principal` a service). */
const LAMBDA_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Id: 'default',
  Statement: [
    {
      Sid: 'sns-invoke',
      Effect: 'Allow',
      Principal: { Service: 'sns.amazonaws.com' },
      Action: 'lambda:InvokeFunction',
      Resource: 'arn:aws:lambda:us-east-1:222222222222:function:notify',
      Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:sns:us-east-1:222222222222:alerts' } },
    },
  ],
});

/** An SQS queue policy as GetQueueAttributes returns it: one statement object, `Principal: "*"`. */
const SQS_POLICY =
  '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":["sqs:SendMessage","sqs:GetQueueUrl"],"Resource":"arn:aws:sqs:us-east-1:222222222222:jobs"}}';

test('text as AWS returns it: IAM URL-encoding decoded, JSON compacted, not-JSON kept', (t) => {
  const document: PolicyDocument = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }],
  };
  const encoded = encodePolicyDocument(document);
  t.true(encoded.startsWith('%7B') && encoded.includes('%2A'), 'RFC 3986, `*` included');
  t.is(policyDocumentText(encoded), JSON.stringify(document));
  t.is(
    policyDocumentText('{\n  "Statement": [ { "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/100%/*" } ]\n}'),
    '{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/100%/*"}]}',
  );
  t.is(policyDocumentText(undefined), undefined);
  t.is(policyDocumentText('%7Bnot json'), '{not json');
  t.deepEqual(parsePolicyDocument(encoded)?.statements[0]?.actions, { kind: 'include', patterns: ['*'] }, 'the parser reads the encoded form too');
});

test('statements normalized: string-or-list fields, one statement or a list, Not* elements, conditions', (t) => {
  const sqs = parsePolicyDocument(SQS_POLICY);
  t.is(sqs?.statements.length, 1);
  t.deepEqual(sqs?.statements[0]?.actions, { kind: 'include', patterns: ['sqs:SendMessage', 'sqs:GetQueueUrl'] });
  t.deepEqual(sqs?.statements[0]?.resources, { kind: 'include', patterns: ['arn:aws:sqs:us-east-1:222222222222:jobs'] });
  t.deepEqual(principalEntries(sqs?.statements[0]?.principal), [{ type: 'AWS', value: '*' }]);
  t.true(isPublicStatement(sqs!.statements[0]!));

  const lambda = parsePolicyDocument(LAMBDA_POLICY)!.statements[0]!;
  t.is(lambda.sid, 'sns-invoke');
  t.deepEqual(principalEntries(lambda.principal), [{ type: 'Service', value: 'sns.amazonaws.com' }]);
  t.false(isPublicStatement(lambda));
  t.is(lambda.conditions, '{"ArnLike":{"AWS:SourceArn":"arn:aws:sns:us-east-1:222222222222:alerts"}}');
  t.deepEqual(conditionEntries(lambda.condition), [{ operator: 'ArnLike', key: 'AWS:SourceArn', values: ['arn:aws:sns:us-east-1:222222222222:alerts'] }]);

  const nots = parsePolicyDocument({
    Statement: [
      {
        Effect: 'Deny',
        NotAction: ['iam:*', ' sts:* '],
        NotResource: 'arn:aws:iam::*:role/break-glass',
        NotPrincipal: { AWS: ['arn:aws:iam::222222222222:root'] },
      },
      { Effect: 'Allow', Principal: { Federated: 'cognito-identity.amazonaws.com' }, Action: 'sts:AssumeRoleWithWebIdentity' },
    ],
  })!;
  t.deepEqual(nots.statements[0]?.actions, { kind: 'exclude', patterns: ['iam:*', 'sts:*'] });
  t.deepEqual(nots.statements[0]?.resources, { kind: 'exclude', patterns: ['arn:aws:iam::*:role/break-glass'] });
  t.deepEqual(principalEntries(nots.statements[0]?.notPrincipal), [{ type: 'AWS', value: 'arn:aws:iam::222222222222:root' }]);
  t.deepEqual(nots.statements[1]?.resources, { kind: 'include', patterns: ['*'], implicit: true }, 'a trust statement has no Resource');
});

test('untrusted JSON: unreadable statements are counted and left out, non-documents are undefined', (t) => {
  const parsed = parsePolicyDocument({
    Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }, { Effect: 'Maybe', Action: '*' }, { Effect: 'Allow', Resource: '*' }, 'text', null],
  });
  t.is(parsed?.statements.length, 1);
  t.is(parsed?.skipped, 4);
  t.is(parsePolicyDocument('{"Statement": ['), undefined);
  t.is(parsePolicyDocument('[1, 2]'), undefined);
  t.is(parsePolicyDocument(42), undefined);
  t.deepEqual(parsePolicyDocument({})?.statements, []);
  t.deepEqual(asList(undefined), []);
  t.deepEqual(asList('a'), ['a']);
  t.true(isWildcardPrincipal({ AWS: ['arn:aws:iam::222222222222:root', '*'] }));
  t.true(isWildcardPrincipal({ CanonicalUser: '*' }));
  t.false(isWildcardPrincipal({ Service: '*' }), 'a service wildcard is not everyone');
});

test('the world-file schema accepts AWS grammar and rejects what IAM would refuse', (t) => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const resource = ajv.compile(policyDocumentSchema());
  const identity = ajv.compile(policyDocumentSchema({ identity: true }));
  const valid = {
    Version: '2012-10-17',
    Statement: [JSON.parse(LAMBDA_POLICY).Statement[0], { Effect: 'Deny', Principal: '*', NotAction: 's3:Get*', Resource: ['*'] }],
  };
  t.true(resource(valid), JSON.stringify(resource.errors));
  t.false(identity(valid), 'identity policies allow letters and digits only in a Sid');
  t.true(identity({ Statement: [{ Sid: 'Admin1', Effect: 'Allow', Action: '*', Resource: '*' }] }));
  t.false(resource({ Statement: [{ Effect: 'Allow', Resource: '*' }] }), 'no Action nor NotAction');
  t.false(resource({ Statement: [{ Effect: 'allow', Action: '*' }] }), 'Effect is case-sensitive');
  t.false(resource({ Statement: [{ Effect: 'Allow', Action: [], Resource: '*' }] }), 'an empty action list');
  t.false(resource({ Statement: [{ Effect: 'Allow', Principal: 'everyone', Action: '*' }] }), 'a principal string other than "*"');
  t.false(resource({ Statement: [{ Effect: 'Allow', Action: '*', Resourse: '*' }] }), 'a misspelled element');
  t.false(resource({ Version: '2012-10-17', Statement: [] }), 'no statement');
});
