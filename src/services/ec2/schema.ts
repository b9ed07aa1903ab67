import { defineEntities, defineRelationships, MappedEntities, RelationshipVerb, serviceEntitySchema } from '../../graph';
import { KmsEntities } from '../kms/schema';
import { S3Entities } from '../s3/schema';

/** EC2's and the VPC's entity types: the one place they are spelled. */
export const Ec2Entities = defineEntities({
  SERVICE: serviceEntitySchema('ec2', 'EC2'),
  VPC: { _type: 'aws_vpc', _class: ['Network'], resourceName: 'VPC' },
  SUBNET: { _type: 'aws_subnet', _class: ['Network'], resourceName: 'Subnet' },
  ROUTE_TABLE: { _type: 'aws_route_table', _class: ['Configuration'], resourceName: 'Route Table' },
  INTERNET_GATEWAY: { _type: 'aws_internet_gateway', _class: ['Gateway'], resourceName: 'Internet Gateway' },
  NAT_GATEWAY: { _type: 'aws_nat_gateway', _class: ['Gateway'], resourceName: 'NAT Gateway' },
  VPN_GATEWAY: { _type: 'aws_vpn_gateway', _class: ['Gateway'], resourceName: 'VPN Gateway' },
  ENI: { _type: 'aws_eni', _class: ['NetworkInterface'], resourceName: 'Network Interface' },
  EIP: { _type: 'aws_eip', _class: ['IpAddress'], resourceName: 'Elastic IP' },
  SECURITY_GROUP: { _type: 'aws_security_group', _class: ['Firewall'], resourceName: 'Security Group' },
  NETWORK_ACL: { _type: 'aws_network_acl', _class: ['Firewall'], resourceName: 'Network ACL' },
  SNAPSHOT: { _type: 'aws_ebs_snapshot', _class: ['DataStore', 'Disk', 'Image'], resourceName: 'EBS Volume Snapshot' },
  VOLUME: { _type: 'aws_ebs_volume', _class: ['DataStore', 'Disk'], resourceName: 'EBS Volume' },
  AMI: { _type: 'aws_ami', _class: ['Image'], resourceName: 'AMI Image' },
  KEY_PAIR: { _type: 'aws_key_pair', _class: ['AccessKey'], resourceName: 'Key Pair' },
  INSTANCE: { _type: 'aws_instance', _class: ['Host'], resourceName: 'Instance' },
  /** Mapped: a managed prefix list named in a security-group rule. */
  PREFIX_LIST: { _type: 'aws_prefix_list', _class: ['Network'], resourceName: 'Prefix List (mapped)' },
});

const E = Ec2Entities;
const { HAS, CONTAINS, USES, CONNECTS, LOGS, ALLOWS, DENIES, PROTECTS } = RelationshipVerb;
const SERVICE = E.SERVICE._type;
/** Where a firewall rule's traffic comes from or goes to, outside the ingested security groups. */
const RULE_PEERS = [MappedEntities.INTERNET._type, MappedEntities.CIDR_BLOCK._type, MappedEntities.IP_ADDRESS._type];

export const Ec2Relationships = defineRelationships({
  // The network
  SERVICE_HAS_NETWORK: { from: SERVICE, verb: HAS, to: [E.VPC._type, E.SUBNET._type] },
  VPC_CONTAINS_SUBNET: { from: E.VPC._type, verb: CONTAINS, to: E.SUBNET._type },
  VPC_HAS_GATEWAY_OR_ROUTE_TABLE: {
    from: E.VPC._type,
    verb: HAS,
    to: [E.NAT_GATEWAY._type, E.INTERNET_GATEWAY._type, E.VPN_GATEWAY._type, E.ROUTE_TABLE._type],
  },
  SUBNET_USES_ROUTE_TABLE: { from: E.SUBNET._type, verb: USES, to: E.ROUTE_TABLE._type },
  NAT_GATEWAY_USES_ADDRESS: { from: E.NAT_GATEWAY._type, verb: USES, to: [E.ENI._type, E.EIP._type] },
  ENI_USES_EIP: { from: E.ENI._type, verb: USES, to: E.EIP._type },
  VPC_CONNECTS_VPC: { from: E.VPC._type, verb: CONNECTS, to: E.VPC._type },
  VPC_LOGS_BUCKET: { from: E.VPC._type, verb: LOGS, to: S3Entities.BUCKET._type },
  // Firewalls
  SERVICE_HAS_FIREWALL: { from: SERVICE, verb: HAS, to: [E.SECURITY_GROUP._type, E.NETWORK_ACL._type] },
  SECURITY_GROUP_ALLOWS: { from: E.SECURITY_GROUP._type, verb: ALLOWS, to: [...RULE_PEERS, E.SECURITY_GROUP._type, E.PREFIX_LIST._type] },
  NETWORK_ACL_ALLOWS: { from: E.NETWORK_ACL._type, verb: ALLOWS, to: RULE_PEERS },
  NETWORK_ACL_DENIES: { from: E.NETWORK_ACL._type, verb: DENIES, to: RULE_PEERS },
  NETWORK_ACL_PROTECTS_SUBNET: { from: E.NETWORK_ACL._type, verb: PROTECTS, to: E.SUBNET._type },
  SECURITY_GROUP_PROTECTS_ENI: { from: E.SECURITY_GROUP._type, verb: PROTECTS, to: E.ENI._type },
  // Volumes
  SERVICE_HAS_VOLUME: { from: SERVICE, verb: HAS, to: E.VOLUME._type },
  VOLUME_USES_KEY_OR_SNAPSHOT: { from: E.VOLUME._type, verb: USES, to: [KmsEntities.KEY._type, E.SNAPSHOT._type] },
  VOLUME_HAS_SNAPSHOT: { from: E.VOLUME._type, verb: HAS, to: E.SNAPSHOT._type },
  // Instances
  SERVICE_HAS_INSTANCE: { from: SERVICE, verb: HAS, to: E.INSTANCE._type },
  SUBNET_HAS_INSTANCE: { from: E.SUBNET._type, verb: HAS, to: E.INSTANCE._type },
  INSTANCE_USES_DEVICE: { from: E.INSTANCE._type, verb: USES, to: [E.VOLUME._type, E.EIP._type, E.ENI._type] },
  INSTANCE_HAS_SECURITY_GROUP: { from: E.INSTANCE._type, verb: HAS, to: E.SECURITY_GROUP._type },
  SECURITY_GROUP_PROTECTS_INSTANCE: { from: E.SECURITY_GROUP._type, verb: PROTECTS, to: E.INSTANCE._type },
});

// How EC2 resources' keys are spelled (ARNs), for the services whose resources sit in VPCs.
export { eniKey, instanceKey, securityGroupKey, subnetKey, volumeKey, vpcKey } from './keys';
