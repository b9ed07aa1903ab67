import { createHash } from 'node:crypto';
import type { GenerateInput } from '../../../sim/types';
import type { WorldKms } from '../../kms/sim/simulator';
import type { WorldEc2, WorldInstance, WorldSecurityGroup, WorldSnapshot, WorldVolume } from './world-old';

/**
 * A generated `ec2` section for benchmark worlds: `size` instances spread over one VPC per 200
 * instances (each with a public and a private subnet, route tables, an internet gateway, a NAT
 * gateway, a default network ACL, a flow log and a handful of security groups), a root volume per
 * instance and a data volume for some, snapshots, AMIs and key pairs. Ids derive from the account,
 * region and index, so they are unique across the organization and the same from run to run; the
 * seeded `random` only makes the choices (public or not, IMDSv1, open SSH, ...).
 */
export function generateEc2Section({ accountId, region, size, random, sections }: GenerateInput): WorldEc2 {
  const hex = (kind: string, index: number) => createHash('sha256').update(`${accountId}|${region}|${kind}|${index}`).digest('hex').slice(0, 17);
  const chance = (p: number) => random() < p;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  // KMS is generated after EC2 in the default service order; use its keys when they are there.
  const keys = ((sections.kms as WorldKms | undefined)?.keys ?? []).filter(
    (k) => (k.manager ?? 'CUSTOMER') === 'CUSTOMER' && (k.state ?? 'Enabled') === 'Enabled',
  );
  const vpcCount = Math.max(1, Math.ceil(size / 200));
  const section: Required<
    Pick<
      WorldEc2,
      | 'vpcs'
      | 'subnets'
      | 'routeTables'
      | 'internetGateways'
      | 'natGateways'
      | 'securityGroups'
      | 'networkAcls'
      | 'elasticIps'
      | 'instances'
      | 'volumes'
      | 'snapshots'
      | 'images'
      | 'keyPairs'
      | 'flowLogs'
    >
  > &
    WorldEc2 = {
    ebsEncryptionByDefault: chance(0.5),
    vpcs: [],
    subnets: [],
    routeTables: [],
    internetGateways: [],
    natGateways: [],
    securityGroups: [],
    networkAcls: [],
    elasticIps: [],
    instances: [],
    volumes: [],
    snapshots: [],
    images: [],
    keyPairs: [],
    flowLogs: [],
  };
  let eipCount = 0;
  const newEip = () => {
    eipCount++;
    const allocationId = `eipalloc-${hex('eip', eipCount)}`;
    const publicIp = `3.${(eipCount >> 16) & 255}.${(eipCount >> 8) & 255}.${eipCount & 255}`;
    section.elasticIps.push({ allocationId, publicIp });
    return section.elasticIps[section.elasticIps.length - 1];
  };

  const groupsByVpc: Array<{ web: string; app: string; ssh: string; extra: string[] }> = [];
  const subnetsByVpc: Array<{ public: string; private: string }> = [];
  const extraGroups = Math.max(0, Math.ceil(size / 10) - 4 * vpcCount);
  for (let v = 0; v < vpcCount; v++) {
    const vpc = `vpc-${hex('vpc', v)}`;
    const octet = v % 256;
    section.vpcs.push({ id: vpc, cidr: `10.${octet}.0.0/16`, tags: { Name: `generated-vpc-${v}` } });
    const publicSubnet = `subnet-${hex('subnet-public', v)}`;
    const privateSubnet = `subnet-${hex('subnet-private', v)}`;
    section.subnets.push(
      { id: publicSubnet, vpc, cidr: `10.${octet}.0.0/20`, az: `${region}a`, mapPublicIpOnLaunch: true, tags: { Name: `public-${v}` } },
      { id: privateSubnet, vpc, cidr: `10.${octet}.16.0/20`, az: `${region}b`, tags: { Name: `private-${v}` } },
    );
    subnetsByVpc.push({ public: publicSubnet, private: privateSubnet });
    const igw = `igw-${hex('igw', v)}`;
    section.internetGateways.push({ id: igw, vpc });
    const nat = `nat-${hex('nat', v)}`;
    section.natGateways.push({ id: nat, subnet: publicSubnet, eip: newEip().allocationId });
    section.routeTables.push(
      { id: `rtb-${hex('rtb-main', v)}`, vpc, main: true, routes: [{ destination: '0.0.0.0/0', target: nat }] },
      { id: `rtb-${hex('rtb-public', v)}`, vpc, subnets: [publicSubnet], routes: [{ destination: '0.0.0.0/0', target: igw }] },
    );
    section.networkAcls.push({
      id: `acl-${hex('acl', v)}`,
      vpc,
      default: true,
      subnets: [publicSubnet, privateSubnet],
      entries: [
        { rule: 100, action: 'allow', protocol: 'all', cidr: '0.0.0.0/0' },
        { rule: 100, egress: true, action: 'allow', protocol: 'all', cidr: '0.0.0.0/0' },
      ],
    });
    const group = (kind: string, index: number, name: string, ingress: WorldSecurityGroup['ingress']): string => {
      const id = `sg-${hex(kind, index)}`;
      section.securityGroups.push({ id, name, vpc, ingress });
      return id;
    };
    const defaultGroup = `sg-${hex('sg-default', v)}`;
    section.securityGroups.push({ id: defaultGroup, name: 'default', vpc, ingress: [{ protocol: 'all', groups: [defaultGroup] }] });
    const web = group('sg-web', v, `web-${v}`, [{ protocol: 'tcp', ports: 443, cidrs: ['0.0.0.0/0'], ipv6Cidrs: ['::/0'] }]);
    const app = group('sg-app', v, `app-${v}`, [{ protocol: 'tcp', ports: 8080, groups: [web] }]);
    const ssh = group('sg-ssh', v, `ssh-${v}`, [{ protocol: 'tcp', ports: 22, cidrs: [chance(0.1) ? '0.0.0.0/0' : '10.0.0.0/8'] }]);
    const extra: string[] = [];
    for (let g = v; g < extraGroups; g += vpcCount) {
      extra.push(group('sg-extra', g, `service-${g}`, [{ protocol: 'tcp', ports: `${1024 + g}-${1024 + g + 10}`, cidrs: [`10.${octet}.0.0/16`] }]));
    }
    groupsByVpc.push({ web, app, ssh, extra });
    section.flowLogs.push({ id: `fl-${hex('fl', v)}`, resource: vpc, destinationType: 's3', destination: `arn:aws:s3:::generated-flow-logs-${accountId}` });
  }

  const volumeFor = (id: string, instance: string | undefined, sizeGb: number): WorldVolume => {
    const encrypted = chance(0.85);
    const key = encrypted && keys.length && chance(0.7) ? pick(keys).id : undefined;
    return { id, size: sizeGb, instance, encrypted, kmsKeyId: key };
  };
  for (let i = 0; i < size; i++) {
    const v = i % vpcCount;
    const isPublic = chance(0.2);
    const groups = groupsByVpc[v];
    const instanceId = `i-${hex('i', i)}`;
    const instance: WorldInstance = {
      id: instanceId,
      type: pick(['t3.micro', 't3.medium', 'm5.large', 'm6g.large', 'c5.xlarge']),
      state: chance(0.9) ? 'running' : 'stopped',
      subnet: isPublic ? subnetsByVpc[v].public : subnetsByVpc[v].private,
      securityGroups: isPublic ? [groups.web, groups.ssh] : [groups.app, ...(groups.extra.length && chance(0.5) ? [pick(groups.extra)] : [])],
      httpTokens: chance(0.8) ? 'required' : 'optional',
      monitoring: chance(0.3),
      instanceProfile: chance(0.7) ? 'app-server-role' : undefined,
      keyName: chance(0.5) ? `generated-key-${i % Math.max(1, Math.ceil(size / 50))}` : undefined,
      launchTime: new Date(Date.UTC(2023, 0, 1) + i * 3_600_000).toISOString(),
      platform: chance(0.1) ? 'windows' : 'linux',
    };
    section.instances.push(instance);
    if (isPublic && chance(0.25)) newEip().instance = instanceId;
    section.volumes.push(volumeFor(`vol-${hex('vol-root', i)}`, instanceId, 8));
    if (chance(0.3)) section.volumes.push(volumeFor(`vol-${hex('vol-data', i)}`, instanceId, pick([20, 50, 100, 500])));
  }
  for (let u = 0; u < Math.floor(size / 10); u++) section.volumes.push(volumeFor(`vol-${hex('vol-spare', u)}`, undefined, 100));

  const snapshotCount = Math.floor(size / 5);
  for (let s = 0; s < snapshotCount; s++) {
    const volume = pick(section.volumes);
    const snapshot: WorldSnapshot = { id: `snap-${hex('snap', s)}`, volume: volume.id, public: chance(0.02), description: `backup ${s}` };
    section.snapshots.push(snapshot);
  }
  for (let m = 0; m < Math.max(1, Math.floor(size / 20)); m++) {
    const snapshot = `snap-${hex('snap-ami', m)}`;
    section.snapshots.push({ id: snapshot, size: 8, encrypted: true, description: `root of image ${m}` });
    section.images.push({ id: `ami-${hex('ami', m)}`, name: `generated-image-${m}`, snapshot, public: chance(0.02) });
  }
  for (let k = 0; k < Math.max(1, Math.ceil(size / 50)); k++) section.keyPairs.push({ name: `generated-key-${k}`, type: chance(0.5) ? 'ed25519' : 'rsa' });
  return section;
}
