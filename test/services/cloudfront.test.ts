import test from 'ava';
import type { DistributionSummary } from '@aws-sdk/client-cloudfront';
import { validateEntity } from '../../src/graph';
import { convertCloudFrontDistribution, convertCloudFrontOrigin, edgeFunctionArn } from '../../src/services/cloudfront/converters';
import { builtinWorld, graphIssues, simulate } from '../helpers/simulate';

const ACCOUNT = '123456789012';

// Shape: CloudFront API Reference, ListDistributions response (DistributionSummary), as the SDK
// deserializes it.
const summary: DistributionSummary = {
  Id: 'EDFDVBD6EXAMPLE',
  ARN: `arn:aws:cloudfront::${ACCOUNT}:distribution/EDFDVBD6EXAMPLE`,
  Status: 'Deployed',
  LastModifiedTime: new Date('2019-12-04T23:35:41.433Z'),
  DomainName: 'd111111abcdef8.cloudfront.net',
  Aliases: { Quantity: 1, Items: ['www.example.com'] },
  Origins: {
    Quantity: 2,
    Items: [
      {
        Id: 'awsexamplebucket.s3.amazonaws.com-1575502541',
        DomainName: 'awsexamplebucket.s3.amazonaws.com',
        OriginPath: '',
        CustomHeaders: { Quantity: 0 },
        S3OriginConfig: { OriginAccessIdentity: 'origin-access-identity/cloudfront/E74FTE3EXAMPLE' },
      },
      {
        Id: 'api',
        DomainName: 'abc123.execute-api.us-east-1.amazonaws.com',
        CustomHeaders: { Quantity: 1, Items: [{ HeaderName: 'X-Secret', HeaderValue: 'do-not-store' }] },
        CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: 'match-viewer', OriginSslProtocols: { Quantity: 1, Items: ['TLSv1.2'] } },
      },
    ],
  },
  DefaultCacheBehavior: {
    TargetOriginId: 'awsexamplebucket.s3.amazonaws.com-1575502541',
    ViewerProtocolPolicy: 'allow-all',
    LambdaFunctionAssociations: {
      Quantity: 1,
      Items: [{ LambdaFunctionARN: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:edge-auth:7`, EventType: 'viewer-request' }],
    },
  },
  CacheBehaviors: { Quantity: 1, Items: [{ PathPattern: '/api/*', TargetOriginId: 'api', ViewerProtocolPolicy: 'https-only' }] },
  CustomErrorResponses: { Quantity: 0 },
  Comment: '',
  PriceClass: 'PriceClass_All',
  Enabled: true,
  ViewerCertificate: { CloudFrontDefaultCertificate: true, MinimumProtocolVersion: 'TLSv1', CertificateSource: 'cloudfront' },
  Restrictions: { GeoRestriction: { RestrictionType: 'none', Quantity: 0 } },
  WebACLId: '',
  HttpVersion: 'http2',
  IsIPV6Enabled: true,
  Staging: false,
};

test('a distribution: ARN key, TLS and viewer-protocol facts, origins by domain, unknown logging without its configuration, valid', (t) => {
  const distribution = convertCloudFrontDistribution(ACCOUNT, summary, undefined, [{ Key: 'team', Value: 'web' }]);
  t.like(distribution, {
    _key: summary.ARN,
    _type: 'aws_cloudfront_distribution',
    name: 'd111111abcdef8.cloudfront.net',
    domainName: 'd111111abcdef8.cloudfront.net',
    enabled: true,
    public: true,
    defaultCertificate: true,
    minimumProtocolVersion: 'TLSv1',
    httpsOnly: false,
    wafEnabled: false,
    s3OriginCount: 1,
    customOriginCount: 1,
    updatedOn: Date.parse('2019-12-04T23:35:41.433Z'),
    'tag.team': 'web',
  });
  t.deepEqual(distribution.viewerProtocolPolicies, ['allow-all', 'https-only']);
  t.deepEqual(distribution.originDomainNames, ['abc123.execute-api.us-east-1.amazonaws.com', 'awsexamplebucket.s3.amazonaws.com']);
  t.deepEqual(distribution.lambdaFunctionArns, [`arn:aws:lambda:us-east-1:${ACCOUNT}:function:edge-auth:7`]);
  t.false('loggingEnabled' in distribution, 'unknown without GetDistributionConfig');
  t.deepEqual(validateEntity(distribution), []);

  const logged = convertCloudFrontDistribution(ACCOUNT, summary, {
    CallerReference: 'x',
    Comment: '',
    Enabled: true,
    Origins: summary.Origins,
    DefaultCacheBehavior: summary.DefaultCacheBehavior,
    DefaultRootObject: 'index.html',
    Logging: { Enabled: true, IncludeCookies: false, Bucket: 'logs.s3.amazonaws.com', Prefix: 'cf/' },
  });
  t.like(logged, { loggingEnabled: true, loggingBucket: 'logs.s3.amazonaws.com', defaultRootObject: 'index.html' });
  t.is(edgeFunctionArn(`arn:aws:lambda:us-east-1:${ACCOUNT}:function:edge-auth:7`), `arn:aws:lambda:us-east-1:${ACCOUNT}:function:edge-auth`);
});

test('origins: S3 access identity, custom protocol policy, header names but never their values', (t) => {
  const distribution = convertCloudFrontDistribution(ACCOUNT, summary);
  const [s3, api] = (summary.Origins?.Items ?? []).map((origin) => convertCloudFrontOrigin(distribution, origin));
  t.like(s3, {
    _key: `${summary.ARN}|origin|awsexamplebucket.s3.amazonaws.com-1575502541`,
    s3Origin: true,
    originAccessIdentity: 'origin-access-identity/cloudfront/E74FTE3EXAMPLE',
    domainName: 'awsexamplebucket.s3.amazonaws.com',
  });
  t.like(api, { s3Origin: false, originProtocolPolicy: 'match-viewer', httpsPort: 443 });
  t.deepEqual(api.customHeaderNames, ['X-Secret']);
  t.false(JSON.stringify(api).includes('do-not-store'));
  t.deepEqual(validateEntity(s3), []);
  t.deepEqual(validateEntity(api), []);
});

const CLOUDFRONT_RUN = { config: { services: { include: ['cloudfront', 'route53', 'acm', 'lambda', 's3', 'ec2'] } } };
const WEBSITE = 'arn:aws:cloudfront::222222222222:distribution/E2QWRUHEXAMPLE';
const LEGACY = 'arn:aws:cloudfront::222222222222:distribution/E3LEGACYEXAMPLE';

test('the simulated organization, one page at a time: distributions, origins, certificate, Lambda@Edge and what the origins are', async (t) => {
  const world = builtinWorld();
  world.behaviour = { ...world.behaviour, pageSize: 1 };
  const { graph, summary: run } = await simulate(world, CLOUDFRONT_RUN);
  t.deepEqual(run.errors, []);
  t.like(run.counts.entities, { aws_cloudfront_distribution: 3, aws_cloudfront_distribution_origin: 4 });
  const has = (from: string, verb: string, to: string) =>
    [...graph.allRelationships()].some((r) => r._fromEntityKey === from && r._class === verb && r._toEntityKey === to);
  t.like(graph.getEntity(WEBSITE), { loggingEnabled: true, httpsOnly: true, wafEnabled: true, 'tag.Name': 'website', defaultRootObject: 'index.html' });
  t.like(graph.getEntity(LEGACY), { loggingEnabled: false, httpsOnly: false, defaultCertificate: true, wafEnabled: false });
  t.true(has(WEBSITE, 'USES', 'arn:aws:acm:us-east-1:222222222222:certificate/6b0c3e52-8a11-4d1e-9c36-2f7d1a5e0b01'));
  t.true(has(WEBSITE, 'TRIGGERS', 'arn:aws:lambda:us-east-1:222222222222:function:thumbnailer'));
  t.true(has(WEBSITE, 'HAS', `${WEBSITE}|origin|assets`));
  t.true(has(WEBSITE, 'CONNECTS', 'arn:aws:s3:::acme-prod-public-assets'));
  t.true(has(LEGACY, 'CONNECTS', 'arn:aws:ec2:us-east-1:222222222222:instance/i-02221000000000201'), 'a custom origin on an instance, by its public DNS name');
  // Route 53's www alias finds the distribution by its domain name.
  t.true(has('arn:aws:route53:::hostedzone/Z1D633PJN98FT9|www.acme.example|A', 'CONNECTS', WEBSITE));
  t.false(JSON.stringify([...graph.allEntities()]).includes('4f9c0e7a-secret-shared-with-origin'), 'origin header values are secrets');
  t.deepEqual(graphIssues(graph), []);
});

test('a denied GetDistributionConfig leaves logging unknown; the distributions and their edges stay', async (t) => {
  const world = builtinWorld();
  world.faults = [{ service: 'cloudfront', operation: 'GetDistributionConfig', error: 'AccessDenied' }];
  const { graph, summary: run } = await simulate(world, { config: { services: { include: ['cloudfront'] } } });
  const distributions = graph.entitiesOfType('aws_cloudfront_distribution');
  t.is(distributions.length, 3);
  t.true(distributions.every((d) => d.loggingEnabled === undefined && d.domainName !== undefined));
  t.deepEqual(
    run.errors.map((e) => `${e.account} ${e.operation} ${e.code}`),
    ['222222222222 cloudfront:GetDistributionConfig AccessDenied', '333333333333 cloudfront:GetDistributionConfig AccessDenied'],
  );
});
