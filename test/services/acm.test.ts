import { ACMClient, ListCertificatesCommand, type CertificateDetail, type CertificateSummary } from '@aws-sdk/client-acm';
import test from 'ava';
import { allSimulators } from '../../src/services';
import { ALL_KEY_TYPES } from '../../src/services/acm/collectors';
import { convertAcmCertificate } from '../../src/services/acm/converters';
import { roleAccessKeyId } from '../../src/sim/identity';
import { SimulatedAws } from '../../src/sim/simulator';
import { builtinWorld, graphIssues, simulate } from '../helpers/simulate';

const ARN = 'arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012';

// Shapes of the ACM API Reference (ListCertificates and DescribeCertificate responses), as the SDK
// deserializes them (epoch-second timestamps become Dates).
const summary: CertificateSummary = {
  CertificateArn: ARN,
  DomainName: 'www.example.com',
  SubjectAlternativeNameSummaries: ['www.example.com', 'example.com'],
  HasAdditionalSubjectAlternativeNames: false,
  Status: 'ISSUED',
  Type: 'AMAZON_ISSUED',
  KeyAlgorithm: 'RSA_2048',
  KeyUsages: ['DIGITAL_SIGNATURE', 'KEY_ENCIPHERMENT'],
  ExtendedKeyUsages: ['TLS_WEB_SERVER_AUTHENTICATION'],
  InUse: true,
  Exported: false,
  RenewalEligibility: 'ELIGIBLE',
  NotBefore: new Date(1_704_067_200_000),
  NotAfter: new Date(1_738_367_999_000),
  CreatedAt: new Date(1_704_100_000_000),
  IssuedAt: new Date(1_704_100_300_000),
};

const detail: CertificateDetail = {
  CertificateArn: ARN,
  DomainName: 'www.example.com',
  SubjectAlternativeNames: ['www.example.com', 'example.com'],
  DomainValidationOptions: [{ DomainName: 'www.example.com', ValidationDomain: 'www.example.com', ValidationStatus: 'SUCCESS', ValidationMethod: 'DNS' }],
  Serial: '07:2b:9e:aa:01:5c:11:0f:44:2f:d0:81:1a:33:51:0c',
  Subject: 'CN=www.example.com',
  Issuer: 'Amazon',
  CreatedAt: new Date(1_704_100_000_000),
  IssuedAt: new Date(1_704_100_300_000),
  Status: 'ISSUED',
  NotBefore: new Date(1_704_067_200_000),
  NotAfter: new Date(1_738_367_999_000),
  KeyAlgorithm: 'RSA_2048',
  SignatureAlgorithm: 'SHA256WITHRSA',
  InUseBy: [
    'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188',
    'arn:aws:cloudfront::123456789012:distribution/E2QWRUHEXAMPLE',
  ],
  Type: 'AMAZON_ISSUED',
  RenewalEligibility: 'ELIGIBLE',
  RenewalSummary: { RenewalStatus: 'SUCCESS', DomainValidationOptions: [], UpdatedAt: new Date(1_735_000_000_000) },
  Options: { CertificateTransparencyLoggingPreference: 'ENABLED' },
};

test('convertAcmCertificate maps the list summary, the description and the tags', (t) => {
  const entity = convertAcmCertificate({
    summary,
    detail,
    tags: [
      { Key: 'Name', Value: 'public site' },
      { Key: 'owner', Value: 'web@example.com' },
    ],
    accountId: '123456789012',
    region: 'us-east-1',
  });
  t.is(entity._key, ARN);
  t.is(entity._type, 'aws_acm_certificate');
  t.deepEqual(entity._class, ['Certificate']);
  t.like(entity, {
    id: '12345678-1234-1234-1234-123456789012',
    name: 'www.example.com',
    displayName: 'public site',
    domainName: 'www.example.com',
    status: 'ISSUED',
    active: true,
    issuer: 'Amazon',
    inUse: true,
    renewalEligibility: 'ELIGIBLE',
    renewalStatus: 'SUCCESS',
    keyAlgorithm: 'RSA_2048',
    signatureAlgorithm: 'SHA256WITHRSA',
    validationMethod: 'DNS',
    expiresOn: 1_738_367_999_000,
    issuedOn: 1_704_100_300_000,
    createdOn: 1_704_100_000_000,
    'tag.owner': 'web@example.com',
    owner: 'web@example.com',
  });
  t.deepEqual(entity.inUseBy, [...(detail.InUseBy ?? [])].sort());
  t.deepEqual(entity.subjectAlternativeNames, ['www.example.com', 'example.com']);
});

test('without DescribeCertificate the summary still gives domain, status, expiry and use', (t) => {
  const entity = convertAcmCertificate({ summary: { ...summary, Status: 'EXPIRED', InUse: false }, accountId: '123456789012', region: 'us-east-1' });
  t.like(entity, { name: 'www.example.com', status: 'EXPIRED', active: false, inUse: false, expiresOn: 1_738_367_999_000 });
  t.is(entity.issuer, undefined);
  t.is(entity.inUseBy, undefined);
});

test('the simulated ACM lists RSA 2048 certificates only unless asked for every key type, as ACM does', async (t) => {
  const world = builtinWorld();
  const client = new ACMClient({ region: 'us-east-1', credentials: { accessKeyId: roleAccessKeyId('222222222222'), secretAccessKey: 'test' }, maxAttempts: 1 });
  client.middlewareStack.use(new SimulatedAws(world, allSimulators()).plugin('us-east-1'));
  const byDefault = await client.send(new ListCertificatesCommand({}));
  t.deepEqual(
    byDefault.CertificateSummaryList?.map((c) => c.DomainName),
    ['www.acme.example'],
  );
  const all = await client.send(new ListCertificatesCommand({ Includes: { keyTypes: ALL_KEY_TYPES } }));
  t.deepEqual(
    all.CertificateSummaryList?.map((c) => c.DomainName),
    ['www.acme.example', 'api.acme.example', 'legacy.acme.example'],
  );
  t.like(all.CertificateSummaryList?.[2], { Status: 'EXPIRED', InUse: true, Type: 'IMPORTED' });
  t.true(all.CertificateSummaryList?.[0].NotAfter instanceof Date);
  const expired = await client.send(new ListCertificatesCommand({ Includes: { keyTypes: ALL_KEY_TYPES }, CertificateStatuses: ['EXPIRED'] }));
  t.deepEqual(
    expired.CertificateSummaryList?.map((c) => c.DomainName),
    ['legacy.acme.example'],
  );
});

test('the simulated organization yields every certificate with its service edge, all valid, one page at a time', async (t) => {
  const world = builtinWorld();
  world.behaviour = { ...world.behaviour, pageSize: 1 };
  const { graph, summary: run } = await simulate(world);
  const certificates = graph.entitiesOfType('aws_acm_certificate');
  t.is(certificates.length, 4);
  t.is(run.counts.relationships.aws_acm_has_certificate, 4);
  const legacy = certificates.find((c) => c.domainName === 'legacy.acme.example');
  t.like(legacy, {
    status: 'EXPIRED',
    inUse: true,
    issuer: 'Example Legacy CA',
    keyAlgorithm: 'RSA_1024',
    classification: 'internal',
    renewalEligibility: 'INELIGIBLE',
  });
  t.is(legacy?.expiresOn, Date.parse('2024-02-28T23:59:59Z'));
  const site = certificates.find((c) => c.domainName === 'www.acme.example');
  t.is(site?.displayName, 'public-website');
  t.is((site?.inUseBy as string[] | undefined)?.length, 2);
  t.like(
    certificates.find((c) => c.domainName === 'staging.acme.example'),
    { status: 'VALIDATION_TIMED_OUT', failureReason: 'NO_AVAILABLE_CONTACTS', region: 'us-west-2' },
  );
  t.deepEqual(graphIssues(graph), []);
  t.deepEqual(run.errors, []);
});

test('a denied DescribeCertificate is recorded and the certificates are still produced from the list', async (t) => {
  const world = builtinWorld();
  world.faults = [{ service: 'acm', operation: 'DescribeCertificate', error: 'AccessDenied' }];
  const { graph, summary: run } = await simulate(world);
  const certificates = graph.entitiesOfType('aws_acm_certificate');
  t.is(certificates.length, 4);
  t.true(certificates.every((c) => c.issuer === undefined && c.inUseBy === undefined && typeof c.domainName === 'string'));
  t.is(certificates.find((c) => c.domainName === 'legacy.acme.example')?.inUse, true, 'the list says whether a certificate is in use');
  // Recorded once per account and region, not per certificate.
  t.deepEqual(
    run.errors.map(({ account, region, code, operation }) => ({ account, region, code, operation })).sort((a, b) => a.account.localeCompare(b.account)),
    [
      { account: '222222222222', region: 'us-east-1', code: 'AccessDenied', operation: 'acm:DescribeCertificate' },
      { account: '333333333333', region: 'us-west-2', code: 'AccessDenied', operation: 'acm:DescribeCertificate' },
    ],
  );
});
