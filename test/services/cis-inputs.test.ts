import test from 'ava';
import type { GetPublicAccessBlockCommandOutput } from '@aws-sdk/client-s3-control';
import { selectCollectors } from '../../src/services';
import { convertServerCertificate } from '../../src/services/iam/converters';
import { accountPublicAccessBlockFacts } from '../../src/services/s3/converters';
import { builtinWorld, graphIssues, simulate } from '../helpers/simulate';

/**
 * CIS inputs that have no entity of their own (docs/cis-inputs.md): converters on responses shaped
 * as the API References show them, and the collectors through the simulated organization.
 */

// S3 Control API Reference, GetPublicAccessBlock: the response's PublicAccessBlockConfiguration.
const ACCOUNT_BLOCK_RESPONSE: Pick<GetPublicAccessBlockCommandOutput, 'PublicAccessBlockConfiguration'> = {
  PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
};

test('account-level Block Public Access: all four flags make the account blocked; a missing one does not', (t) => {
  t.deepEqual(accountPublicAccessBlockFacts(ACCOUNT_BLOCK_RESPONSE.PublicAccessBlockConfiguration), {
    s3BlockPublicAcls: true,
    s3IgnorePublicAcls: true,
    s3BlockPublicPolicy: true,
    s3RestrictPublicBuckets: true,
    s3PublicAccessBlocked: true,
  });
  const partial = accountPublicAccessBlockFacts({ BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: false });
  t.is(partial.s3RestrictPublicBuckets, false);
  t.is(partial.s3PublicAccessBlocked, false);
  // NoSuchPublicAccessBlockConfiguration: never set, so nothing is blocked.
  t.deepEqual(Object.values(accountPublicAccessBlockFacts(null)), [false, false, false, false, false]);
  // The call failed: unknown, no facts.
  t.deepEqual(accountPublicAccessBlockFacts(undefined), {});
});

test('account-level Block Public Access through the simulator: set, partial, never set, and denied', async (t) => {
  const world = builtinWorld();
  // 111111111111 blocks everything (demo world); 333333333333 only the ACL flags; 222222222222 is denied.
  const staging = world.accounts.find((account) => account.id === '333333333333');
  if (!staging) throw new Error('no 333333333333 in the demo world');
  staging.global = { ...staging.global, s3control: { publicAccessBlock: { BlockPublicAcls: true, IgnorePublicAcls: true } } };
  world.faults = [{ service: 's3control', operation: 'GetPublicAccessBlock', account: '222222222222', error: 'AccessDenied' }];
  const { graph, summary } = await simulate(world, { collectors: selectCollectors({ include: ['s3'] }) });
  const account = (id: string) => graph.getEntity(`aws:account:${id}`);
  t.is(account('111111111111')?.s3PublicAccessBlocked, true);
  t.is(account('333333333333')?.s3BlockPublicAcls, true);
  t.is(account('333333333333')?.s3BlockPublicPolicy, false);
  t.is(account('333333333333')?.s3PublicAccessBlocked, false);
  // Denied: the account has no facts (unknown, not false), and the error names the call.
  t.is(account('222222222222')?.s3PublicAccessBlocked, undefined);
  t.is(account('222222222222')?.s3BlockPublicAcls, undefined);
  const denied = summary.errors.filter((error) => error.account === '222222222222' && error.operation === 's3control:GetPublicAccessBlock');
  t.is(denied.length, 1, JSON.stringify(summary.errors));
  t.deepEqual(
    summary.errors.filter((error) => error.service.startsWith('s3')).map((error) => error.account),
    ['222222222222'],
  );
});

// IAM API Reference, ListServerCertificates example: one ServerCertificateMetadataList member.
test('IAM server certificates: expiry and upload date in epoch ms, the ARN as key', (t) => {
  const certificate = convertServerCertificate(
    {
      ServerCertificateName: 'ProdServerCert',
      Path: '/company/servercerts/',
      Arn: 'arn:aws:iam::123456789012:server-certificate/company/servercerts/ProdServerCert',
      UploadDate: new Date('2010-05-08T01:02:03.004Z'),
      ServerCertificateId: 'ASCACKCEVSQ6CEXAMPLE1',
      Expiration: new Date('2012-05-08T01:02:03.004Z'),
    },
    '123456789012',
  );
  t.like(certificate, {
    _key: 'arn:aws:iam::123456789012:server-certificate/company/servercerts/ProdServerCert',
    _type: 'aws_iam_server_certificate',
    name: 'ProdServerCert',
    id: 'ASCACKCEVSQ6CEXAMPLE1',
    expiresOn: Date.parse('2012-05-08T01:02:03.004Z'),
    uploadedOn: Date.parse('2010-05-08T01:02:03.004Z'),
    createdOn: Date.parse('2010-05-08T01:02:03.004Z'),
  });
});

test('IAM server certificates through the simulator: every uploaded certificate, paged, valid entities', async (t) => {
  const world = builtinWorld();
  world.behaviour = { ...world.behaviour, pageSize: 1 };
  const { graph, summary } = await simulate(world, { collectors: selectCollectors({ include: ['iam'] }) });
  const certificates = graph.entitiesOfType('aws_iam_server_certificate');
  t.deepEqual(certificates.map((certificate) => certificate.name).sort(), ['api-2026', 'legacy-www-2022']);
  t.like(
    certificates.find((certificate) => certificate.name === 'legacy-www-2022'),
    { accountId: '222222222222', path: '/cloudfront/', expiresOn: Date.parse('2023-03-01T12:00:00Z') },
  );
  t.deepEqual(
    summary.errors.filter((error) => error.operation === 'iam:ListServerCertificates'),
    [],
  );
  t.deepEqual(
    graphIssues(graph).filter((issue) => issue._type === 'aws_iam_server_certificate'),
    [],
  );
});
