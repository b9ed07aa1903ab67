import { createHash } from 'node:crypto';
import type { ServiceSections } from './types';
import { ec2Resources } from '../services/ec2/sim/records';
import type { WorldKms } from '../services/kms/sim/simulator';

/**
 * What generated database worlds place their resources in: the VPC, subnets and security groups
 * that EC2 generated for the same account and region, and its enabled customer KMS keys.
 */
export interface Placement {
  vpcId?: string;
  subnets: Array<{ id: string; az: string }>;
  securityGroupIds: string[];
  keyArns: string[];
}

export function placementOf(sections: ServiceSections, accountId: string, region: string): Placement {
  const ec2 = ec2Resources(sections.ec2);
  const vpcId = ec2.vpcs.find((vpc) => !vpc.IsDefault)?.VpcId ?? ec2.vpcs[0]?.VpcId;
  const subnets = ec2.subnets.filter((s) => s.VpcId === vpcId).map((s) => ({ id: s.SubnetId, az: s.AvailabilityZone ?? `${region}a` }));
  const securityGroupIds = ec2.securityGroups.filter((g) => g.VpcId === vpcId && g.GroupName !== 'default').map((g) => g.GroupId);
  const keyArns = ((sections.kms as WorldKms | undefined)?.keys ?? [])
    .filter((k) => (k.manager ?? 'CUSTOMER') === 'CUSTOMER' && (k.state ?? 'Enabled') === 'Enabled')
    .map((k) => `arn:aws:kms:${region}:${accountId}:key/${k.id}`);
  return { vpcId, subnets, securityGroupIds, keyArns };
}

/**
 * Choices of a generated section, derived from the account, region and item rather than the world's
 * shared random sequence: adding a service's generator leaves the other services' data unchanged.
 */
export function generatedChoices(accountId: string, region: string, service: string) {
  const digest = (kind: string, index: number) => createHash('sha256').update(`${accountId}|${region}|${service}|${kind}|${index}`).digest();
  return {
    /** True with probability `p`. */
    chance: (kind: string, index: number, p: number) => digest(kind, index).readUInt32BE(0) / 0x1_0000_0000 < p,
    pick: <T>(kind: string, index: number, items: readonly T[]): T | undefined =>
      items.length ? items[digest(kind, index).readUInt32BE(4) % items.length] : undefined,
    hex: (kind: string, index: number, length: number) => digest(kind, index).toString('hex').slice(0, length),
  };
}
