import test from 'ava';
import { awsEndpointOf, recordConnections } from '../../src/analysis/domains';
import { createEntity, validateEntity } from '../../src/graph';
import { convertRoute53Domain, convertRoute53Record, convertRoute53Zone } from '../../src/services/route53/converters';
import { builtinWorld, graphIssues, simulate } from '../helpers/simulate';

const ACCOUNT = '123456789012';

// Shape: Route 53 API Reference, ListHostedZones response example.
const zone = convertRoute53Zone({
  accountId: ACCOUNT,
  zone: {
    Id: '/hostedzone/Z1D633PJN98FT9',
    Name: 'example.com.',
    CallerReference: '2014-04-01T11:22:33.444Z',
    Config: { Comment: 'Test comment', PrivateZone: false },
    ResourceRecordSetCount: 17,
  },
  tags: [{ Key: 'owner', Value: 'dns-team' }],
});

test('a hosted zone: ARN key, domain without the trailing dot, public, tags, valid', (t) => {
  t.like(zone, {
    _key: 'arn:aws:route53:::hostedzone/Z1D633PJN98FT9',
    _type: 'aws_route53_zone',
    id: 'Z1D633PJN98FT9',
    domainName: 'example.com',
    privateZone: false,
    public: true,
    recordCount: 17,
    comment: 'Test comment',
    'tag.owner': 'dns-team',
    owner: 'dns-team',
  });
  t.deepEqual(validateEntity(zone), []);
});

// Shape: Route 53 API Reference, ListResourceRecordSets response example (a weighted record set
// and an alias to a load balancer).
test('record sets: values, aliases without dualstack, set identifiers in the key, alias TTL 0', (t) => {
  const weighted = convertRoute53Record(zone, {
    Name: 'www.example.com.',
    Type: 'A',
    SetIdentifier: 'Seattle data center',
    Weight: 50,
    TTL: 600,
    ResourceRecords: [{ Value: '192.0.2.1' }],
  });
  t.like(weighted, {
    _key: 'arn:aws:route53:::hostedzone/Z1D633PJN98FT9|www.example.com|A|Seattle data center',
    domainName: 'www.example.com',
    type: 'A',
    TTL: 600,
    value: '192.0.2.1',
    weight: 50,
    setIdentifier: 'Seattle data center',
  });
  t.deepEqual(validateEntity(weighted), []);
  const alias = convertRoute53Record(zone, {
    Name: 'example.com.',
    Type: 'A',
    AliasTarget: {
      HostedZoneId: 'Z3AADJGX6KTTL2',
      DNSName: 'dualstack.example-load-balancer-1111111111.us-east-2.elb.amazonaws.com.',
      EvaluateTargetHealth: true,
    },
  });
  t.like(alias, { aliasTarget: 'example-load-balancer-1111111111.us-east-2.elb.amazonaws.com', TTL: 0, alias: true, evaluateTargetHealth: true });
  t.false('values' in alias);
  t.deepEqual(validateEntity(alias), []);
  const wildcard = convertRoute53Record(zone, { Name: '\\052.example.com.', Type: 'CNAME', TTL: 300, ResourceRecords: [{ Value: 'example.com' }] });
  t.is(wildcard.name, '*.example.com');
});

// Shape: Route 53 Domains API Reference, ListDomains and GetDomainDetail examples (contacts are read, not stored).
test('a registered domain: expiry, lock and WHOIS privacy; no contact details stored', (t) => {
  const domain = convertRoute53Domain(
    ACCOUNT,
    { DomainName: 'example.com', AutoRenew: true, TransferLock: true, Expiry: new Date('2027-03-01T12:00:00Z') },
    {
      DomainName: 'example.com',
      Nameservers: [{ Name: 'ns-2048.awsdns-64.com', GlueIps: [] }],
      AutoRenew: true,
      AdminContact: { FirstName: 'John', LastName: 'Doe', Email: 'john@example.com', PhoneNumber: '+1.1234567890', CountryCode: 'US' },
      AdminPrivacy: true,
      RegistrantPrivacy: true,
      TechPrivacy: false,
      RegistrarName: 'GANDI SAS',
      WhoIsServer: 'whois.gandi.net',
      CreationDate: new Date('2017-03-01T12:00:00Z'),
      UpdatedDate: new Date('2024-03-01T12:00:00Z'),
      ExpirationDate: new Date('2027-03-01T12:00:00Z'),
      StatusList: ['clientTransferProhibited'],
    },
    [{ Key: 'owner', Value: 'web' }],
  );
  t.like(domain, {
    _key: `aws:${ACCOUNT}:route53-domain:example.com`,
    domainName: 'example.com',
    autoRenew: true,
    transferLock: true,
    privacyProtected: false,
    registrar: 'GANDI SAS',
    expiresOn: Date.parse('2027-03-01T12:00:00Z'),
    createdOn: Date.parse('2017-03-01T12:00:00Z'),
    dnssecEnabled: false,
    'tag.owner': 'web',
  });
  t.deepEqual(domain.nameservers, ['ns-2048.awsdns-64.com']);
  t.false(JSON.stringify(domain).includes('john@example.com'), 'contacts are personal data');
  t.deepEqual(validateEntity(domain), []);
});

test('AWS endpoints by their documented host names; other names are not endpoints', (t) => {
  t.like(awsEndpointOf('d111111abcdef8.cloudfront.net.'), { service: 'cloudfront' });
  t.like(awsEndpointOf('dualstack.my-alb-1234.us-east-1.elb.amazonaws.com'), {
    service: 'elasticloadbalancing',
    hostname: 'my-alb-1234.us-east-1.elb.amazonaws.com',
  });
  t.like(awsEndpointOf('my-nlb-1234.elb.eu-west-1.amazonaws.com'), { service: 'elasticloadbalancing' });
  t.like(awsEndpointOf('a1b2c3.execute-api.us-east-1.amazonaws.com'), { service: 'apigateway' });
  t.like(awsEndpointOf('s3-website-us-east-1.amazonaws.com', 'www.example.com.'), { service: 's3', bucket: 'www.example.com' });
  t.like(awsEndpointOf('assets.s3-website-us-east-1.amazonaws.com'), { service: 's3', bucket: 'assets' });
  t.like(awsEndpointOf('assets.s3.amazonaws.com'), { service: 's3', bucket: 'assets' });
  t.is(awsEndpointOf('mail.example.org'), undefined);
});

test('records connect the targets that answer to their names, buckets by name, placeholders for unknown AWS endpoints', (t) => {
  const record = (name: string, properties: Record<string, string>) =>
    createEntity({ _key: `zone|${name}`, _type: 'aws_route53_record', _class: ['DomainRecord'], name, properties: { domainName: name, ...properties } });
  const lb = createEntity({
    _key: 'arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/web/1',
    _type: 'aws_alb',
    _class: ['Gateway'],
    name: 'web',
    properties: { dnsName: 'web-1.us-east-1.elb.amazonaws.com' },
  });
  const bucket = createEntity({ _key: 'arn:aws:s3:::www.example.com', _type: 'aws_s3_bucket', _class: ['DataStore'], name: 'www.example.com' });
  const output = recordConnections(
    [
      record('app.example.com', { aliasTarget: 'web-1.us-east-1.elb.amazonaws.com' }),
      record('www.example.com', { aliasTarget: 's3-website-us-east-1.amazonaws.com' }),
      record('cdn.example.com', { value: 'd2.cloudfront.net' }),
      record('mx.example.com', { value: 'mail.example.org' }),
    ],
    [lb],
    {
      bucketByName: (name) => (name === 'www.example.com' ? bucket : undefined),
      placeholder: (endpoint) =>
        createEntity({ _key: `dns:${endpoint.hostname}`, _type: 'aws_cloudfront_distribution', _class: ['Gateway'], name: endpoint.hostname }),
    },
  );
  t.deepEqual(
    output.relationships.map((r) => [r._fromEntityKey, r._toEntityKey]),
    [
      ['zone|app.example.com', lb._key],
      ['zone|www.example.com', bucket._key],
      ['zone|cdn.example.com', 'dns:d2.cloudfront.net'],
    ],
  );
  t.deepEqual(
    output.entities.map((e) => e._key),
    ['dns:d2.cloudfront.net'],
  );
});

const ROUTE53_ONLY = { config: { services: { include: ['route53', 'ec2', 's3'] } } };

test('the simulated organization, one page at a time: domains, zones, records and what they point at, all valid', async (t) => {
  const world = builtinWorld();
  world.behaviour = { ...world.behaviour, pageSize: 1 };
  const { graph, summary } = await simulate(world, ROUTE53_ONLY);
  t.deepEqual(summary.errors, []);
  t.like(summary.counts.entities, { aws_route53_domain: 2, aws_route53_zone: 3, aws_route53_record: 15 });
  const has = (from: string, verb: string, to: string) =>
    [...graph.allRelationships()].some((r) => r._fromEntityKey === from && r._class === verb && r._toEntityKey === to);
  const ZONE = 'arn:aws:route53:::hostedzone/Z1D633PJN98FT9';
  t.true(has('aws:111111111111:route53-domain:acme.example', 'HAS', ZONE));
  t.true(
    has('domain:staging.acme.example', 'HAS', 'arn:aws:route53:::hostedzone/Z0333STAGING01'),
    'a public zone whose domain is registered elsewhere: a mapped Domain',
  );
  t.false(
    [...graph.allRelationships()].some((r) => r._toEntityKey === 'arn:aws:route53:::hostedzone/Z0222PRIVATE01' && r._fromEntityKey.startsWith('domain:')),
  );
  // Weighted records of one name and type, told apart by their set identifier across pages.
  t.truthy(graph.getEntity(`${ZONE}|app.acme.example|A|blue`));
  t.truthy(graph.getEntity(`${ZONE}|app.acme.example|A|green`));
  const bastion = `${ZONE}|bastion.acme.example|A`;
  t.true(has(bastion, 'CONNECTS', 'arn:aws:ec2:us-east-1:222222222222:instance/i-02221000000000201'), 'across accounts, by public IP');
  t.true(has(bastion, 'CONNECTS', 'arn:aws:ec2:us-east-1:222222222222:elastic-ip/eipalloc-02221000000000032'));
  // A dangling CNAME: the bucket is no one's in the organization.
  const assets = graph.getEntity('arn:aws:s3:::acme-old-assets');
  t.like(assets, { _type: 'aws_s3_bucket', _source: 'system-mapper' });
  t.true(has(`${ZONE}|assets.acme.example|CNAME`, 'CONNECTS', 'arn:aws:s3:::acme-old-assets'));
  t.like(graph.getEntity('aws:111111111111:route53-domain:acme-legacy.example'), { autoRenew: false, transferLock: false, privacyProtected: false });
  t.deepEqual(graphIssues(graph), []);
});

test('denied zone tags are recorded once per account and the zones are still produced', async (t) => {
  const world = builtinWorld();
  world.faults = [{ service: 'route53', operation: 'ListTagsForResources', error: 'AccessDenied' }];
  const { graph, summary } = await simulate(world, ROUTE53_ONLY);
  t.is(graph.entitiesOfType('aws_route53_zone').length, 3);
  t.true(graph.entitiesOfType('aws_route53_zone').every((zone) => !Object.keys(zone).some((key) => key.startsWith('tag.'))));
  t.deepEqual(summary.errors.map((e) => `${e.account} ${e.operation} ${e.code}`).sort(), [
    '111111111111 route53:ListTagsForResources AccessDenied',
    '222222222222 route53:ListTagsForResources AccessDenied',
    '333333333333 route53:ListTagsForResources AccessDenied',
  ]);
});
