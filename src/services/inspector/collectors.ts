import {
  BatchGetAccountStatusCommand,
  Inspector2Client,
  paginateListCoverage,
  paginateListFindings,
  type CoveredResource,
  type Finding,
} from '@aws-sdk/client-inspector2';
import type { Collector } from '../../collectors/types';
import { createRelationship, RelationshipVerb } from '../../graph';
import { resolveArnTarget } from '../arn-targets';
import { regionalFlagEnrichment, setRegionalFlag, type RegionalFlag } from '../regional-flags';
import { convertAssessment, convertInspectorFinding, findingResourceKeys, inspectorServiceHasAssessment, type InspectorScope } from './converters';
import { Ec2Entities } from '../ec2/schema';
import { InspectorEntities, InspectorRelationships } from './schema';

/** `enabled.<region>` on `aws_inspector` and `disabledRegions`. */
export const INSPECTOR_ENABLED: RegionalFlag = { service: 'inspector', property: 'enabled', summary: 'disabledRegions' };

/**
 * Amazon Inspector (Inspector2): the account's scanning status and coverage as an assessment, and
 * its findings, linked to the instances (and Lambda functions) they are about. A region where
 * Inspector is not enabled has no assessment and `enabled.<region> = false` on `aws_inspector`.
 */
export const inspectorCollector: Collector = {
  id: 'inspector-findings',
  service: 'inspector',
  scope: 'regional',
  entities: [InspectorEntities.ASSESSMENT, InspectorEntities.FINDING],
  relationships: [
    InspectorRelationships.SERVICE_HAS_ASSESSMENT,
    InspectorRelationships.ASSESSMENT_IDENTIFIED_FINDING,
    InspectorRelationships.INSTANCE_HAS_FINDING,
    InspectorRelationships.FUNCTION_HAS_FINDING,
    InspectorRelationships.RESOURCE_HAS_FINDING,
  ],
  permissions: ['inspector2:BatchGetAccountStatus', 'inspector2:ListCoverage', 'inspector2:ListFindings'],
  optionalCalls: [
    {
      operation: 'inspector2:ListCoverage',
      per: 'scope',
      properties: [
        { _type: InspectorEntities.ASSESSMENT._type, properties: ['coveredResourceCount', 'coveredInstanceCount', 'activelyScannedCount', 'notScannedCount'] },
      ],
      cost: 'assessments have no coverage counts',
    },
  ],
  events: [
    {
      source: 'inspector2.amazonaws.com',
      names: ['Enable', 'Disable', 'CreateFilter', 'UpdateFilter', 'DeleteFilter', 'UpdateConfiguration', 'UpdateEc2DeepInspectionConfiguration'],
    },
  ],
  dependsOn: ['account'],
  enriches: [regionalFlagEnrichment(INSPECTOR_ENABLED)],
  async run(context) {
    const client = context.client(Inspector2Client);
    const scope: InspectorScope = { accountId: context.account.accountId, region: context.region };
    const status = await client.send(new BatchGetAccountStatusCommand({ accountIds: [scope.accountId] }));
    const state = status.accounts?.find((account) => account.accountId === scope.accountId);
    const enabled = state?.state?.status === 'ENABLED';
    setRegionalFlag(context, INSPECTOR_ENABLED, enabled);
    // Disabling Inspector deletes its findings and coverage: nothing more to read.
    if (!state || state.state?.status === 'DISABLED') return;

    const coverage = await context.optional('inspector2:ListCoverage', async () => {
      const all: CoveredResource[] = [];
      for await (const page of paginateListCoverage({ client }, { maxResults: 200 })) all.push(...(page.coveredResources ?? []));
      return all;
    });
    const findings: Finding[] = [];
    for await (const page of paginateListFindings({ client }, { maxResults: 100 })) findings.push(...(page.findings ?? []));

    const assessment = context.addEntity(convertAssessment(state, coverage, scope, findings.length));
    context.addRelationship(inspectorServiceHasAssessment(scope.accountId, assessment));
    for (const finding of findings) {
      const entity = context.addEntity(convertInspectorFinding(finding, scope));
      context.addRelationship(createRelationship({ from: assessment, verb: RelationshipVerb.IDENTIFIED, to: entity }));
      const foreign = (finding.awsAccountId ?? scope.accountId) !== scope.accountId;
      for (const { key, kind } of findingResourceKeys(finding, scope)) {
        // An instance of this account is named by the key EC2 computes, without waiting for it (one
        // that turns out gone loses the edge when the snapshot is written); functions are keyed by
        // ARN (Lambda's entities when collected, placeholders otherwise), as are other accounts' resources.
        const resource =
          kind === 'instance' && !foreign
            ? { _key: key, _type: Ec2Entities.INSTANCE._type }
            : (context.graph.getEntity(key) ?? (kind === 'function' || foreign ? await resolveArnTarget(context, key) : undefined));
        if (resource) context.addRelationship(createRelationship({ from: resource, verb: RelationshipVerb.HAS, to: entity }));
      }
    }
  },
};
