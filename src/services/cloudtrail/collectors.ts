import {
  CloudTrailClient,
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
  ListTagsCommand,
  type Tag,
  type Trail,
} from '@aws-sdk/client-cloudtrail';
import { mapConcurrent } from '../../collectors/concurrency';
import type { Collector } from '../../collectors/types';
import { createRelationship, RelationshipVerb } from '../../graph';
import { edgeTarget, placeholderEntity } from '../cross-service';
import { addMappedEntities, kmsKeyEdge } from '../resource-edges';
import { S3Entities } from '../s3/schema';
import { convertTrail, trailOwner } from './converters';
import { CloudWatchEntities } from '../cloudwatch/schema';
import { CloudTrailEntities, CloudTrailRelationships, logGroupKeyOfArn } from './schema';

const TRAIL = CloudTrailEntities.TRAIL._type;
/** ListTags takes at most 20 trail ARNs a call. */
const TAGS_BATCH = 20;

const SELECTOR_PROPERTIES = [
  'managementEventsLogged',
  'managementReadEventsLogged',
  'managementWriteEventsLogged',
  'managementReadWriteType',
  's3ObjectReadEventsLogged',
  's3ObjectWriteEventsLogged',
  's3ObjectEventsAllBuckets',
  's3ObjectEventBuckets',
  'advancedEventSelectors',
  'eventSelectors',
];

/**
 * Trails, once each: DescribeTrails with shadow trails lists a multi-region trail in every region
 * and an organization trail in every member account; a trail is converted in its home region only.
 * In a member account an organization trail is recorded as that account's view of it (CIS reads
 * per account whether a trail covers it); the management account reports the trail itself.
 */
export const cloudTrailTrailsCollector: Collector = {
  id: 'cloudtrail-trails',
  service: 'cloudtrail',
  scope: 'regional',
  events: [
    {
      source: 'cloudtrail.amazonaws.com',
      names: ['CreateTrail', 'UpdateTrail', 'DeleteTrail', 'StartLogging', 'StopLogging', 'PutEventSelectors', 'PutInsightSelectors', 'AddTags', 'RemoveTags'],
      resourceIds: ['requestParameters.name', 'requestParameters.trailName', 'responseElements.trailARN', 'requestParameters.resourceId'],
    },
  ],
  entities: [CloudTrailEntities.TRAIL],
  relationships: Object.values(CloudTrailRelationships),
  permissions: ['cloudtrail:DescribeTrails', 'cloudtrail:GetTrailStatus', 'cloudtrail:GetEventSelectors', 'cloudtrail:ListTags'],
  optionalCalls: [
    {
      operation: 'cloudtrail:GetTrailStatus',
      properties: [{ _type: TRAIL, properties: ['isLogging', 'logging', 'active', 'latestDeliveryOn', 'startLoggingOn', 'stopLoggingOn'] }],
      cost: 'trails have no logging status (`isLogging`)',
    },
    {
      operation: 'cloudtrail:GetEventSelectors',
      properties: [{ _type: TRAIL, properties: SELECTOR_PROPERTIES }],
      cost: 'trails have no management or S3 data-event coverage (CIS 4.1, 4.8, 4.9 not evaluated)',
    },
    {
      operation: 'cloudtrail:ListTags',
      per: 'scope',
      properties: [{ _type: TRAIL, properties: ['tag.*', 'classification', 'owner', 'email'] }],
      cost: 'trails have no `tag.*` properties',
    },
  ],
  // Only the account: buckets, log groups and keys are named by key (see edgeTarget).
  dependsOn: ['account'],
  async run(context) {
    const client = context.client(CloudTrailClient);
    const { accountId } = context.account;
    const { region } = context;
    // DescribeTrails is not paginated. Shadow trails included: other accounts' organization trails.
    const listed = (await client.send(new DescribeTrailsCommand({ includeShadowTrails: true }))).trailList ?? [];
    const trails = listed.filter((trail): trail is Trail & { TrailARN: string } => Boolean(trail.TrailARN) && (trail.HomeRegion ?? region) === region);
    const own = trails.filter((trail) => (trailOwner(trail) ?? accountId) === accountId).map((trail) => trail.TrailARN);
    const tags = new Map<string, Tag[]>();
    for (let start = 0; start < own.length; start += TAGS_BATCH) {
      const batch = await context.optional(
        'cloudtrail:ListTags',
        async () => (await client.send(new ListTagsCommand({ ResourceIdList: own.slice(start, start + TAGS_BATCH) }))).ResourceTagList,
      );
      for (const entry of batch ?? []) if (entry.ResourceId) tags.set(entry.ResourceId, entry.TagsList ?? []);
    }
    const read = await mapConcurrent(trails, 4, async (trail) => {
      // Named by ARN: a shadow or organization trail is found by its ARN only.
      const status = await context.optional('cloudtrail:GetTrailStatus', async () => {
        const { $metadata: _, ...output } = await client.send(new GetTrailStatusCommand({ Name: trail.TrailARN }));
        return output;
      });
      const selectors = await context.optional('cloudtrail:GetEventSelectors', async () => {
        const output = await client.send(new GetEventSelectorsCommand({ TrailName: trail.TrailARN }));
        return { EventSelectors: output.EventSelectors, AdvancedEventSelectors: output.AdvancedEventSelectors };
      });
      return { trail, status, selectors };
    });
    const ingested = await context.ingestedAccounts();
    for (const { trail, status, selectors } of read) {
      const entity = context.addEntity(convertTrail({ trail, status, selectors, tags: tags.get(trail.TrailARN), accountId, region }));
      if (trail.S3BucketName) {
        // S3's key (services/s3/converters.ts): the bucket ARN, which names no account.
        const bucketArn = `arn:aws:s3:::${trail.S3BucketName}`;
        const bucket = await edgeTarget(context, { _key: bucketArn, _type: S3Entities.BUCKET._type }, () =>
          placeholderEntity({ _key: bucketArn, _type: S3Entities.BUCKET._type }, S3Entities.BUCKET._class, { bucketName: trail.S3BucketName }),
        );
        context.addRelationship(createRelationship({ from: entity, verb: RelationshipVerb.LOGS, to: bucket, properties: { s3KeyPrefix: trail.S3KeyPrefix } }));
      }
      if (trail.CloudWatchLogsLogGroupArn) {
        const groupKey = logGroupKeyOfArn(trail.CloudWatchLogsLogGroupArn);
        const ref = { _key: groupKey, _type: CloudWatchEntities.LOG_GROUP._type };
        const group = await edgeTarget(context, ref, () =>
          placeholderEntity(ref, CloudWatchEntities.LOG_GROUP._class, { logGroupName: groupKey.split(':log-group:')[1] }),
        );
        context.addRelationship(createRelationship({ from: entity, verb: RelationshipVerb.LOGS, to: group }));
      }
      // A member's view of an organization trail names the management account's key: mapped when that account is not ingested.
      const key = kmsKeyEdge(entity, trail.KmsKeyId, { accountId, region }, ingested);
      addMappedEntities(context.graph, key.mappedEntities);
      context.addRelationships(key.relationships);
    }
  },
};
