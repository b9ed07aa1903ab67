import { AccessAnalyzerClient, paginateListAnalyzers, paginateListFindings, type AnalyzerSummary, type FindingSummary } from '@aws-sdk/client-accessanalyzer';
import type { Collector } from '../../collectors/types';
import { createRelationship, RelationshipVerb } from '../../graph';
import { resolveArnTarget } from '../arn-targets';
import { regionalFlagEnrichment, setRegionalFlag, type RegionalFlag } from '../regional-flags';
import {
  accessAnalyzerServiceHas,
  convertAnalyzer,
  convertAnalyzerFinding,
  findingResourceKey,
  isExternalAccessAnalyzer,
  ownFindingResource,
} from './converters';
import { AccessAnalyzerEntities, AccessAnalyzerRelationships, RESOURCE_HAS_FINDING } from './schema';

/** `enabled.<region>` on `aws_accessanalyzer` (an ACTIVE external-access analyzer) and `disabledRegions`: CIS 2.18. */
export const ANALYZER_ENABLED: RegionalFlag = { service: 'accessanalyzer', property: 'enabled', summary: 'disabledRegions' };

/**
 * Analyzers, and the findings of the external-access ones (ListFindings), each linked to the
 * resource it names. Unused-access analyzers are listed without their findings (ListFindingsV2 is
 * not read yet).
 */
export const accessAnalyzerCollector: Collector = {
  id: 'accessanalyzer-analyzers',
  service: 'accessanalyzer',
  scope: 'regional',
  entities: [AccessAnalyzerEntities.ANALYZER, AccessAnalyzerEntities.FINDING],
  relationships: [AccessAnalyzerRelationships.SERVICE_HAS_ANALYZER, AccessAnalyzerRelationships.ANALYZER_IDENTIFIED_FINDING, ...RESOURCE_HAS_FINDING],
  permissions: ['access-analyzer:ListAnalyzers', 'access-analyzer:ListFindings'],
  optionalCalls: [{ operation: 'access-analyzer:ListFindings', cost: 'analyzers have no findings' }],
  events: [
    {
      source: 'access-analyzer.amazonaws.com',
      names: [
        'CreateAnalyzer',
        'DeleteAnalyzer',
        'UpdateAnalyzer',
        'UpdateFindings',
        'StartResourceScan',
        'CreateArchiveRule',
        'DeleteArchiveRule',
        'ApplyArchiveRule',
      ],
    },
  ],
  dependsOn: ['account'],
  enriches: [regionalFlagEnrichment(ANALYZER_ENABLED)],
  async run(context) {
    const client = context.client(AccessAnalyzerClient);
    const scope = { accountId: context.account.accountId, region: context.region };
    const analyzers: AnalyzerSummary[] = [];
    for await (const page of paginateListAnalyzers({ client }, { maxResults: 100 })) analyzers.push(...(page.analyzers ?? []));
    setRegionalFlag(
      context,
      ANALYZER_ENABLED,
      analyzers.some((a) => isExternalAccessAnalyzer(a.type) && a.status === 'ACTIVE'),
    );

    for (const analyzer of analyzers) {
      const entity = context.addEntity(convertAnalyzer(analyzer, scope));
      context.addRelationship(accessAnalyzerServiceHas(scope.accountId, entity));
      if (!isExternalAccessAnalyzer(analyzer.type) || !analyzer.arn) continue;
      const analyzerArn = analyzer.arn;
      const findings = await context.optional('access-analyzer:ListFindings', async () => {
        const all: FindingSummary[] = [];
        for await (const page of paginateListFindings({ client }, { analyzerArn, maxResults: 100 })) all.push(...(page.findings ?? []));
        return all;
      });
      for (const finding of findings ?? []) {
        const findingEntity = context.addEntity(convertAnalyzerFinding(finding, analyzerArn, scope));
        context.addRelationship(createRelationship({ from: entity, verb: RelationshipVerb.IDENTIFIED, to: findingEntity }));
        // This account's buckets, roles, keys and snapshots by the key their collectors compute
        // (no need to wait for them); other resources from the graph, else a placeholder.
        const key = findingResourceKey(finding.resource);
        const resource =
          ownFindingResource(finding, scope.accountId) ?? (key ? (context.graph.getEntity(key) ?? (await resolveArnTarget(context, key))) : undefined);
        if (resource) context.addRelationship(createRelationship({ from: resource, verb: RelationshipVerb.HAS, to: findingEntity }));
      }
    }
  },
};
