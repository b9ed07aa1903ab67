import type { Cluster } from '@aws-sdk/client-eks';
import test from 'ava';
import { clusterSecurityGroupIds, convertEksCluster } from '../../src/services/eks/converters';
import { builtinWorld, graphIssues, simulate } from '../helpers/simulate';

const scope = { accountId: '012345678910', region: 'us-west-2' };

// Shape of the EKS API Reference's DescribeCluster example.
const described: Cluster = {
  name: 'devel',
  arn: 'arn:aws:eks:us-west-2:012345678910:cluster/devel',
  createdAt: new Date(1527807879.988 * 1000),
  version: '1.10',
  endpoint: 'https://A0DCCD80A04F01705DD065655C30CC3D.yl4.us-west-2.eks.amazonaws.com',
  roleArn: 'arn:aws:iam::012345678910:role/eks-service-role-AWSServiceRoleForAmazonEKS-J7ONKE3BQ4PI',
  resourcesVpcConfig: {
    subnetIds: ['subnet-6782e71e', 'subnet-e7e761ac'],
    securityGroupIds: ['sg-6979fe18'],
    clusterSecurityGroupId: 'sg-0a1b2c3d4e5f60718',
    vpcId: 'vpc-950809ec',
    endpointPublicAccess: true,
    endpointPrivateAccess: false,
    publicAccessCidrs: ['0.0.0.0/0'],
  },
  logging: {
    clusterLogging: [
      { types: ['api', 'audit'], enabled: true },
      { types: ['scheduler'], enabled: false },
    ],
  },
  status: 'ACTIVE',
  certificateAuthority: { data: 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t' },
  platformVersion: 'eks.1',
  tags: { team: 'dev' },
};

test('convertEksCluster: vpcEndpointPublicAccess, public when open to the Internet, logging, tags, epoch dates', (t) => {
  const cluster = convertEksCluster(described, scope);
  t.deepEqual(cluster._class, ['Cluster']);
  t.like(cluster, {
    _key: 'arn:aws:eks:us-west-2:012345678910:cluster/devel',
    vpcEndpointPublicAccess: true,
    vpcEndpointPrivateAccess: false,
    public: true,
    loggingEnabled: true,
    secretsEncrypted: false,
    vpcId: 'vpc-950809ec',
    createdOn: 1527807879988,
    'tag.team': 'dev',
  });
  t.deepEqual(cluster.enabledLogTypes, ['api', 'audit']);
  t.false(JSON.stringify(cluster).includes('LS0tLS1CRUdJTi'), 'the certificate authority is not stored');
  const restricted = convertEksCluster({ ...described, resourcesVpcConfig: { ...described.resourcesVpcConfig, publicAccessCidrs: ['203.0.113.0/24'] } }, scope);
  t.like(restricted, { vpcEndpointPublicAccess: true, public: false });
  t.deepEqual(clusterSecurityGroupIds(described), ['sg-0a1b2c3d4e5f60718', 'sg-6979fe18']);
});

test('the simulated organization yields EKS clusters with their security groups', async (t) => {
  const world = builtinWorld();
  world.behaviour = { ...world.behaviour, pageSize: 1 };
  const { graph, summary } = await simulate(world);
  const prod = graph.getEntity('arn:aws:eks:us-east-1:222222222222:cluster/orders-k8s');
  t.like(prod, { vpcEndpointPublicAccess: false, public: false, secretsEncrypted: true, loggingEnabled: true });
  t.like(graph.getEntity('arn:aws:eks:us-west-2:333333333333:cluster/staging-k8s'), { vpcEndpointPublicAccess: true, public: true, loggingEnabled: false });
  const edges = new Set([...graph.allRelationships()].map((r) => `${r._fromEntityKey} ${r._class} ${r._toEntityKey}`));
  t.true(edges.has('aws:222222222222:service:eks HAS arn:aws:eks:us-east-1:222222222222:cluster/orders-k8s'));
  for (const group of ['sg-02221000000000101', 'sg-02221000000000102'])
    t.true(edges.has(`arn:aws:eks:us-east-1:222222222222:cluster/orders-k8s HAS arn:aws:ec2:us-east-1:222222222222:security-group/${group}`));
  t.not(graph.getEntity('arn:aws:ec2:us-east-1:222222222222:security-group/sg-02221000000000102')?._source, 'system-mapper');
  t.deepEqual(summary.errors, []);
  t.deepEqual(graphIssues(graph), []);
});
