/**
 * Keys of the EC2/VPC collectors' entities (their types are in `./schema`). Every key is the resource's ARN, so a
 * relationship can name its target from an id alone (`subnet-0abc` -> the subnet's ARN) even
 * when another collector, or another account, produces the target.
 */

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
