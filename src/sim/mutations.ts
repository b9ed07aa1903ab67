/**
 * Changes to the simulated organization, each made the way a write call would make it and
 * reported as the CloudTrail record that call leaves (src/sim/cloudtrail.ts): security groups and
 * instances, KMS keys, S3 buckets, IAM roles. `orggraph watch --simulate` and the incremental
 * tests drive the world with them, from a seed, so a sequence repeats exactly.
 *
 * Sections are replaced, never edited where a simulator may have indexed them (EC2 and IAM build
 * a model per section object; the toolkit indexes record arrays).
 */
import { seededRandom } from './random';
import type { SimulatedApiCall } from './cloudtrail';
import type { World, WorldAccount } from './types';
import type { PolicyDocument } from '../policy/document';
import type { WorldIam, WorldIamRole } from '../services/iam/sim/simulator';
import type { WorldS3 } from '../services/s3/sim/simulator';
import type { WorldEc2, WorldIpPermission } from '../services/ec2/sim/world';

interface Key {
  id: string;
  description?: string;
  manager?: string;
  state?: string;
  spec?: string;
  rotation?: boolean;
  createdAt?: string;
  aliases?: string[];
  tags?: Record<string, string>;
}

/** The kinds of change, for counts and choices. */
export type MutationKind =
  | 'ec2:authorize-ingress'
  | 'ec2:revoke-ingress'
  | 'ec2:create-group'
  | 'ec2:delete-group'
  | 'ec2:run-instance'
  | 'ec2:terminate-instance'
  | 'kms:create-key'
  | 'kms:rotation'
  | 'kms:tag-key'
  | 'kms:schedule-deletion'
  | 'kms:cancel-deletion'
  | 'kms:create-alias'
  | 's3:create-bucket'
  | 's3:delete-bucket'
  | 's3:put-policy'
  | 's3:delete-policy'
  | 's3:versioning'
  | 's3:tagging'
  | 'iam:create-role'
  | 'iam:attach-policy'
  | 'iam:delete-role';

export const MUTATION_KINDS: readonly MutationKind[] = [
  'ec2:authorize-ingress',
  'ec2:revoke-ingress',
  'ec2:create-group',
  'ec2:delete-group',
  'ec2:run-instance',
  'ec2:terminate-instance',
  'kms:create-key',
  'kms:rotation',
  'kms:tag-key',
  'kms:schedule-deletion',
  'kms:cancel-deletion',
  'kms:create-alias',
  's3:create-bucket',
  's3:delete-bucket',
  's3:put-policy',
  's3:delete-policy',
  's3:versioning',
  's3:tagging',
  'iam:create-role',
  'iam:attach-policy',
  'iam:delete-role',
];

const PORTS = [22, 80, 443, 3389, 5432, 6379];
const CIDRS = ['0.0.0.0/0', '10.0.0.0/8', '192.168.10.0/24', '203.0.113.0/24'];
const MANAGED = ['SecurityAudit', 'ReadOnlyAccess', 'AmazonS3ReadOnlyAccess'];

/** A mutation applied: its kind and the CloudTrail records of the calls that made it. */
export interface AppliedMutation {
  kind: MutationKind;
  calls: SimulatedApiCall[];
}

/**
 * A simulated organization that changes: each `mutate()` picks a change that applies now (a
 * seeded choice), makes it in the world and returns the calls' CloudTrail records.
 */
export class WorldMutator {
  private readonly random: () => number;
  private counter = 0;
  /** Resources the mutator created (only those are deleted: the demo's own are referenced elsewhere). */
  private readonly created = { groups: new Set<string>(), instances: new Set<string>(), buckets: new Set<string>(), roles: new Set<string>() };

  constructor(
    readonly world: World,
    options: { seed?: number; now?: () => number; kinds?: readonly MutationKind[] } = {},
  ) {
    this.random = seededRandom(options.seed ?? 1);
    this.now = options.now ?? (() => Date.parse('2026-12-06T12:00:00Z') + this.counter * 1000);
    this.kinds = options.kinds ?? MUTATION_KINDS;
  }

  private readonly now: () => number;
  private readonly kinds: readonly MutationKind[];

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  private hex(width: number): string {
    return (this.counter.toString(16) + Math.floor(this.random() * 0xffffff).toString(16)).padStart(width, '0').slice(-width);
  }

  private call(
    account: string,
    region: string,
    eventSource: string,
    eventName: string,
    request: Record<string, unknown> | null,
    response: Record<string, unknown> | null,
  ): SimulatedApiCall {
    const sequence = String(this.counter).padStart(6, '0');
    const callNumber = this.hex(6);
    return {
      account,
      region,
      eventSource,
      eventName,
      requestParameters: request,
      responseElements: response,
      time: this.now(),
      id: `0c7a1e00-${sequence.slice(0, 4)}-4${sequence.slice(4)}a-8000-${callNumber.padStart(12, '0')}`,
    };
  }

  /** Regional sections of a service, with their account and region. */
  private regional<T>(service: string): Array<{ account: WorldAccount; region: string; section: T }> {
    return this.world.accounts.flatMap((account) =>
      Object.entries(account.regions ?? {}).flatMap(([region, sections]) => (sections[service] ? [{ account, region, section: sections[service] as T }] : [])),
    );
  }

  private replaceRegional(account: WorldAccount, region: string, service: string, section: unknown): void {
    account.regions![region]![service] = section;
  }

  /** Applies one change; undefined when none of the allowed kinds applies to the world. */
  mutate(): AppliedMutation | undefined {
    for (let attempt = 0; attempt < 50; attempt++) {
      const kind = this.pick(this.kinds);
      this.counter++;
      const calls = this.apply(kind);
      if (calls) return { kind, calls };
    }
    return undefined;
  }

  private apply(kind: MutationKind): SimulatedApiCall[] | undefined {
    const [service] = kind.split(':') as [string];
    if (service === 'ec2') return this.ec2(kind);
    if (service === 'kms') return this.kms(kind);
    if (service === 's3') return this.s3(kind);
    return this.iam(kind);
  }

  private ec2(kind: MutationKind): SimulatedApiCall[] | undefined {
    const places = this.regional<WorldEc2>('ec2').filter(({ section }) => section.securityGroups?.length);
    if (!places.length) return undefined;
    const { account, region, section } = this.pick(places);
    const groups = section.securityGroups!.map((group) => ({ ...group }));
    const source = 'ec2.amazonaws.com';
    const permission = (rule: WorldIpPermission) => ({
      items: [
        {
          ipProtocol: rule.IpProtocol,
          fromPort: rule.FromPort,
          toPort: rule.ToPort,
          groups: {},
          ipRanges: { items: (rule.IpRanges ?? []).map(({ CidrIp }) => ({ cidrIp: CidrIp })) },
          ipv6Ranges: {},
          prefixListIds: {},
        },
      ],
    });
    const commit = (changes: Record<string, unknown>) => this.replaceRegional(account, region, 'ec2', { ...section, securityGroups: groups, ...changes });
    switch (kind) {
      case 'ec2:authorize-ingress': {
        const group = this.pick(groups);
        const port = this.pick(PORTS);
        const cidr = this.pick(CIDRS);
        const rule = { IpProtocol: 'tcp', FromPort: port, ToPort: port, IpRanges: [{ CidrIp: cidr }] };
        const same = (existing: WorldIpPermission) =>
          existing.IpProtocol === 'tcp' && existing.FromPort === port && existing.ToPort === port && existing.IpRanges?.[0]?.CidrIp === cidr;
        if ((group.IpPermissions ?? []).some(same)) return undefined;
        group.IpPermissions = [...(group.IpPermissions ?? []), rule];
        commit({});
        const ruleId = `sgr-${this.hex(17)}`;
        return [
          this.call(
            account.id,
            region,
            source,
            'AuthorizeSecurityGroupIngress',
            { groupId: group.GroupId, ipPermissions: permission(rule) },
            {
              requestId: `r-${this.counter}`,
              _return: true,
              securityGroupRuleSet: {
                items: [
                  {
                    groupOwnerId: account.id,
                    groupId: group.GroupId,
                    securityGroupRuleId: ruleId,
                    isEgress: false,
                    ipProtocol: 'tcp',
                    fromPort: port,
                    toPort: port,
                    cidrIpv4: cidr,
                  },
                ],
              },
            },
          ),
        ];
      }
      case 'ec2:revoke-ingress': {
        // A TCP/UDP rule with ports and addresses (not one naming other groups).
        const revocable = (rule: WorldIpPermission) =>
          rule.IpRanges?.length && rule.FromPort !== undefined && (rule.IpProtocol === 'tcp' || rule.IpProtocol === 'udp') && !rule.UserIdGroupPairs;
        const candidates = groups.filter((group) => (group.IpPermissions ?? []).some(revocable));
        if (!candidates.length) return undefined;
        const group = this.pick(candidates);
        const rule = this.pick(group.IpPermissions!.filter(revocable));
        group.IpPermissions = group.IpPermissions!.filter((each) => each !== rule);
        commit({});
        return [
          this.call(
            account.id,
            region,
            source,
            'RevokeSecurityGroupIngress',
            { groupId: group.GroupId, ipPermissions: permission(rule) },
            { requestId: `r-${this.counter}`, _return: true },
          ),
        ];
      }
      case 'ec2:create-group': {
        const vpc = this.pick(groups).VpcId;
        const id = `sg-0${this.hex(16)}`;
        const name = `mutation-${this.counter}`;
        groups.push({ GroupId: id, GroupName: name, VpcId: vpc, Description: 'created by a simulated change', IpPermissions: [] });
        this.created.groups.add(id);
        commit({});
        return [
          this.call(
            account.id,
            region,
            source,
            'CreateSecurityGroup',
            { groupName: name, groupDescription: 'created by a simulated change', vpcId: vpc },
            { requestId: `r-${this.counter}`, _return: true, groupId: id, securityGroupArn: `arn:aws:ec2:${region}:${account.id}:security-group/${id}` },
          ),
        ];
      }
      case 'ec2:delete-group': {
        const used = new Set((section.instances ?? []).flatMap((instance) => (instance.SecurityGroups ?? []).map(({ GroupId }) => GroupId)));
        const candidates = groups.filter((group) => this.created.groups.has(group.GroupId) && !used.has(group.GroupId));
        if (!candidates.length) return undefined;
        const group = this.pick(candidates);
        this.created.groups.delete(group.GroupId);
        commit({ securityGroups: groups.filter((each) => each !== group) });
        return [this.call(account.id, region, source, 'DeleteSecurityGroup', { groupId: group.GroupId }, { requestId: `r-${this.counter}`, _return: true })];
      }
      case 'ec2:run-instance': {
        const model = (section.instances ?? []).find((instance) => instance.SubnetId && instance.SecurityGroups?.length);
        if (!model) return undefined;
        const id = `i-0${this.hex(16)}`;
        const groupIds = model.SecurityGroups!.map(({ GroupId }) => GroupId);
        const instance = {
          InstanceId: id,
          InstanceType: 't3.small',
          SubnetId: model.SubnetId,
          SecurityGroups: groupIds.map((GroupId) => ({ GroupId })),
          LaunchTime: new Date(this.now()).toISOString(),
        };
        this.created.instances.add(id);
        commit({ instances: [...(section.instances ?? []), instance] });
        return [
          this.call(
            account.id,
            region,
            source,
            'RunInstances',
            {
              instancesSet: { items: [{ minCount: 1, maxCount: 1 }] },
              instanceType: 't3.small',
              subnetId: model.SubnetId,
              groupSet: { items: groupIds.map((groupId) => ({ groupId })) },
            },
            {
              requestId: `r-${this.counter}`,
              reservationId: `r-0${this.hex(16)}`,
              ownerId: account.id,
              instancesSet: { items: [{ instanceId: id, instanceType: 't3.small', subnetId: model.SubnetId, instanceState: { code: 0, name: 'pending' } }] },
            },
          ),
        ];
      }
      case 'ec2:terminate-instance': {
        const candidates = (section.instances ?? []).filter((instance) => this.created.instances.has(instance.InstanceId));
        if (!candidates.length) return undefined;
        const instance = this.pick(candidates);
        this.created.instances.delete(instance.InstanceId);
        commit({ instances: section.instances!.filter((each) => each !== instance) });
        return [
          this.call(
            account.id,
            region,
            source,
            'TerminateInstances',
            { instancesSet: { items: [{ instanceId: instance.InstanceId }] } },
            {
              requestId: `r-${this.counter}`,
              instancesSet: {
                items: [{ instanceId: instance.InstanceId, currentState: { code: 32, name: 'shutting-down' }, previousState: { code: 16, name: 'running' } }],
              },
            },
          ),
        ];
      }
      default:
        return undefined;
    }
  }

  private kms(kind: MutationKind): SimulatedApiCall[] | undefined {
    const places = this.regional<{ keys?: Key[] }>('kms');
    if (!places.length) return undefined;
    const { account, region, section } = this.pick(places);
    const keys = (section.keys ?? []).map((key) => ({ ...key }));
    const source = 'kms.amazonaws.com';
    const arn = (key: Key) => `arn:aws:kms:${region}:${account.id}:key/${key.id}`;
    const commit = () => this.replaceRegional(account, region, 'kms', { ...section, keys });
    const customer = keys.filter((key) => (key.manager ?? 'CUSTOMER') === 'CUSTOMER');
    const usable = customer.filter((key) => (key.state ?? 'Enabled') === 'Enabled' && (key.spec ?? 'SYMMETRIC_DEFAULT') === 'SYMMETRIC_DEFAULT');
    switch (kind) {
      case 'kms:create-key': {
        const id = `0a1b2c3d-${this.hex(4)}-4aaa-8bbb-${this.hex(12)}`;
        const createdAt = new Date(this.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
        const key: Key = { id, description: `created by change ${this.counter}`, createdAt, rotation: false };
        keys.push(key);
        commit();
        return [
          this.call(
            account.id,
            region,
            source,
            'CreateKey',
            { description: key.description, keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT' },
            {
              keyMetadata: {
                AWSAccountId: account.id,
                keyId: id,
                arn: arn(key),
                creationDate: createdAt,
                enabled: true,
                description: key.description,
                keyUsage: 'ENCRYPT_DECRYPT',
                keyState: 'Enabled',
                origin: 'AWS_KMS',
                keyManager: 'CUSTOMER',
                customerMasterKeySpec: 'SYMMETRIC_DEFAULT',
                keySpec: 'SYMMETRIC_DEFAULT',
                encryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
                multiRegion: false,
              },
            },
          ),
        ];
      }
      case 'kms:rotation': {
        if (!usable.length) return undefined;
        const key = this.pick(usable);
        key.rotation = !key.rotation;
        commit();
        return [this.call(account.id, region, source, key.rotation ? 'EnableKeyRotation' : 'DisableKeyRotation', { keyId: key.id }, null)];
      }
      case 'kms:tag-key': {
        if (!customer.length) return undefined;
        const key = this.pick(customer);
        const value = `team-${Math.floor(this.random() * 5)}`;
        key.tags = { ...key.tags, owner: value };
        commit();
        return [this.call(account.id, region, source, 'TagResource', { keyId: arn(key), tags: [{ tagKey: 'owner', tagValue: value }] }, null)];
      }
      case 'kms:schedule-deletion': {
        if (!usable.length) return undefined;
        const key = this.pick(usable);
        key.state = 'PendingDeletion';
        commit();
        return [
          this.call(
            account.id,
            region,
            source,
            'ScheduleKeyDeletion',
            { keyId: key.id, pendingWindowInDays: 7 },
            { keyId: arn(key), deletionDate: new Date(this.now() + 7 * 86_400_000).toISOString(), keyState: 'PendingDeletion', pendingWindowInDays: 7 },
          ),
        ];
      }
      case 'kms:cancel-deletion': {
        const pending = customer.filter((key) => key.state === 'PendingDeletion');
        if (!pending.length) return undefined;
        const key = this.pick(pending);
        // A cancelled deletion leaves the key disabled, as KMS does.
        key.state = 'Disabled';
        commit();
        return [this.call(account.id, region, source, 'CancelKeyDeletion', { keyId: key.id }, { keyId: arn(key) })];
      }
      case 'kms:create-alias': {
        if (!usable.length) return undefined;
        const key = this.pick(usable);
        const alias = `alias/change-${this.counter}`;
        key.aliases = [...(key.aliases ?? []), alias];
        commit();
        return [this.call(account.id, region, source, 'CreateAlias', { aliasName: alias, targetKeyId: key.id }, null)];
      }
      default:
        return undefined;
    }
  }

  private s3(kind: MutationKind): SimulatedApiCall[] | undefined {
    const places = this.regional<WorldS3>('s3');
    if (!places.length) return undefined;
    const { account, region, section } = this.pick(places);
    const buckets = (section.buckets ?? []).map((bucket) => ({ ...bucket }));
    const source = 's3.amazonaws.com';
    const commit = (list = buckets) => this.replaceRegional(account, region, 's3', { ...section, buckets: list });
    const host = (name: string) => `${name}.s3.${region}.amazonaws.com`;
    switch (kind) {
      case 's3:create-bucket': {
        const name = `acme-change-${this.counter}-${account.id}`;
        buckets.push({
          Name: name,
          CreationDate: new Date(this.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
          PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
        });
        this.created.buckets.add(name);
        commit();
        return [
          this.call(
            account.id,
            region,
            source,
            'CreateBucket',
            {
              bucketName: name,
              Host: `s3.${region}.amazonaws.com`,
              ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region } }),
            },
            null,
          ),
        ];
      }
      case 's3:delete-bucket': {
        const candidates = buckets.filter((bucket) => this.created.buckets.has(bucket.Name));
        if (!candidates.length) return undefined;
        const bucket = this.pick(candidates);
        this.created.buckets.delete(bucket.Name);
        commit(buckets.filter((each) => each !== bucket));
        return [this.call(account.id, region, source, 'DeleteBucket', { bucketName: bucket.Name, Host: host(bucket.Name) }, null)];
      }
      case 's3:put-policy': {
        if (!buckets.length) return undefined;
        const bucket = this.pick(buckets);
        const resource = `arn:aws:s3:::${bucket.Name}`;
        const policy: PolicyDocument =
          this.random() < 0.5
            ? {
                Version: '2012-10-17',
                Statement: [{ Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `${resource}/*` }],
              }
            : {
                Version: '2012-10-17',
                Statement: [
                  {
                    Sid: 'DenyInsecureTransport',
                    Effect: 'Deny',
                    Principal: '*',
                    Action: 's3:*',
                    Resource: [resource, `${resource}/*`],
                    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
                  },
                ],
              };
        bucket.Policy = policy;
        commit();
        return [
          this.call(
            account.id,
            region,
            source,
            'PutBucketPolicy',
            { bucketName: bucket.Name, Host: host(bucket.Name), bucketPolicy: policy, policy: '' },
            null,
          ),
        ];
      }
      case 's3:delete-policy': {
        const candidates = buckets.filter((bucket) => bucket.Policy);
        if (!candidates.length) return undefined;
        const bucket = this.pick(candidates);
        delete bucket.Policy;
        commit();
        return [this.call(account.id, region, source, 'DeleteBucketPolicy', { bucketName: bucket.Name, Host: host(bucket.Name), policy: '' }, null)];
      }
      case 's3:versioning': {
        if (!buckets.length) return undefined;
        const bucket = this.pick(buckets);
        bucket.Versioning = { ...bucket.Versioning, Status: bucket.Versioning?.Status === 'Enabled' ? 'Suspended' : 'Enabled' };
        commit();
        return [
          this.call(
            account.id,
            region,
            source,
            'PutBucketVersioning',
            { bucketName: bucket.Name, Host: host(bucket.Name), versioning: '', VersioningConfiguration: { Status: bucket.Versioning.Status } },
            null,
          ),
        ];
      }
      case 's3:tagging': {
        if (!buckets.length) return undefined;
        const bucket = this.pick(buckets);
        const value = `cost-${Math.floor(this.random() * 5)}`;
        const tags = (bucket.TagSet ?? []).map((tag) => (tag.Key === 'costCenter' ? { Key: tag.Key, Value: value } : tag));
        bucket.TagSet = tags.some((tag) => tag.Key === 'costCenter') ? tags : [...tags, { Key: 'costCenter', Value: value }];
        commit();
        return [
          this.call(
            account.id,
            region,
            source,
            'PutBucketTagging',
            {
              bucketName: bucket.Name,
              Host: host(bucket.Name),
              tagging: '',
              Tagging: { TagSet: { Tag: bucket.TagSet } },
            },
            null,
          ),
        ];
      }
      default:
        return undefined;
    }
  }

  private iam(kind: MutationKind): SimulatedApiCall[] | undefined {
    const accounts = this.world.accounts.filter((account) => account.global?.iam);
    if (!accounts.length) return undefined;
    const account = this.pick(accounts);
    const section = account.global!.iam as WorldIam;
    const roles = (section.roles ?? []).map((role) => ({ ...role }));
    const source = 'iam.amazonaws.com';
    // IAM is global: its events arrive in us-east-1.
    const region = 'us-east-1';
    const commit = (list = roles) => (account.global!.iam = { ...section, roles: list });
    const policyArn = (name: string) => `arn:aws:iam::aws:policy/${name}`;
    const attachedNames = (role: WorldIamRole) => (role.AttachedManagedPolicies ?? []).flatMap((each) => (each.PolicyName ? [each.PolicyName] : []));
    switch (kind) {
      case 'iam:create-role': {
        const name = `change-role-${this.counter}`;
        const trust: PolicyDocument = {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        };
        const createdAt = new Date(this.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
        roles.push({ RoleName: name, CreateDate: createdAt, AssumeRolePolicyDocument: trust, AttachedManagedPolicies: [] });
        this.created.roles.add(name);
        commit();
        return [
          this.call(
            account.id,
            region,
            source,
            'CreateRole',
            { roleName: name, assumeRolePolicyDocument: JSON.stringify(trust) },
            {
              role: {
                path: '/',
                roleName: name,
                arn: `arn:aws:iam::${account.id}:role/${name}`,
                createDate: createdAt,
                assumeRolePolicyDocument: encodeURIComponent(JSON.stringify(trust)),
              },
            },
          ),
        ];
      }
      case 'iam:attach-policy': {
        const candidates = roles.filter((role) => this.created.roles.has(role.RoleName) && attachedNames(role).length < MANAGED.length);
        if (!candidates.length) return undefined;
        const role = this.pick(candidates);
        const policy = MANAGED.find((name) => !attachedNames(role).includes(name))!;
        role.AttachedManagedPolicies = [...(role.AttachedManagedPolicies ?? []), { PolicyName: policy }];
        commit();
        return [this.call(account.id, region, source, 'AttachRolePolicy', { roleName: role.RoleName, policyArn: policyArn(policy) }, null)];
      }
      case 'iam:delete-role': {
        const candidates = roles.filter((role) => this.created.roles.has(role.RoleName));
        if (!candidates.length) return undefined;
        const role = this.pick(candidates);
        this.created.roles.delete(role.RoleName);
        commit(roles.filter((each) => each !== role));
        // A role's managed policies are detached before IAM deletes it.
        return [
          ...attachedNames(role).map((name) =>
            this.call(account.id, region, source, 'DetachRolePolicy', { roleName: role.RoleName, policyArn: policyArn(name) }, null),
          ),
          this.call(account.id, region, source, 'DeleteRole', { roleName: role.RoleName }, null),
        ];
      }
      default:
        return undefined;
    }
  }
}
