import type {
  AnalyzerSummary,
  FindingSummary,
  ListAnalyzersCommandInput,
  ListAnalyzersCommandOutput,
  ListFindingsCommandInput,
  ListFindingsCommandOutput,
} from '@aws-sdk/client-accessanalyzer';
import { collection, defineSimulatedService, list, ownRandom, type InWorld } from '../../../sim/service-kit';
import { s3BucketNames } from '../../s3/sim/simulator';
import type { SimCallContext } from '../../../sim/types';

/** A finding in the world: ListFindings' summary, with the name of the analyzer that holds it. */
type WorldFinding = InWorld<FindingSummary> & { analyzer: string };
type WorldAnalyzer = InWorld<AnalyzerSummary>;

const analyzerArn = (name: string, context: SimCallContext) => `arn:aws:access-analyzer:${context.region}:${context.account.id}:analyzer/${name}`;

/** IAM Access Analyzer (REST-JSON): analyzers, and the findings of the external-access ones. */
export const accessAnalyzerSimulator = defineSimulatedService({
  service: 'accessanalyzer',
  clientName: 'AccessAnalyzerClient',
  scope: 'regional',
  errors: { accessDenied: 'AccessDeniedException', throttling: 'ThrottlingException', invalidToken: 'ValidationException' },
  collections: {
    analyzers: collection<WorldAnalyzer>({
      id: 'name',
      required: ['type', 'status'],
      fields: {
        type: { enum: ['ACCOUNT', 'ORGANIZATION', 'ACCOUNT_UNUSED_ACCESS', 'ORGANIZATION_UNUSED_ACCESS'] },
        status: { enum: ['ACTIVE', 'CREATING', 'DISABLED', 'FAILED'] },
      },
      arn: (analyzer, context) => analyzerArn(analyzer.name ?? '', context),
      arnField: 'arn',
      tags: (analyzer) => analyzer.tags,
      dates: ['createdAt', 'lastResourceAnalyzedAt'],
      notFound: { error: 'ResourceNotFoundException', message: (id) => `Analyzer ${id} not found.` },
    }),
    findings: collection<WorldFinding>({
      id: 'id',
      required: ['analyzer', 'resourceType', 'status'],
      fields: { status: { enum: ['ACTIVE', 'ARCHIVED', 'RESOLVED'] }, resource: { type: 'string', pattern: '^arn:' } },
      worldOnly: ['analyzer'],
      derive: (finding, context) => ({ resourceOwnerAccount: finding.resourceOwnerAccount ?? context.account.id }),
      dates: ['createdAt', 'analyzedAt', 'updatedAt'],
      notFound: { error: 'ResourceNotFoundException', message: (id) => `Finding ${id} not found.` },
    }),
  },
  operations: {
    ListAnalyzers: list<ListAnalyzersCommandInput, ListAnalyzersCommandOutput, WorldAnalyzer>('analyzers', {
      items: 'analyzers',
      token: 'nextToken',
      maxResults: 'maxResults',
      awsMax: 1000,
      filter: (analyzer, input) => !input.type || analyzer.type === input.type,
    }),
    ListFindings: list<ListFindingsCommandInput, ListFindingsCommandOutput, WorldFinding>('findings', {
      items: 'findings',
      token: 'nextToken',
      maxResults: 'maxResults',
      awsMax: 1000,
      filter: (finding, input, context) => analyzerArn(finding.analyzer, context) === input.analyzerArn,
    }),
  },
  // An account analyzer in four regions of five; a public finding on a tenth of the generated buckets.
  generate: ({ accountId, region, size, sections }) => {
    const random = ownRandom({ accountId, region }, 'accessanalyzer');
    if (!size || random() < 0.2) return {};
    const hex = (length: number) => Array.from({ length }, () => Math.floor(random() * 16).toString(16)).join('');
    const buckets = s3BucketNames(sections.s3).filter((_, index) => index % 10 === 0);
    const findings: WorldFinding[] = buckets.map((bucket) => ({
      analyzer: 'account-analyzer',
      id: `${hex(8)}-${hex(4)}-4${hex(3)}-8${hex(3)}-${hex(12)}`,
      resource: `arn:aws:s3:::${bucket}`,
      resourceType: 'AWS::S3::Bucket',
      principal: { AWS: '*' },
      action: ['s3:GetObject'],
      isPublic: true,
      status: 'ACTIVE',
      resourceOwnerAccount: accountId,
      condition: {},
      createdAt: '2025-01-01T00:00:00Z',
      analyzedAt: '2025-01-01T00:00:00Z',
      updatedAt: '2025-01-01T00:00:00Z',
    }));
    return { analyzers: [{ name: 'account-analyzer', type: 'ACCOUNT', status: 'ACTIVE', createdAt: '2024-01-01T00:00:00Z' }], findings };
  },
});
