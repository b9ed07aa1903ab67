/**
 * Entity types of the EC2/VPC collectors and their keys. Every key is the resource's ARN, so a
 * relationship can name its target from an id alone (`subnet-0abc` -> the subnet's ARN) even
 * when another collector, or another account, produces the target.
 */

export const INSTANCE_TYPE = 'aws_instance';
export const AMI_TYPE = 'aws_ami';
export const KEY_PAIR_TYPE = 'aws_key_pair';
export const VOLUME_TYPE = 'aws_ebs_volume';
export const SNAPSHOT_TYPE = 'aws_ebs_snapshot';
export const EIP_TYPE = 'aws_eip';
export const ENI_TYPE = 'aws_eni';
export const SECURITY_GROUP_TYPE = 'aws_security_group';
export const NETWORK_ACL_TYPE = 'aws_network_acl';
export const SUBNET_TYPE = 'aws_subnet';
export const VPC_TYPE = 'aws_vpc';
export const ROUTE_TABLE_TYPE = 'aws_route_table';
export const INTERNET_GATEWAY_TYPE = 'aws_internet_gateway';
export const NAT_GATEWAY_TYPE = 'aws_nat_gateway';
export const VPN_GATEWAY_TYPE = 'aws_vpn_gateway';
/** Mapped entity for a managed prefix list named in a security-group rule. */
export const PREFIX_LIST_TYPE = 'aws_prefix_list';
/** Owned by the S3 collectors; EC2 only points at it (flow logs). */
export const S3_BUCKET_TYPE = 'aws_s3_bucket';

/** Types of the mapped entities that `cidrEntity` creates (see `src/graph/mapped.ts`). */
export const CIDR_BLOCK_TYPE = 'cidr_block';
export const IP_ADDRESS_TYPE = 'ip_address';

/** The account and region a converter works in. */
export interface Ec2Scope {
  accountId: string;
  region: string;
}

export interface EntityRef {
  _key: string;
  _type: string;
}

function arn(region: string, accountId: string, resource: string, id: string): string {
  return `arn:aws:ec2:${region}:${accountId}:${resource}/${id}`;
}

export const instanceKey = (region: string, accountId: string, id: string) => arn(region, accountId, 'instance', id);
export const volumeKey = (region: string, accountId: string, id: string) => arn(region, accountId, 'volume', id);
export const eniKey = (region: string, accountId: string, id: string) => arn(region, accountId, 'network-interface', id);
export const eipKey = (region: string, accountId: string, allocationId: string) => arn(region, accountId, 'elastic-ip', allocationId);
export const securityGroupKey = (region: string, accountId: string, id: string) => arn(region, accountId, 'security-group', id);
export const networkAclKey = (region: string, accountId: string, id: string) => arn(region, accountId, 'network-acl', id);
export const subnetKey = (region: string, accountId: string, id: string) => arn(region, accountId, 'subnet', id);
export const vpcKey = (region: string, accountId: string, id: string) => arn(region, accountId, 'vpc', id);
export const routeTableKey = (region: string, accountId: string, id: string) => arn(region, accountId, 'route-table', id);
export const internetGatewayKey = (region: string, accountId: string, id: string) => arn(region, accountId, 'internet-gateway', id);
export const natGatewayKey = (region: string, accountId: string, id: string) => arn(region, accountId, 'natgateway', id);
export const vpnGatewayKey = (region: string, accountId: string, id: string) => arn(region, accountId, 'vpn-gateway', id);
export const keyPairKey = (region: string, accountId: string, name: string) => arn(region, accountId, 'key-pair', name);
/** AMI and snapshot ARNs carry no account: their ids are unique across accounts. */
export const imageKey = (region: string, id: string) => `arn:aws:ec2:${region}::image/${id}`;
export const snapshotKey = (region: string, id: string) => `arn:aws:ec2:${region}::snapshot/${id}`;
/** Prefix lists can be AWS-managed or the account's own; the id alone is unique in a region. */
export const prefixListKey = (region: string, id: string) => `aws-prefix-list:${region}:${id}`;

/**
 * `arn:aws:s3:::<bucket>` from a flow log's S3 destination, which may carry a folder
 * (`arn:aws:s3:::bucket/prefix/`). Undefined when the destination is not an S3 ARN.
 */
export function s3BucketKeyFromDestination(destination: string | undefined): string | undefined {
  const match = /^arn:aws[\w-]*:s3:::([^/]+)/.exec(destination ?? '');
  return match ? `arn:aws:s3:::${match[1]}` : undefined;
}

export function ref(_type: string, _key: string): EntityRef {
  return { _key, _type };
}

/** Console links (the `webLink` property). */
export function consoleLink(service: 'ec2' | 'vpc', region: string, fragment: string): string {
  const base = service === 'ec2' ? 'https://console.aws.amazon.com/ec2/home' : 'https://console.aws.amazon.com/vpc/home';
  return `${base}?region=${region}#${fragment}`;
}
