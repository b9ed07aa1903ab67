import type { WorldEc2 } from './world';

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
    vpcs: (ec2?.vpcs ?? []).map(({ VpcId, IsDefault }) => ({ VpcId, IsDefault: IsDefault ?? false })),
    subnets: (ec2?.subnets ?? []).map(({ SubnetId, VpcId, AvailabilityZone, MapPublicIpOnLaunch }) => ({
      SubnetId,
      VpcId,
      AvailabilityZone,
      MapPublicIpOnLaunch: MapPublicIpOnLaunch ?? false,
    })),
    securityGroups: (ec2?.securityGroups ?? []).map(({ GroupId, GroupName, VpcId }) => ({ GroupId, GroupName, VpcId })),
    instances: (ec2?.instances ?? []).map(({ InstanceId, SubnetId }) => ({ InstanceId, SubnetId })),
  };
}
