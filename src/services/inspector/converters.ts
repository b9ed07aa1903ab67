import type { AccountState, CoveredResource, Finding } from '@aws-sdk/client-inspector2';
import { createEntity, createRelationship, RelationshipVerb, type Entity, type Relationship } from '../../graph';
import { serviceEntityRef } from '../../graph';
import { InspectorEntities } from './schema';

export interface InspectorScope {
  accountId: string;
  region: string;
}

/** Key of the account's Inspector2 assessment in a region (Inspector2 has no assessment ARN). */
export function assessmentKey(scope: InspectorScope): string {
  return `aws-inspector2:${scope.accountId}:${scope.region}:assessment`;
}

/**
 * `aws_inspector_assessment`: Inspector2's continuous scanning of one account in one region, from
 * BatchGetAccountStatus (what is scanned) and ListCoverage (what is covered, and how well).
 */
export function convertAssessment(state: AccountState | undefined, coverage: readonly CoveredResource[] | undefined, scope: InspectorScope, findingCount: number): Entity {
  const status = state?.state?.status;
  const resources = state?.resourceState;
  const count = (predicate: (resource: CoveredResource) => boolean) => (coverage ? coverage.filter(predicate).length : undefined);
  return createEntity({
    _key: assessmentKey(scope),
    schema: InspectorEntities.ASSESSMENT,
    name: `Inspector ${scope.region}`,
    properties: {
      accountId: scope.accountId,
      region: scope.region,
      status,
      active: status === 'ENABLED',
      ec2ScanStatus: resources?.ec2?.status,
      ecrScanStatus: resources?.ecr?.status,
      lambdaScanStatus: resources?.lambda?.status,
      lambdaCodeScanStatus: resources?.lambdaCode?.status,
      coveredResourceCount: coverage?.length,
      coveredInstanceCount: count((r) => r.resourceType === 'AWS_EC2_INSTANCE'),
      activelyScannedCount: count((r) => r.scanStatus?.statusCode === 'ACTIVE'),
      notScannedCount: count((r) => r.scanStatus?.statusCode === 'INACTIVE'),
      findingCount,
      category: 'Vulnerability Scan',
      summary: `Amazon Inspector continuous scanning in ${scope.region} (${status ?? 'unknown status'})`,
      internal: true,
      webLink: `https://console.aws.amazon.com/inspector/v2/home?region=${scope.region}#/dashboard`,
    },
  });
}

/** Inspector's severity labels on JupiterOne's 0-10 scale, when the finding has no Inspector score. */
const NUMERIC_SEVERITY: Record<string, number> = { CRITICAL: 9, HIGH: 7, MEDIUM: 5, LOW: 3, INFORMATIONAL: 1, UNTRIAGED: 0 };

/** `aws_inspector_finding` from ListFindings. `open` while its status is ACTIVE (not SUPPRESSED or CLOSED). */
export function convertInspectorFinding(finding: Finding, scope: InspectorScope): Entity {
  const vulnerability = finding.packageVulnerabilityDetails;
  const resource = finding.resources?.[0];
  const severity = finding.severity ?? 'UNTRIAGED';
  return createEntity({
    _key: finding.findingArn ?? `${assessmentKey(scope)}:finding:${finding.title}`,
    schema: InspectorEntities.FINDING,
    name: finding.title ?? vulnerability?.vulnerabilityId ?? 'Inspector finding',
    createdOn: finding.firstObservedAt,
    properties: {
      arn: finding.findingArn,
      accountId: finding.awsAccountId ?? scope.accountId,
      region: resource?.region ?? scope.region,
      title: finding.title,
      description: finding.description,
      findingType: finding.type,
      category: finding.type === 'NETWORK_REACHABILITY' ? 'network' : resource?.type === 'AWS_EC2_INSTANCE' ? 'host' : 'application',
      severity: severity.toLowerCase(),
      numericSeverity: finding.inspectorScore ?? NUMERIC_SEVERITY[severity] ?? null,
      status: finding.status,
      open: finding.status === 'ACTIVE',
      vulnerabilityId: vulnerability?.vulnerabilityId,
      vulnerablePackages: vulnerability?.vulnerablePackages?.map((p) => `${p.name ?? ''}@${p.version ?? ''}`),
      fixAvailable: finding.fixAvailable,
      exploitAvailable: finding.exploitAvailable,
      epssScore: finding.epss?.score,
      recommendation: finding.remediation?.recommendation?.text,
      resourceType: resource?.type,
      resourceId: resource?.id,
      firstObservedOn: finding.firstObservedAt,
      lastObservedOn: finding.lastObservedAt,
      updatedOn: finding.updatedAt,
    },
  });
}

/** Keys of the resources a finding names: EC2 instances by ARN (computed from the id), Lambda functions by ARN. */
export function findingResourceKeys(finding: Finding, scope: InspectorScope): Array<{ key: string; kind: 'instance' | 'function' }> {
  const accountId = finding.awsAccountId ?? scope.accountId;
  const keys: Array<{ key: string; kind: 'instance' | 'function' }> = [];
  for (const resource of finding.resources ?? []) {
    if (!resource.id) continue;
    if (resource.type === 'AWS_EC2_INSTANCE') {
      const id = resource.id.replace(/^arn:.*:instance\//, '');
      keys.push({ key: `arn:aws:ec2:${resource.region ?? scope.region}:${accountId}:instance/${id}`, kind: 'instance' });
    } else if (resource.type === 'AWS_LAMBDA_FUNCTION' && resource.id.startsWith('arn:')) {
      keys.push({ key: resource.id, kind: 'function' });
    }
  }
  return keys;
}

export function inspectorServiceHasAssessment(accountId: string, assessment: Entity): Relationship {
  return createRelationship({ from: serviceEntityRef(accountId, 'inspector'), verb: RelationshipVerb.HAS, to: assessment });
}
