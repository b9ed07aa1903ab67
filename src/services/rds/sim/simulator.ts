import type {
  DBCluster,
  DBClusterSnapshot,
  DBInstance,
  DBSnapshot,
  DescribeDBClustersMessage,
  DescribeDBClusterSnapshotAttributesCommandInput,
  DescribeDBClusterSnapshotAttributesCommandOutput,
  DescribeDBClusterSnapshotsCommandOutput,
  DescribeDBClusterSnapshotsMessage,
  DescribeDBClustersCommandOutput,
  DescribeDBInstancesCommandOutput,
  DescribeDBInstancesMessage,
  DescribeDBSnapshotAttributesCommandInput,
  DescribeDBSnapshotAttributesCommandOutput,
  DescribeDBSnapshotsCommandOutput,
  DescribeDBSnapshotsMessage,
} from '@aws-sdk/client-rds';
import { collection, custom, defineSimulatedService, list } from '../../../sim/service-kit';
import type { SimCallContext } from '../../../sim/types';
import { generateRdsSection } from './generate';

/** An SDK shape whose date fields the world writes as ISO strings. */
type Dated<T, K extends keyof T> = Omit<T, K> & { [P in K]?: string };

/** World records are the SDK's own shapes; snapshots add who may restore them (`SharedWith`, world only). */
export type WorldDbInstance = Dated<DBInstance, 'InstanceCreateTime'>;
export type WorldDbCluster = Dated<DBCluster, 'ClusterCreateTime'>;
export type WorldDbSnapshot = Dated<DBSnapshot, 'SnapshotCreateTime'> & { SharedWith?: string[] };
export type WorldDbClusterSnapshot = Dated<DBClusterSnapshot, 'SnapshotCreateTime'> & { SharedWith?: string[] };

export interface WorldRds {
  dbInstances?: WorldDbInstance[];
  dbClusters?: WorldDbCluster[];
  dbSnapshots?: WorldDbSnapshot[];
  dbClusterSnapshots?: WorldDbClusterSnapshot[];
}

const arn = (kind: string, id: unknown, context: SimCallContext) => `arn:aws:rds:${context.region}:${context.account.id}:${kind}:${String(id)}`;
/** RDS resource ids (`db-...`, `cluster-...`) are stable per resource: derived from the ARN. */
const resourceId = (prefix: string, text: string) =>
  `${prefix}-${Buffer.from(text)
    .toString('base64url')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(-26)
    .toUpperCase()}`;
const PAGE = { token: 'Marker', maxResults: 'MaxRecords', awsMax: 100 } as const;

const dbInstances = collection<WorldDbInstance>({
  id: 'DBInstanceIdentifier',
  required: ['Engine'],
  dates: ['InstanceCreateTime'],
  arn: (i, context) => arn('db', i.DBInstanceIdentifier, context),
  arnField: 'DBInstanceArn',
  derive: (i, context) => ({
    DbiResourceId: i.DbiResourceId ?? resourceId('db', arn('db', i.DBInstanceIdentifier, context)),
    DBInstanceStatus: i.DBInstanceStatus ?? 'available',
    Endpoint: i.Endpoint ?? {
      Address: `${i.DBInstanceIdentifier}.c9akciq32.${context.region}.rds.amazonaws.com`,
      Port: i.Engine?.includes('postgres') ? 5432 : 3306,
    },
  }),
  tags: (i) => Object.fromEntries((i.TagList ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
  notFound: { error: 'DBInstanceNotFound', message: (id) => `DBInstance ${id} not found.` },
});

const dbClusters = collection<WorldDbCluster>({
  id: 'DBClusterIdentifier',
  required: ['Engine'],
  dates: ['ClusterCreateTime'],
  arn: (c, context) => arn('cluster', c.DBClusterIdentifier, context),
  arnField: 'DBClusterArn',
  derive: (c, context) => ({
    DbClusterResourceId: c.DbClusterResourceId ?? resourceId('cluster', arn('cluster', c.DBClusterIdentifier, context)),
    Status: c.Status ?? 'available',
    Endpoint: c.Endpoint ?? `${c.DBClusterIdentifier}.cluster-c9akciq32.${context.region}.rds.amazonaws.com`,
  }),
  tags: (c) => Object.fromEntries((c.TagList ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
  notFound: { error: 'DBClusterNotFoundFault', message: (id) => `DBCluster ${id} not found.` },
});

const dbSnapshots = collection<WorldDbSnapshot>({
  id: 'DBSnapshotIdentifier',
  dates: ['SnapshotCreateTime'],
  worldOnly: ['SharedWith'],
  arn: (s, context) => arn('snapshot', s.DBSnapshotIdentifier, context),
  arnField: 'DBSnapshotArn',
  derive: (s) => ({ Status: s.Status ?? 'available', SnapshotType: s.SnapshotType ?? 'manual' }),
  tags: (s) => Object.fromEntries((s.TagList ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
  notFound: { error: 'DBSnapshotNotFound', message: (id) => `DBSnapshot ${id} not found.` },
});

const dbClusterSnapshots = collection<WorldDbClusterSnapshot>({
  id: 'DBClusterSnapshotIdentifier',
  dates: ['SnapshotCreateTime'],
  worldOnly: ['SharedWith'],
  arn: (s, context) => arn('cluster-snapshot', s.DBClusterSnapshotIdentifier, context),
  arnField: 'DBClusterSnapshotArn',
  derive: (s) => ({ Status: s.Status ?? 'available', SnapshotType: s.SnapshotType ?? 'manual' }),
  tags: (s) => Object.fromEntries((s.TagList ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
  notFound: { error: 'DBClusterSnapshotNotFoundFault', message: (id) => `DBClusterSnapshot ${id} not found.` },
});

/** The `restore` attribute: who may restore the snapshot (AWS always returns the attribute, empty when private). */
const restoreAttribute = (sharedWith: string[] | undefined) => [{ AttributeName: 'restore', AttributeValues: sharedWith ?? [] }];

export const rdsSimulator = defineSimulatedService({
  service: 'rds',
  clientName: 'RDSClient',
  scope: 'regional',
  collections: { dbInstances, dbClusters, dbSnapshots, dbClusterSnapshots },
  errors: { throttling: 'Throttling', invalidToken: 'InvalidParameterValue' },
  operations: {
    DescribeDBInstances: list<DescribeDBInstancesMessage, DescribeDBInstancesCommandOutput>('dbInstances', { items: 'DBInstances', ...PAGE }),
    DescribeDBClusters: list<DescribeDBClustersMessage, DescribeDBClustersCommandOutput>('dbClusters', { items: 'DBClusters', ...PAGE }),
    // Without IncludeShared/IncludePublic, RDS lists the account's own manual and automated snapshots.
    DescribeDBSnapshots: list<DescribeDBSnapshotsMessage, DescribeDBSnapshotsCommandOutput>('dbSnapshots', { items: 'DBSnapshots', ...PAGE }),
    DescribeDBClusterSnapshots: list<DescribeDBClusterSnapshotsMessage, DescribeDBClusterSnapshotsCommandOutput>('dbClusterSnapshots', {
      items: 'DBClusterSnapshots',
      ...PAGE,
    }),
    DescribeDBSnapshotAttributes: custom<DescribeDBSnapshotAttributesCommandInput, DescribeDBSnapshotAttributesCommandOutput>((input, context, kit) => {
      const snapshot = kit.find('dbSnapshots', input.DBSnapshotIdentifier, context) as WorldDbSnapshot;
      return {
        DBSnapshotAttributesResult: { DBSnapshotIdentifier: snapshot.DBSnapshotIdentifier, DBSnapshotAttributes: restoreAttribute(snapshot.SharedWith) },
      };
    }),
    DescribeDBClusterSnapshotAttributes: custom<DescribeDBClusterSnapshotAttributesCommandInput, DescribeDBClusterSnapshotAttributesCommandOutput>(
      (input, context, kit) => {
        const snapshot = kit.find('dbClusterSnapshots', input.DBClusterSnapshotIdentifier, context) as WorldDbClusterSnapshot;
        return {
          DBClusterSnapshotAttributesResult: {
            DBClusterSnapshotIdentifier: snapshot.DBClusterSnapshotIdentifier,
            DBClusterSnapshotAttributes: restoreAttribute(snapshot.SharedWith),
          },
        };
      },
    ),
  },
  generate: generateRdsSection,
});
