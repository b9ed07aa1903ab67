/**
 * A snapshot store like one a user keeps: two runs of the demo organization, the second with KMS
 * denied in one account (errors, a stale scope) and a bucket deleted (a change). Compliance and
 * alert inputs are derived from it by J1QL, as the compliance and alert modules derive theirs.
 */
import * as path from 'node:path';
import { GraphIndex, runQuery } from '../../src/query';
import type { ReportInputs } from '../../src/report';
import { readSnapshot } from '../../src/snapshot/reader';
import { SnapshotStore } from '../../src/snapshot/store';
import type { IngestResult } from '../../src/ingest';
import { builtinWorld, simulate, temporaryDirectory } from '../helpers/simulate';

export const DENIED_ACCOUNT = '222222222222';

export interface DemoStore {
  directory: string;
  first: IngestResult;
  second: IngestResult;
  latest: string;
  retained: string[];
  deletedBucketKey: string;
}

interface BucketSection {
  buckets: Array<{ Name: string }>;
}

export async function demoStore(): Promise<DemoStore> {
  const directory = temporaryDirectory('orggraph-report-');
  const first = await simulate(builtinWorld(), { outputDir: directory });
  const world = builtinWorld();
  world.faults = [{ account: DENIED_ACCOUNT, service: 'kms', operation: 'ListKeys', error: 'AccessDenied' }];
  const management = world.accounts.find((account) => account.id === '111111111111');
  // Buckets are listed under the region they live in.
  const s3 = management?.regions?.['us-west-2']?.s3 as BucketSection | undefined;
  const removed = s3?.buckets.pop();
  if (!removed) throw new Error('the demo world has no bucket in the management account');
  // The second run must end after the first (snapshot names and trends are ordered by time).
  await new Promise((resolve) => setTimeout(resolve, 5));
  const second = await simulate(world, { outputDir: directory });
  const store = new SnapshotStore(directory);
  const latest = (await store.latest())?.absolutePath;
  if (!latest) throw new Error('no latest snapshot');
  return { directory, first, second, latest, retained: await store.list(), deletedBucketKey: `arn:aws:s3:::${removed.Name}` };
}

/** Keys of a RETURN TREE result's vertices and edges, or of a list's entities. */
function evidenceOf(index: GraphIndex, query: string): string[] {
  const result = runQuery(index, query);
  if (result.type === 'tree') return [...result.data.vertices.map((v) => v._key), ...result.data.edges.map((e) => e._key)];
  if (result.type === 'list') return result.data.map((entity) => entity._key);
  throw new Error(`unexpected ${result.type} result`);
}

export const SSH_FROM_INTERNET =
  'FIND aws_security_group THAT ALLOWS AS rule internet WHERE rule.ingress = true AND rule.fromPort <= 22 AND rule.toPort >= 22 RETURN TREE';

/** CIS-like controls and alerts computed on the snapshot by J1QL. */
export async function demoInputs(snapshotFile: string, deletedBucketKey: string): Promise<ReportInputs> {
  const index = GraphIndex.fromSnapshot(await readSnapshot(snapshotFile));
  const control = (id: string, title: string, query: string) => {
    const evidenceKeys = evidenceOf(index, query);
    return { id, title, status: evidenceKeys.length ? ('FAIL' as const) : ('PASS' as const), evidenceKeys };
  };
  const publicBuckets = evidenceOf(index, 'FIND aws_s3_bucket WITH public = true');
  return {
    compliance: [
      {
        framework: 'cis-aws-6.0',
        title: 'CIS AWS Foundations Benchmark v6.0',
        controls: [
          control('6.3', 'No security group allows ingress from 0.0.0.0/0 to remote server administration ports', SSH_FROM_INTERNET),
          control('1.10', 'MFA is enabled for every IAM user with a console password', 'FIND aws_iam_user WITH mfaEnabled = false AND passwordEnabled = true'),
          control('1.99', 'No policy grants full administrative privileges to a role outside the account', 'FIND aws_iam_role WITH _key = "none"'),
          { id: '4.1', title: 'CloudTrail is enabled in all regions', status: 'NOT_EVALUATED', reason: 'input not collected: cloudtrail', evidenceKeys: [] },
        ],
      },
    ],
    alerts: [
      { rule: 'aws-s3-bucket-public', title: 'Public S3 bucket', level: 'HIGH', state: 'NEW', evidenceKeys: publicBuckets },
      {
        rule: 'aws-sg-ssh-from-internet',
        title: 'SSH open to the Internet',
        level: 'CRITICAL',
        state: 'ONGOING',
        evidenceKeys: evidenceOf(index, SSH_FROM_INTERNET),
      },
      { rule: 'aws-s3-bucket-unencrypted', title: 'Unencrypted bucket', level: 'MEDIUM', state: 'RESOLVED', evidenceKeys: [deletedBucketKey] },
    ],
  };
}

export const ROOT = path.join(__dirname, '..', '..');
