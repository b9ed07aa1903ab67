import { EVERYONE, INTERNET } from '@jupiterone/data-model';
import { createEntity, createRelationship, type RawValue } from '../../src/graph/convert';
import type { Entity, Relationship, RelationshipVerb } from '../../src/graph/types';
import { GraphIndex } from '../../src/query';

/** The clock the tests evaluate `date.now` with. */
export const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);
const DAY = 86_400_000;

/**
 * A small AWS organization built by hand, so every query below has an answer worked out by reading
 * this file: two accounts, IAM users, groups, roles and policies with ALLOWS edges carrying
 * actions, a VPC with subnets, security groups whose rule edges carry ports, instances, volumes,
 * buckets (one public, one with public grants), and a few entities alert rules look for.
 */
export function buildGraph(): { entities: Entity[]; relationships: Relationship[]; index: GraphIndex } {
  const entities: Entity[] = [];
  const relationships: Relationship[] = [];
  const byName = new Map<string, Entity>();
  const entity = (
    id: string,
    type: string,
    classes: string | string[],
    name: string,
    properties: Record<string, RawValue> = {},
    tags?: Record<string, string>,
  ) => {
    const created = createEntity({ _key: `key:${type}:${id}`, _type: type, _class: classes, name, properties, tags });
    entities.push(created);
    byName.set(id, created);
    return created;
  };
  const edge = (from: string, verb: RelationshipVerb, to: string, properties?: Record<string, RawValue>, keySuffix?: string) => {
    const relationship = createRelationship({ from: byName.get(from) as Entity, verb, to: byName.get(to) as Entity, properties, keySuffix });
    relationships.push(relationship);
    return relationship;
  };

  // Accounts: the management account HAS the member.
  entity('mgmt', 'aws_account', 'Account', 'management', { accountId: '111111111111', mfaEnabled: true, master: true, AccountMFAEnabled: 1 });
  entity('dev', 'aws_account', 'Account', 'development', { accountId: '222222222222', mfaEnabled: false, master: false, AccountMFAEnabled: 0 });
  edge('mgmt', 'HAS', 'dev');

  // IAM users, groups, roles, policies.
  entity(
    'alice',
    'aws_iam_user',
    'User',
    'alice',
    { username: 'alice', mfaEnabled: true, passwordEnabled: true, createdOn: NOW - 400 * DAY, email: 'alice@example.com' },
    { Team: 'security' },
  );
  entity(
    'bob',
    'aws_iam_user',
    'User',
    'bob',
    { username: 'bob', mfaEnabled: false, passwordEnabled: true, createdOn: NOW - 30 * DAY, passwordLastUsed: NOW - 200 * DAY },
    { Team: 'platform' },
  );
  entity(
    'carol',
    'aws_iam_user',
    'User',
    'carol',
    { username: 'carol', mfaEnabled: false, passwordEnabled: false, accessKeyEnabled: true, createdOn: NOW - 5 * DAY },
    { Team: 'Platform-Ops' },
  );
  for (const user of ['alice', 'bob', 'carol']) edge('mgmt', 'HAS', user);
  entity('admins', 'aws_iam_group', 'UserGroup', 'admins', { groupName: 'admins' });
  entity('devs', 'aws_iam_group', 'UserGroup', 'devs', { groupName: 'devs' });
  edge('admins', 'HAS', 'alice');
  edge('devs', 'HAS', 'bob');
  edge('devs', 'HAS', 'carol');
  entity('deployer', 'aws_iam_role', 'AccessRole', 'ci-deploy', { roleName: 'ci-deploy', lastUsedOn: NOW - 2 * DAY });
  entity('auditor', 'aws_iam_role', 'AccessRole', 'auditor', { roleName: 'auditor' });
  entity('adminpolicy', 'aws_iam_policy', 'AccessPolicy', 'AdministratorAccess', { policyName: 'AdministratorAccess', vendorManaged: true, admin: true });
  entity('s3read', 'aws_iam_policy', 'AccessPolicy', 'S3ReadOnly', { policyName: 'S3ReadOnly', vendorManaged: true, admin: false });
  entity('deploypolicy', 'aws_iam_policy', 'AccessPolicy', 'DeployPolicy', { policyName: 'DeployPolicy', vendorManaged: false, admin: false });
  entity('inline', 'aws_iam_user_policy', 'AccessPolicy', 'carol-inline', { policyName: 'carol-inline' });
  edge('admins', 'ASSIGNED', 'adminpolicy');
  edge('devs', 'ASSIGNED', 's3read');
  edge('carol', 'ASSIGNED', 'adminpolicy');
  edge('carol', 'ASSIGNED', 'inline');
  edge('deployer', 'ASSIGNED', 'deploypolicy');
  edge('auditor', 'TRUSTS', 'mgmt');
  edge('deployer', 'TRUSTS', 'dev');

  // Network: a VPC with a public and a private subnet; the Internet and a private CIDR block.
  entity('vpc', 'aws_vpc', 'Network', 'main-vpc', { vpcId: 'vpc-1', CIDR: '10.0.0.0/16', public: false, internal: true, defaultVpc: false });
  entity('subnet-public', 'aws_subnet', 'Network', 'public-a', { subnetId: 'subnet-a', vpcId: 'vpc-1', public: true, internal: false, CIDR: '10.0.1.0/24' });
  entity('subnet-private', 'aws_subnet', 'Network', 'private-a', { subnetId: 'subnet-b', vpcId: 'vpc-1', public: false, internal: true, CIDR: '10.0.2.0/24' });
  edge('vpc', 'CONTAINS', 'subnet-public');
  edge('vpc', 'CONTAINS', 'subnet-private');
  const internet: Entity = { ...INTERNET, _class: [...INTERNET._class], name: 'Internet' } as Entity;
  entities.push(internet);
  byName.set('internet', internet);
  entity('corp', 'cidr_block', 'Network', '10.0.0.0/8', { CIDR: '10.0.0.0/8', public: false, internal: true, _source: 'system-mapper' });
  const everyone: Entity = { ...EVERYONE, _class: [...EVERYONE._class], name: 'Everyone' } as Entity;
  entities.push(everyone);
  byName.set('everyone', everyone);

  // Security groups and their rule edges (several edges between the same two entities).
  entity('sg-web', 'aws_security_group', 'Firewall', 'web', { groupId: 'sg-0web', vpcId: 'vpc-1', default: false, category: ['network'] });
  entity('sg-ssh', 'aws_security_group', 'Firewall', 'ssh-open', { groupId: 'sg-0ssh', vpcId: 'vpc-1', default: false, category: ['network'] });
  entity('sg-default', 'aws_security_group', 'Firewall', 'default', { groupId: 'sg-0def', vpcId: 'vpc-1', default: true, category: ['network'] });
  const rule = (ingress: boolean, ipProtocol: string, fromPort: number, toPort: number, ipRange: string) => ({
    ingress,
    egress: !ingress,
    ipProtocol,
    fromPort,
    toPort,
    portRange: `${fromPort}-${toPort}`,
    ipRange,
  });
  edge('sg-ssh', 'ALLOWS', 'internet', rule(true, 'tcp', 22, 22, '0.0.0.0/0'), 'in-tcp-22');
  edge('sg-web', 'ALLOWS', 'internet', rule(true, 'tcp', 443, 443, '0.0.0.0/0'), 'in-tcp-443');
  edge('sg-web', 'ALLOWS', 'internet', rule(false, '-1', 0, 65535, '0.0.0.0/0'), 'out-all');
  edge('sg-default', 'ALLOWS', 'corp', rule(true, 'tcp', 0, 65535, '10.0.0.0/8'), 'in-tcp-all');
  edge('vpc', 'CONTAINS', 'sg-web');

  // Instances, their volumes, subnets and security groups.
  entity(
    'web1',
    'aws_instance',
    'Host',
    'web-1',
    { instanceId: 'i-001', active: true, state: 'running', vpcId: 'vpc-1', region: 'us-east-1', createdOn: NOW - 90 * DAY },
    { Name: 'web-1', AccountName: 'prod' },
  );
  entity(
    'web2',
    'aws_instance',
    'Host',
    'web-2',
    { instanceId: 'i-002', active: true, state: 'running', vpcId: 'vpc-1', region: 'us-east-1', createdOn: NOW - 10 * DAY },
    { Name: 'web-2', AccountName: 'prod' },
  );
  entity(
    'batch',
    'aws_instance',
    'Host',
    'batch',
    { instanceId: 'i-003', active: false, state: 'stopped', vpcId: 'vpc-1', region: 'eu-west-1', createdOn: NOW - 700 * DAY },
    { AccountName: 'prod' },
  );
  entity('classic', 'aws_instance', 'Host', 'classic', { instanceId: 'i-004', active: true, state: 'running', region: 'us-east-1' }, { AccountName: 'dev' });
  entities[entities.length - 1]['tag.Production'] = false;
  (byName.get('web1') as Entity)['tag.Production'] = true;
  edge('subnet-public', 'HAS', 'web1');
  edge('subnet-public', 'HAS', 'web2');
  edge('subnet-private', 'HAS', 'batch');
  edge('sg-web', 'PROTECTS', 'web1');
  edge('sg-web', 'PROTECTS', 'web2');
  edge('sg-default', 'PROTECTS', 'web1');
  edge('sg-ssh', 'PROTECTS', 'batch');
  entity('vol1', 'aws_ebs_volume', ['DataStore', 'Disk'], 'vol-1', { volumeId: 'vol-001', encrypted: true, size: 8, classification: null });
  entity('vol2', 'aws_ebs_volume', ['DataStore', 'Disk'], 'vol-2', { volumeId: 'vol-002', encrypted: false, size: 100, classification: 'critical' });
  entity('vol3', 'aws_ebs_volume', ['DataStore', 'Disk'], 'vol-3', { volumeId: 'vol-003', encrypted: false, size: 20, classification: null });
  entity('vol4', 'aws_ebs_volume', ['DataStore', 'Disk'], 'vol-4', { volumeId: 'vol-004', encrypted: 'false', size: 50, classification: null });
  edge('web1', 'USES', 'vol1');
  edge('web2', 'USES', 'vol2');
  edge('batch', 'USES', 'vol3');
  edge('web1', 'USES', 'deployer');
  entity('finding1', 'aws_inspector_finding', 'Finding', 'CVE-2024-0001 on web-1', {
    severity: 'High',
    numericSeverity: 8,
    open: true,
    category: 'vulnerability',
  });
  entity('finding2', 'aws_inspector_finding', 'Finding', 'weak TLS on batch', { severity: 'Low', numericSeverity: 2, open: true, category: 'vulnerability' });
  edge('web1', 'HAS', 'finding1');
  edge('batch', 'HAS', 'finding2');

  // Buckets: one public website, one with public grants, two private ones.
  entity(
    'logs',
    'aws_s3_bucket',
    'DataStore',
    'org-logs',
    {
      bucketName: 'org-logs',
      public: false,
      encrypted: true,
      defaultEncryptionEnabled: true,
      classification: 'internal',
      loggingEnabled: false,
      versioningEnabled: true,
      mfaDelete: true,
      replicationEnabled: true,
      destinationBuckets: ['org-logs-replica'],
    },
    { 'cost-center': 'cc-100' },
  );
  entity(
    'site',
    'aws_s3_bucket',
    'DataStore',
    'www-site',
    {
      bucketName: 'www-site',
      public: true,
      encrypted: false,
      defaultEncryptionEnabled: false,
      classification: 'public',
      loggingEnabled: true,
      versioningEnabled: false,
    },
    { 'cost-center': 'cc-200' },
  );
  entity('artifacts', 'aws_s3_bucket', 'DataStore', 'ci-artifacts', {
    bucketName: 'ci-artifacts',
    public: false,
    encrypted: true,
    defaultEncryptionEnabled: true,
    classification: 'critical',
    loggingEnabled: true,
    versioningEnabled: true,
    mfaDelete: false,
    replicationEnabled: false,
    destinationBuckets: [],
  });
  entity('dropbox', 'aws_s3_bucket', 'DataStore', 'upload-dropbox', {
    bucketName: 'upload-dropbox',
    public: true,
    encrypted: true,
    defaultEncryptionEnabled: true,
    loggingEnabled: true,
    versioningEnabled: true,
    mfaDelete: true,
  });
  edge('site', 'ALLOWS', 'everyone', { permission: 'READ' }, 'acl-read');
  edge('dropbox', 'ALLOWS', 'everyone', { permission: 'WRITE' }, 'acl-write');
  edge('dropbox', 'ALLOWS', 'everyone', { permission: 'READ_ACP' }, 'acl-read-acp');
  edge('s3read', 'ALLOWS', 'logs', { actions: ['s3:GetObject', 's3:ListBucket'], normalizedActions: ['s3:getobject', 's3:listbucket'], admin: false }, 'read');
  edge('deploypolicy', 'ALLOWS', 'artifacts', { actions: ['s3:PutObject'], normalizedActions: ['s3:putobject'], admin: false }, 'put');
  edge('adminpolicy', 'ALLOWS', 'mgmt', { actions: ['*'], normalizedActions: ['*'], admin: true }, 'all');

  // What alert rules look for.
  entity('cert-soon', 'aws_acm_certificate', 'Certificate', 'shop.example.com', { domainName: 'shop.example.com', expiresOn: NOW + 10 * DAY, inUse: true });
  entity('cert-later', 'aws_acm_certificate', 'Certificate', 'api.example.com', { domainName: 'api.example.com', expiresOn: NOW + 200 * DAY, inUse: true });
  entity('pwpolicy', 'aws_iam_account_password_policy', 'PasswordPolicy', 'password-policy', {
    minLength: 8,
    requireUppercase: true,
    requireLowercase: true,
    requireSymbols: false,
    requireNumbers: true,
    maxAgeDays: 90,
    historyCount: 24,
  });
  entity('legacy-fn', 'aws_lambda_function', 'Function', 'legacy', { runtime: 'nodejs6.10' });
  entity('modern-fn', 'aws_lambda_function', 'Function', 'modern', { runtime: 'nodejs20.x' });
  entity('db', 'aws_db_instance', ['Database', 'DataStore', 'Host'], 'orders-db', {
    public: true,
    encrypted: false,
    classification: 'confidential',
    BackupRetentionPeriod: 7,
  });
  entity('cluster', 'aws_rds_cluster', ['Database', 'DataStore', 'Cluster'], 'reports', { public: false, encrypted: true, classification: 'sensitive' });
  entity('config-rule', 'aws_config_rule', 'ControlPolicy', 's3-logging', { complianceState: 'NON_COMPLIANT' });
  entity('config-ok', 'aws_config_rule', 'ControlPolicy', 'ebs-encryption', { complianceState: 'COMPLIANT' });

  return { entities, relationships, index: new GraphIndex(entities, relationships) };
}

/** Display names of list results, to assert answers compactly. */
export function names(result: { type: string; data: unknown }): string[] {
  if (result.type !== 'list') throw new Error(`expected a list result, got ${result.type}`);
  return (result.data as Entity[]).map((entity) => entity.displayName);
}
