import type { WorldEc2 } from './world-old';

/**
 * What other services' simulators read of an account's EC2 section in one region (their
 * generators place resources in its VPCs, subnets, security groups and instances), in the SDK's
 * member names. The one place outside `ec2/sim/` that knows how EC2's world records are laid out:
 * a change of that layout changes only this function.
 */
export interface Ec2Resources {
  vpcs: Array<{ VpcId: string; IsDefault: boolean }>;
  /** `AvailabilityZone` as the world gives it (EC2 serves `<region>a` when it gives none). */
  subnets: Array<{ SubnetId: string; VpcId: string; AvailabilityZone?: string; MapPublicIpOnLaunch: boolean }>;
  securityGroups: Array<{ GroupId: string; GroupName: string; VpcId: string }>;
  instances: Array<{ InstanceId: string; SubnetId: string }>;
}

export function ec2Resources(section: unknown): Ec2Resources {
  const ec2 = section as WorldEc2 | undefined;
  return {
    vpcs: (ec2?.vpcs ?? []).map((vpc) => ({ VpcId: vpc.id, IsDefault: vpc.default ?? false })),
    subnets: (ec2?.subnets ?? []).map((subnet) => ({
      SubnetId: subnet.id,
      VpcId: subnet.vpc,
      AvailabilityZone: subnet.az,
      MapPublicIpOnLaunch: subnet.mapPublicIpOnLaunch ?? false,
    })),
    securityGroups: (ec2?.securityGroups ?? []).map((group) => ({ GroupId: group.id, GroupName: group.name, VpcId: group.vpc })),
    instances: (ec2?.instances ?? []).map((instance) => ({ InstanceId: instance.id, SubnetId: instance.subnet })),
  };
}
