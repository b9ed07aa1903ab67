import type { AnalyzerSummary, FindingSummary } from '@aws-sdk/client-accessanalyzer';
import { createEntity, createRelationship, RelationshipVerb, type Entity, type Relationship } from '../../graph';
import { serviceEntityRef } from '../../graph';
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

export function accessAnalyzerServiceHas(accountId: string, analyzer: Entity): Relationship {
  return createRelationship({ from: serviceEntityRef(accountId, 'accessanalyzer'), verb: RelationshipVerb.HAS, to: analyzer });
}
