import type {
  Finding,
  GetDetectorCommandInput,
  GetDetectorCommandOutput,
  GetDetectorResponse,
  GetFindingsCommandInput,
  GetFindingsCommandOutput,
  ListDetectorsCommandInput,
  ListDetectorsCommandOutput,
  ListFindingsCommandInput,
  ListFindingsCommandOutput,
} from '@aws-sdk/client-guardduty';
import { collection, defineSimulatedService, get, list, ownRandom } from '../../../sim/service-kit';
import { ec2Resources } from '../../ec2/sim/records';

/** A detector in the world: GetDetector's response with its id. */
type WorldDetector = Omit<GetDetectorResponse, 'ServiceRole'> & { DetectorId: string; ServiceRole?: string };

const HEX32 = '^[0-9a-f]{32}$';
const detectorOf = (finding: Finding) => finding.Service?.DetectorId;

/** GuardDuty (REST-JSON): detectors and their findings, archived ones included (ListFindings lists both). */
export const guardDutySimulator = defineSimulatedService({
  service: 'guardduty',
  clientName: 'GuardDutyClient',
  scope: 'regional',
  errors: { accessDenied: 'AccessDeniedException', throttling: 'TooManyRequestsException', invalidToken: 'BadRequestException' },
  collections: {
    detectors: collection<WorldDetector>({
      id: 'DetectorId',
      required: ['Status'],
      fields: { DetectorId: { type: 'string', pattern: HEX32 }, Status: { enum: ['ENABLED', 'DISABLED'] } },
      // GetDetector does not echo the id; the service-linked role is always this one.
      view: ({ DetectorId: _, ...detector }, context) => ({
        ServiceRole: `arn:aws:iam::${context.account.id}:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty`,
        ...detector,
      }),
      notFound: { error: 'BadRequestException', message: () => 'The request is rejected because the input detectorId is not owned by the current account.' },
    }),
    findings: collection<Finding>({
      id: 'Id',
      required: ['Type', 'Severity', 'Resource', 'Service'],
      fields: { Id: { type: 'string', pattern: HEX32 }, Severity: { type: 'number', minimum: 1, maximum: 10 } },
      derive: (finding, context) => ({
        AccountId: context.account.id,
        Region: context.region,
        Partition: 'aws',
        SchemaVersion: '2.0',
        Arn: `arn:aws:guardduty:${context.region}:${context.account.id}:detector/${detectorOf(finding)}/finding/${finding.Id}`,
      }),
      notFound: { error: 'BadRequestException', message: (id) => `The request is rejected because the finding ${id} does not exist.` },
    }),
  },
  operations: {
    ListDetectors: list<ListDetectorsCommandInput, ListDetectorsCommandOutput, WorldDetector>('detectors', {
      items: 'DetectorIds',
      maxResults: 'MaxResults',
      awsMax: 50,
      item: (_view, detector) => detector.DetectorId,
    }),
    GetDetector: get<GetDetectorCommandInput, GetDetectorCommandOutput>('detectors', { id: 'DetectorId' }),
    ListFindings: list<ListFindingsCommandInput, ListFindingsCommandOutput, Finding>('findings', {
      items: 'FindingIds',
      maxResults: 'MaxResults',
      awsMax: 50,
      filter: (finding, input) => detectorOf(finding) === input.DetectorId,
      item: (_view, finding) => finding.Id,
    }),
    GetFindings: list<GetFindingsCommandInput, GetFindingsCommandOutput, Finding>('findings', {
      items: 'Findings',
      ids: 'FindingIds',
      token: false,
      filter: (finding, input) => detectorOf(finding) === input.DetectorId,
    }),
  },
  // A detector everywhere but in one region in five; a finding per ten instances of the region.
  generate: ({ accountId, region, size, sections }) => {
    const random = ownRandom({ accountId, region }, 'guardduty');
    if (!size || random() < 0.2) return {};
    const hex = () => Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('');
    const DetectorId = hex();
    const instances = ec2Resources(sections.ec2).instances.filter((_, index) => index % 10 === 0);
    const findings: Finding[] = instances.map((instance, index) => {
      const seen = new Date(Date.UTC(2025, 0, 1) + index * 3_600_000).toISOString();
      return {
        Id: hex(),
        Type: 'Recon:EC2/PortProbeUnprotectedPort',
        Title: `Unprotected port on EC2 instance ${instance.InstanceId} is being probed.`,
        Severity: index % 3 === 0 ? 5 : 2,
        Confidence: 8,
        CreatedAt: seen,
        UpdatedAt: seen,
        Resource: { ResourceType: 'Instance', InstanceDetails: { InstanceId: instance.InstanceId } },
        Service: { ServiceName: 'guardduty', DetectorId, Archived: index % 4 === 3, Count: 1 + index, EventFirstSeen: seen, EventLastSeen: seen },
      } as Finding;
    });
    return { detectors: [{ DetectorId, Status: 'ENABLED', FindingPublishingFrequency: 'SIX_HOURS', CreatedAt: '2024-01-01T00:00:00.000Z' }], findings };
  },
});
