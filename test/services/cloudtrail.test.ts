import test from 'ava';
import { serviceEntityKey } from '../../src/graph';
import { allSimulators } from '../../src/services';
import { convertTrail, selectorCoverage } from '../../src/services/cloudtrail/converters';
import { generateWorld } from '../../src/sim/generate';
import { builtinWorld, graphIssues, simulate } from '../helpers/simulate';

// Shapes: CloudTrail API Reference, DescribeTrails (`trailList`), GetTrailStatus, GetEventSelectors
// (basic `EventSelectors` or `AdvancedEventSelectors`), ListTags examples.

const TRAIL_ARN = 'arn:aws:cloudtrail:us-east-2:123456789012:trail/my-trail';

const trail = {
  Name: 'my-trail',
  S3BucketName: 'amzn-s3-demo-bucket',
  S3KeyPrefix: 'prefix',
  IncludeGlobalServiceEvents: true,
  IsMultiRegionTrail: true,
  HomeRegion: 'us-east-2',
  TrailARN: TRAIL_ARN,
  LogFileValidationEnabled: true,
  CloudWatchLogsLogGroupArn: 'arn:aws:logs:us-east-2:123456789012:log-group:CloudTrail/logs:*',
  CloudWatchLogsRoleArn: 'arn:aws:iam::123456789012:role/CloudTrail_CloudWatchLogs_Role',
  KmsKeyId: 'arn:aws:kms:us-east-2:123456789012:key/12345678-1234-1234-1234-123456789012',
  HasCustomEventSelectors: true,
  HasInsightSelectors: false,
  IsOrganizationTrail: false,
};

test('convertTrail: DescribeTrails, GetTrailStatus and basic selectors; dates in epoch ms; tags', (t) => {
  const entity = convertTrail({
    trail,
    status: {
      IsLogging: true,
      LatestDeliveryTime: new Date('2024-06-01T10:00:00Z'),
      StartLoggingTime: new Date('2023-01-01T00:00:00Z'),
      LatestDeliveryAttemptTime: '2024-06-01T10:00:00Z',
    },
    selectors: {
      EventSelectors: [
        {
          ReadWriteType: 'All',
          IncludeManagementEvents: true,
          DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::amzn-s3-demo-bucket/', 'arn:aws:s3:::other-bucket/logs'] }],
          ExcludeManagementEventSources: [],
        },
      ],
    },
    tags: [{ Key: 'owner', Value: 'security@example.com' }],
    accountId: '123456789012',
    region: 'us-east-2',
  });
  t.like(entity, {
    _key: TRAIL_ARN,
    _type: 'aws_cloudtrail',
    name: 'my-trail',
    isMultiRegionTrail: true,
    isOrganizationTrail: false,
    organizationTrailMember: false,
    logFileValidationEnabled: true,
    kmsKeyId: trail.KmsKeyId,
    encrypted: true,
    isLogging: true,
    latestDeliveryOn: Date.parse('2024-06-01T10:00:00Z'),
    managementEventsLogged: true,
    managementReadWriteType: 'All',
    s3ObjectReadEventsLogged: true,
    s3ObjectWriteEventsLogged: true,
    s3ObjectEventsAllBuckets: false,
    advancedEventSelectors: false,
    'tag.owner': 'security@example.com',
  });
  t.deepEqual(entity._class, ['Service']);
  t.deepEqual(entity.s3ObjectEventBuckets, ['arn:aws:s3:::amzn-s3-demo-bucket/', 'arn:aws:s3:::other-bucket/logs']);
});

test('convertTrail: without a key, status or selectors, the facts CIS reads are absent or false, never guessed', (t) => {
  const { KmsKeyId: _key, ...unencrypted } = trail;
  const entity = convertTrail({ trail: { ...unencrypted, LogFileValidationEnabled: false }, accountId: '123456789012', region: 'us-east-2' });
  t.is(entity.kmsKeyId, undefined);
  t.is(entity.encrypted, false);
  t.is(entity.logFileValidationEnabled, false);
  t.is(entity.isLogging, undefined);
  t.is(entity.s3ObjectWriteEventsLogged, undefined);
  t.is(entity.managementEventsLogged, undefined);
});

test('convertTrail: an organization trail read in a member account is that account’s view of it', (t) => {
  const organizationTrail = { ...trail, IsOrganizationTrail: true, TrailARN: 'arn:aws:cloudtrail:us-east-2:111111111111:trail/org' };
  const entity = convertTrail({ trail: organizationTrail, accountId: '123456789012', region: 'us-east-2' });
  t.like(entity, {
    _key: 'arn:aws:cloudtrail:us-east-2:111111111111:trail/org|member:123456789012',
    arn: 'arn:aws:cloudtrail:us-east-2:111111111111:trail/org',
    accountId: '123456789012',
    ownerAccountId: '111111111111',
    isOrganizationTrail: true,
    organizationTrailMember: true,
  });
});

test('selectorCoverage: basic selectors (management read or write only, S3 data for all buckets)', (t) => {
  t.like(selectorCoverage({ EventSelectors: [{ ReadWriteType: 'WriteOnly', IncludeManagementEvents: true }] }), {
    managementReadEventsLogged: false,
    managementWriteEventsLogged: true,
    s3ObjectWriteEventsLogged: false,
  });
  t.like(
    selectorCoverage({
      EventSelectors: [{ ReadWriteType: 'ReadOnly', IncludeManagementEvents: false, DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }] }],
    }),
    { managementReadEventsLogged: false, s3ObjectReadEventsLogged: true, s3ObjectWriteEventsLogged: false, s3ObjectEventsAllBuckets: true },
  );
  // Lambda data events are not S3 object events.
  t.like(selectorCoverage({ EventSelectors: [{ DataResources: [{ Type: 'AWS::Lambda::Function', Values: ['arn:aws:lambda'] }] }] }), {
    managementReadEventsLogged: true,
    s3ObjectReadEventsLogged: false,
    s3ObjectWriteEventsLogged: false,
  });
});

test('selectorCoverage: advanced selectors (eventCategory, readOnly, resources.type and resources.ARN)', (t) => {
  const coverage = selectorCoverage({
    AdvancedEventSelectors: [
      {
        Name: 'Management reads',
        FieldSelectors: [
          { Field: 'eventCategory', Equals: ['Management'] },
          { Field: 'readOnly', Equals: ['true'] },
        ],
      },
      {
        Name: 'Log S3 writes of one bucket',
        FieldSelectors: [
          { Field: 'eventCategory', Equals: ['Data'] },
          { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
          { Field: 'readOnly', Equals: ['false'] },
          { Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::amzn-s3-demo-bucket/'] },
        ],
      },
    ],
  });
  t.like(coverage, {
    managementReadEventsLogged: true,
    managementWriteEventsLogged: false,
    s3ObjectReadEventsLogged: false,
    s3ObjectWriteEventsLogged: true,
    s3ObjectEventsAllBuckets: false,
  });
  t.deepEqual(coverage.s3ObjectEventBuckets, ['arn:aws:s3:::amzn-s3-demo-bucket/']);
  t.like(
    selectorCoverage({
      AdvancedEventSelectors: [
        {
          FieldSelectors: [
            { Field: 'eventCategory', Equals: ['Data'] },
            { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
          ],
        },
      ],
    }),
    { s3ObjectReadEventsLogged: true, s3ObjectWriteEventsLogged: true, s3ObjectEventsAllBuckets: true, managementReadEventsLogged: false },
  );
});

test('the simulated organization: each trail once, the organization trail in every member account, its bucket, log group and key', async (t) => {
  const world = builtinWorld();
  const { graph, summary } = await simulate(world, { config: { services: { include: ['cloudtrail', 's3', 'kms', 'cloudwatch'] } } });
  t.deepEqual(summary.errors, []);
  const trails = graph.entitiesOfType('aws_cloudtrail');
  const org = 'arn:aws:cloudtrail:us-east-1:111111111111:trail/acme-org-trail';
  const prod = 'arn:aws:cloudtrail:eu-west-1:222222222222:trail/prod-data-events';
  // The organization trail itself, its view in the two collected member accounts, production's own trail.
  t.deepEqual(trails.map((trail) => trail._key).sort(), [org, `${org}|member:222222222222`, `${org}|member:333333333333`, prod].sort());
  t.is(graph.getEntity(serviceEntityKey('111111111111', 'cloudtrail')), undefined, 'no Service entity of the same type');
  t.like(graph.getEntity(org), {
    isOrganizationTrail: true,
    isMultiRegionTrail: true,
    isLogging: true,
    logFileValidationEnabled: true,
    managementReadWriteType: 'All',
    s3ObjectWriteEventsLogged: true,
    s3ObjectReadEventsLogged: false,
    advancedEventSelectors: true,
    'tag.owner': 'security@acme.example',
  });
  t.like(graph.getEntity(`${org}|member:333333333333`), { accountId: '333333333333', ownerAccountId: '111111111111', s3ObjectWriteEventsLogged: true });
  t.like(graph.getEntity(prod), {
    isLogging: false,
    logFileValidationEnabled: false,
    encrypted: false,
    managementEventsLogged: false,
    s3ObjectReadEventsLogged: true,
  });
  t.is(graph.getEntity(prod)?.kmsKeyId, undefined);
  const has = (from: string, verb: string, to: string) =>
    [...graph.allRelationships()].some((r) => r._fromEntityKey === from && r._class === verb && r._toEntityKey === to);
  t.true(has(org, 'LOGS', 'arn:aws:s3:::acme-cloudtrail-logs-111111111111'));
  t.not(graph.getEntity('arn:aws:s3:::acme-cloudtrail-logs-111111111111')?._source, 'system-mapper');
  t.true(has(org, 'USES', 'arn:aws:kms:us-east-1:111111111111:key/0a1b2c3d-1111-4aaa-8bbb-000000000001'));
  const logGroup = 'arn:aws:logs:us-east-1:111111111111:log-group:aws-cloudtrail-logs-acme';
  t.true(has(org, 'LOGS', logGroup));
  t.like(graph.getEntity(logGroup), { _type: 'aws_cloudwatch_log_group', logGroupName: 'aws-cloudtrail-logs-acme' });
  t.not(graph.getEntity(logGroup)?._source, 'system-mapper', "CloudWatch's own log group, not a stand-in");
  t.true(has(prod, 'LOGS', 'arn:aws:s3:::acme-prod-access-logs'));
  t.deepEqual(graphIssues(graph), []);
});

test('the generator gives each account one multi-region trail, reported once', async (t) => {
  const world = generateWorld({ accounts: 3, regions: 2, resourcesPerRegion: 4, pageSize: 5 }, allSimulators());
  const { graph, summary } = await simulate(world, { config: { services: { include: ['cloudtrail', 'kms'] } } });
  t.deepEqual(summary.errors, []);
  const trails = graph.entitiesOfType('aws_cloudtrail');
  t.is(trails.length, 3);
  t.true(trails.every((trail) => trail.isMultiRegionTrail === true && trail.homeRegion === 'us-east-1'));
  t.is(summary.counts.relationships.aws_cloudtrail_logs_s3_bucket, 3);
  t.deepEqual(graphIssues(graph), []);
});
