import type { AnalyzerSummary, FindingSummary } from '@aws-sdk/client-accessanalyzer';
import { createEntity, createRelationship, RelationshipVerb, type Entity, type Relationship } from '../../graph';
import { serviceEntityRef } from '../../graph';
import type { EntityRef } from '../cross-service';
import { Ec2Entities } from '../ec2/schema';
import { IamEntities } from '../iam/schema';
import { KmsEntities } from '../kms/schema';
import { S3Entities } from '../s3/schema';
import { AccessAnalyzerEntities } from './schema';

export interface AnalyzerScope {
  accountId: string;
  region: string;
}

/** Analyzers of external access (the ones CIS asks for), as opposed to unused-access and internal-access ones. */
export function isExternalAccessAnalyzer(type: string | undefined): boolean {
  return type === 'ACCOUNT' || type === 'ORGANIZATION';
}

/** `aws_accessanalyzer_analyzer` from ListAnalyzers. */
export function convertAnalyzer(analyzer: AnalyzerSummary, scope: AnalyzerScope): Entity {
  const arn = analyzer.arn ?? `arn:aws:access-analyzer:${scope.region}:${scope.accountId}:analyzer/${analyzer.name}`;
  return createEntity({
    _key: arn,
    schema: AccessAnalyzerEntities.ANALYZER,
    name: analyzer.name,
    tags: analyzer.tags,
    createdOn: analyzer.createdAt,
    properties: {
      arn,
      accountId: scope.accountId,
      region: scope.region,
      type: analyzer.type,
      externalAccess: isExternalAccessAnalyzer(analyzer.type),
      status: analyzer.status,
      active: analyzer.status === 'ACTIVE',
      statusReason: analyzer.statusReason?.code,
      lastResourceAnalyzed: analyzer.lastResourceAnalyzed,
      lastResourceAnalyzedOn: analyzer.lastResourceAnalyzedAt,
      // Assessment and Scanner (JupiterOne's classes) type `category` differently; an array satisfies Scanner.
      category: ['access-analysis'],
      summary: `IAM Access Analyzer (${analyzer.type ?? 'unknown type'}) in ${scope.region}`,
      internal: true,
      webLink: `https://console.aws.amazon.com/access-analyzer/home?region=${scope.region}#/analyzers/${encodeURIComponent(analyzer.name ?? '')}`,
    },
  });
}

/** Principals of a finding (`{ AWS: '123456789012' }`, `{ Federated: ... }`) as `Type:value` strings. */
function principalList(principal: Record<string, string> | undefined): string[] | undefined {
  if (!principal) return undefined;
  return Object.entries(principal)
    .map(([type, value]) => `${type}:${value}`)
    .sort();
}

/**
 * `aws_accessanalyzer_finding` from ListFindings: a resource shared outside the zone of trust.
 * Public findings are `high`, other external access `medium` (Access Analyzer gives no severity).
 */
export function convertAnalyzerFinding(finding: FindingSummary, analyzerArn: string, scope: AnalyzerScope): Entity {
  return createEntity({
    _key: `${analyzerArn}/finding/${finding.id}`,
    schema: AccessAnalyzerEntities.FINDING,
    name: `${finding.resourceType ?? 'Resource'} ${finding.isPublic ? 'public' : 'shared'}: ${finding.resource ?? finding.id}`,
    createdOn: finding.createdAt,
    properties: {
      id: finding.id,
      analyzerArn,
      accountId: finding.resourceOwnerAccount ?? scope.accountId,
      region: scope.region,
      resource: finding.resource,
      resourceType: finding.resourceType,
      resourceOwnerAccount: finding.resourceOwnerAccount,
      principals: principalList(finding.principal),
      actions: finding.action?.length ? [...finding.action] : undefined,
      conditions: finding.condition && Object.keys(finding.condition).length ? JSON.stringify(finding.condition) : undefined,
      isPublic: finding.isPublic === true,
      public: finding.isPublic === true,
      status: finding.status,
      open: finding.status === 'ACTIVE',
      error: finding.error,
      category: 'access',
      severity: finding.isPublic ? 'high' : 'medium',
      numericSeverity: finding.isPublic ? 7 : 5,
      analyzedOn: finding.analyzedAt,
      updatedOn: finding.updatedAt,
    },
  });
}

/**
 * The graph key of the resource a finding names. Most are ARNs as their collectors key them; EBS
 * snapshots are keyed without the account (`arn:aws:ec2:<region>::snapshot/<id>`).
 */
export function findingResourceKey(resource: string | undefined): string | undefined {
  if (!resource?.startsWith('arn:')) return undefined;
  const snapshot = /^arn:aws[a-z-]*:ec2:([^:]+):\d*:snapshot\/(.+)$/.exec(resource);
  if (snapshot) return `arn:aws:ec2:${snapshot[1]}::snapshot/${snapshot[2]}`;
  return resource;
}

/** Finding resource types whose entities some collector keys as {@link findingResourceKey} does. */
const COLLECTED_RESOURCE_TYPES: Readonly<Record<string, string>> = {
  'AWS::S3::Bucket': S3Entities.BUCKET._type,
  'AWS::IAM::Role': IamEntities.ROLE._type,
  'AWS::KMS::Key': KmsEntities.KEY._type,
  'AWS::EC2::Snapshot': Ec2Entities.SNAPSHOT._type,
};

/**
 * The entity a finding names when it is a resource of the analyzer's own account of a collected
 * type: its key and type, whether or not its collector has run yet (an edge to a resource that
 * turns out gone is dropped when the snapshot is written). Undefined otherwise (another account's
 * resource, a type no collector reads): those are resolved against the graph and placeholders.
 */
export function ownFindingResource(
  finding: Pick<FindingSummary, 'resource' | 'resourceType' | 'resourceOwnerAccount'>,
  accountId: string,
): EntityRef | undefined {
  const key = findingResourceKey(finding.resource);
  const _type = finding.resourceType ? COLLECTED_RESOURCE_TYPES[finding.resourceType] : undefined;
  if (!key || !_type || finding.resourceOwnerAccount !== accountId) return undefined;
  return { _key: key, _type };
}

export function accessAnalyzerServiceHas(accountId: string, analyzer: Entity): Relationship {
  return createRelationship({ from: serviceEntityRef(accountId, 'accessanalyzer'), verb: RelationshipVerb.HAS, to: analyzer });
}
