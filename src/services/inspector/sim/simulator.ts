import type {
  AccountState,
  BatchGetAccountStatusCommandInput,
  BatchGetAccountStatusCommandOutput,
  CoveredResource,
  Finding,
  State,
  ListCoverageCommandInput,
  ListCoverageCommandOutput,
  ListFindingsCommandInput,
  ListFindingsCommandOutput,
} from '@aws-sdk/client-inspector2';
import { collection, custom, defineSimulatedService, list, ownRandom, type InWorld } from '../../../sim/service-kit';
import { ec2Resources } from '../../ec2/sim/records';

/** A finding in the world: ListFindings' shape; its ARN is derived from `id` (world-only). */
type WorldFinding = InWorld<Finding> & { id: string };
type Status = NonNullable<AccountState['state']>['status'];
/** What BatchGetAccountStatus reports of the account in the region (absent: Inspector was never enabled). */
interface WorldStatus {
  status: Status;
  ec2?: Status;
  ecr?: Status;
  lambda?: Status;
}

/** Amazon Inspector (Inspector2, REST-JSON): the account's status, its coverage and findings. */
export const inspectorSimulator = defineSimulatedService({
  service: 'inspector2',
  clientName: 'Inspector2Client',
  scope: 'regional',
  errors: { accessDenied: 'AccessDeniedException', throttling: 'ThrottlingException', invalidToken: 'ValidationException' },
  sectionFields: {
    account: { type: 'object', required: ['status'], properties: { status: { enum: ['ENABLED', 'DISABLED', 'SUSPENDED', 'ENABLING', 'DISABLING'] } } },
  },
  collections: {
    coverage: collection<InWorld<CoveredResource>>({
      id: 'resourceId',
      required: ['resourceType', 'scanType'],
      derive: (_resource, context) => ({ accountId: context.account.id }),
      dates: ['lastScannedAt'],
      notFound: { error: 'ResourceNotFoundException', message: (id) => `Resource ${id} not found.` },
    }),
    findings: collection<WorldFinding>({
      id: 'id',
      required: ['type', 'severity', 'status', 'resources'],
      worldOnly: ['id'],
      derive: (finding, context) => ({
        awsAccountId: context.account.id,
        findingArn: `arn:aws:inspector2:${context.region}:${context.account.id}:finding/${finding.id}`,
      }),
      dates: ['firstObservedAt', 'lastObservedAt', 'updatedAt'],
      notFound: { error: 'ResourceNotFoundException', message: (id) => `Finding ${id} not found.` },
    }),
  },
  operations: {
    BatchGetAccountStatus: custom<BatchGetAccountStatusCommandInput, BatchGetAccountStatusCommandOutput>((input, context) => {
      const own = context.section<{ account?: WorldStatus }>()?.account;
      // The SDK's State spells its error members even when AWS sends none.
      const state = (status: Status | undefined): State => ({ status: status ?? own?.status ?? 'DISABLED', errorCode: undefined, errorMessage: undefined });
      return {
        accounts: (input.accountIds ?? [context.account.id]).map((accountId) => ({
          accountId,
          state: state(own?.status),
          resourceState: { ec2: state(own?.ec2), ecr: state(own?.ecr), lambda: state(own?.lambda) },
        })),
        failedAccounts: [],
      };
    }),
    ListCoverage: list<ListCoverageCommandInput, ListCoverageCommandOutput>('coverage', {
      items: 'coveredResources',
      token: 'nextToken',
      maxResults: 'maxResults',
      awsMax: 200,
    }),
    ListFindings: list<ListFindingsCommandInput, ListFindingsCommandOutput>('findings', {
      items: 'findings',
      token: 'nextToken',
      maxResults: 'maxResults',
      awsMax: 100,
    }),
  },
  // Enabled in four regions of five; every instance covered, a package finding on a tenth of them.
  generate: ({ accountId, region, size, sections }) => {
    const random = ownRandom({ accountId, region }, 'inspector2');
    if (!size || random() < 0.2) return {};
    const instances = ec2Resources(sections.ec2).instances;
    const hex = (length: number) => Array.from({ length }, () => Math.floor(random() * 16).toString(16)).join('');
    return {
      account: { status: 'ENABLED', ec2: 'ENABLED', ecr: 'DISABLED', lambda: 'DISABLED' },
      coverage: instances.map((instance) => ({
        resourceId: instance.InstanceId,
        resourceType: 'AWS_EC2_INSTANCE',
        scanType: 'PACKAGE',
        scanStatus: { statusCode: 'ACTIVE', reason: 'SUCCESSFUL' },
      })),
      findings: instances
        .filter((_, index) => index % 10 === 0)
        .map((instance) => ({
          id: hex(32),
          type: 'PACKAGE_VULNERABILITY',
          title: 'CVE-2024-6387 - openssh',
          severity: random() < 0.3 ? 'HIGH' : 'MEDIUM',
          status: 'ACTIVE',
          firstObservedAt: '2025-01-01T00:00:00Z',
          lastObservedAt: '2025-01-02T00:00:00Z',
          updatedAt: '2025-01-02T00:00:00Z',
          resources: [{ type: 'AWS_EC2_INSTANCE', id: instance.InstanceId, region, partition: 'aws' }],
          packageVulnerabilityDetails: { vulnerabilityId: 'CVE-2024-6387', source: 'NVD', vulnerablePackages: [{ name: 'openssh', version: '8.7p1' }] },
        })),
    };
  },
});
