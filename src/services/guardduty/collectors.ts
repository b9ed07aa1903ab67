import { GetDetectorCommand, GetFindingsCommand, GuardDutyClient, paginateListDetectors, paginateListFindings, type Finding } from '@aws-sdk/client-guardduty';
import { mapConcurrent } from '../../collectors/concurrency';
import type { Collector } from '../../collectors/types';
import { createRelationship, RelationshipVerb } from '../../graph';
import { resolveArnTarget } from '../arn-targets';
import { regionalFlagEnrichment, setRegionalFlag, type RegionalFlag } from '../regional-flags';
import { affectedResources, convertDetector, convertFinding, guardDutyServiceHasDetector, type GuardDutyScope } from './converters';
import { GuardDutyEntities, GuardDutyRelationships } from './schema';

/** `enabled.<region>` on `aws_guardduty` and `disabledRegions`: a region without an enabled detector. */
export const GUARDDUTY_ENABLED: RegionalFlag = { service: 'guardduty', property: 'enabled', summary: 'disabledRegions' };

/** GetFindings takes at most 50 ids. */
const FINDINGS_PER_CALL = 50;

/**
 * Detectors and every finding they hold (archived ones too, with `open: false`), linked to the
 * instance, buckets or access key they are about. A region without a detector is recorded as
 * `enabled.<region> = false` on the account's `aws_guardduty` entity, not as an error.
 */
export const guardDutyCollector: Collector = {
  id: 'guardduty-detectors',
  service: 'guardduty',
  scope: 'regional',
  entities: [GuardDutyEntities.DETECTOR, GuardDutyEntities.FINDING],
  relationships: [
    GuardDutyRelationships.SERVICE_HAS_DETECTOR,
    GuardDutyRelationships.DETECTOR_IDENTIFIED_FINDING,
    GuardDutyRelationships.INSTANCE_HAS_FINDING,
    GuardDutyRelationships.BUCKET_HAS_FINDING,
    GuardDutyRelationships.ACCESS_KEY_HAS_FINDING,
    GuardDutyRelationships.RESOURCE_HAS_FINDING,
  ],
  permissions: ['guardduty:ListDetectors', 'guardduty:GetDetector', 'guardduty:ListFindings', 'guardduty:GetFindings'],
  events: [
    {
      source: 'guardduty.amazonaws.com',
      names: [
        'CreateDetector',
        'DeleteDetector',
        'UpdateDetector',
        'ArchiveFindings',
        'UnarchiveFindings',
        'UpdateFindingsFeedback',
        'TagResource',
        'UntagResource',
      ],
    },
  ],
  dependsOn: ['account'],
  enriches: [regionalFlagEnrichment(GUARDDUTY_ENABLED)],
  async run(context) {
    const client = context.client(GuardDutyClient);
    const scope: GuardDutyScope = { accountId: context.account.accountId, region: context.region };
    const detectorIds: string[] = [];
    for await (const page of paginateListDetectors({ client }, { MaxResults: 50 })) detectorIds.push(...(page.DetectorIds ?? []));

    let enabled = false;
    for (const detectorId of detectorIds) {
      const { $metadata: _, ...response } = await client.send(new GetDetectorCommand({ DetectorId: detectorId }));
      const detector = context.addEntity(convertDetector(detectorId, response, scope));
      context.addRelationship(guardDutyServiceHasDetector(scope.accountId, detector));
      if (detector.enabled === true) enabled = true;

      const findingIds: string[] = [];
      for await (const page of paginateListFindings({ client }, { DetectorId: detectorId, MaxResults: 50 })) findingIds.push(...(page.FindingIds ?? []));
      const batches: string[][] = [];
      for (let i = 0; i < findingIds.length; i += FINDINGS_PER_CALL) batches.push(findingIds.slice(i, i + FINDINGS_PER_CALL));
      const findings: Finding[] = (
        await mapConcurrent(
          batches,
          2,
          async (FindingIds) => (await client.send(new GetFindingsCommand({ DetectorId: detectorId, FindingIds }))).Findings ?? [],
        )
      ).flat();
      for (const finding of findings) {
        const entity = context.addEntity(convertFinding(finding, scope));
        context.addRelationship(createRelationship({ from: detector, verb: RelationshipVerb.IDENTIFIED, to: entity }));
        const foreign = (finding.AccountId ?? scope.accountId) !== scope.accountId;
        for (const ref of affectedResources(finding, scope)) {
          // A resource of this account is named by the key its collector computes, without waiting
          // for that collector (one that turns out gone loses the edge when the snapshot is written);
          // another account's (a member seen from the administrator) is a placeholder until that
          // account's collectors report it.
          const resource = foreign ? (context.graph.getEntity(ref._key) ?? (await resolveArnTarget(context, ref._key))) : ref;
          if (resource) context.addRelationship(createRelationship({ from: resource, verb: RelationshipVerb.HAS, to: entity }));
        }
      }
    }
    setRegionalFlag(context, GUARDDUTY_ENABLED, enabled);
  },
};
