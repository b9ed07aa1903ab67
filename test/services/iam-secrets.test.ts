import test from 'ava';
import { redactTrustDocument, REDACTED } from '../../src/services/iam/policy-document';
import { builtinWorld, simulate } from '../helpers/simulate';

test('External IDs in trust policies are redacted, whatever the operator or value form', (t) => {
  const document = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::111111111111:root' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': 'secret-one' } },
      },
      {
        Effect: 'Allow',
        Principal: { AWS: '999999999999' },
        Action: 'sts:AssumeRole',
        Condition: { StringLike: { 'sts:externalid': ['secret-two', 'secret-3*'] }, Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
      },
      { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ],
  });
  const redacted = redactTrustDocument(document) ?? '';
  t.false(/secret/.test(redacted));
  const parsed = JSON.parse(redacted) as { Statement: Array<{ Condition?: Record<string, Record<string, unknown>> }> };
  t.is(parsed.Statement[0].Condition?.StringEquals['sts:ExternalId'], REDACTED);
  t.deepEqual(parsed.Statement[1].Condition?.StringLike['sts:externalid'], [REDACTED, REDACTED]);
  t.is(parsed.Statement[1].Condition?.Bool['aws:MultiFactorAuthPresent'], 'true');
  const untouched = JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole' }] });
  t.is(redactTrustDocument(untouched), untouched);
});

test('no External ID of the simulated organization reaches the graph, and trusts still say one is required', async (t) => {
  const world = builtinWorld();
  const { graph } = await simulate(world);
  const secret = world.organization.externalId;
  for (const object of [...graph.allEntities(), ...graph.allRelationships()]) {
    t.false(JSON.stringify(object).includes(secret), object._key);
  }
  const auditTrusts = [...graph.allRelationships()].filter((r) => r._class === 'TRUSTS' && r._fromEntityKey.endsWith(':role/JupiterOne'));
  t.true(auditTrusts.length >= 3);
  t.true(auditTrusts.every((r) => r.externalIdRequired === true));
});
