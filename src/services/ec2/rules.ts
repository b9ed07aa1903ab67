import type { IpPermission, NetworkAcl, NetworkAclEntry, SecurityGroup } from '@aws-sdk/client-ec2';
import {
  cidrEntity,
  createEntity,
  createRelationship,
  internetEntity,
  mappedEntity,
  RelationshipVerb,
  type Entity,
  type RawValue,
  type Relationship,
} from '../../graph';
import { networkAclKey, prefixListKey, ref, securityGroupKey, type Ec2Scope, type EntityRef } from './keys';
import { Ec2Entities } from './schema';

/**
 * Network exposure: every security-group rule and network ACL entry as an edge from the firewall
 * to what it lets in or out, in JupiterOne's shape, so that a query such as
 *
 *   Find aws_security_group as sg that ALLOWS as rule * as s
 *     where rule.ingress=true and rule.fromPort<=22 and rule.toPort>=22 and s.displayName='Internet'
 *
 * finds SSH open to the world. Targets: the global Internet entity for `0.0.0.0/0` and `::/0`, a
 * mapped CIDR block or IP address for other ranges, the referenced security group, or a mapped
 * prefix list. Security-group rules are ALLOWS; ACL entries are ALLOWS or DENIES.
 */

export interface RuleEdges {
  relationships: Relationship[];
  /** Mapped entities the edges point at (Internet, CIDR blocks, foreign groups, prefix lists). */
  mappedEntities: Entity[];
}

const ALL_V4 = '0.0.0.0/0';
const ALL_V6 = '::/0';

/** `tcp`, `udp`, `icmp`, `icmpv6`, `*` for all traffic (-1), or the protocol number as given. */
export function protocolName(protocol: string | undefined): string {
  switch (protocol) {
    case undefined:
    case '-1':
    case 'all':
      return '*';
    case '6':
      return 'tcp';
    case '17':
      return 'udp';
    case '1':
      return 'icmp';
    case '58':
      return 'icmpv6';
    default:
      return protocol.toLowerCase();
  }
}

interface PortFacts {
  fromPort?: number;
  toPort?: number;
  portRange?: string;
  icmpType?: number;
  icmpCode?: number;
}

/**
 * Ports of a rule. All traffic covers every port (0-65535); TCP and UDP keep their range; ICMP
 * carries a type and code rather than ports; other protocols (ESP, GRE, ...) have no ports.
 */
export function portFacts(protocol: string, from: number | undefined, to: number | undefined): PortFacts {
  if (protocol === '*') return { fromPort: 0, toPort: 65535, portRange: '0-65535' };
  if (protocol === 'icmp' || protocol === 'icmpv6') {
    return { icmpType: from === undefined || from < 0 ? undefined : from, icmpCode: to === undefined || to < 0 ? undefined : to };
  }
  if (protocol === 'tcp' || protocol === 'udp') {
    // A TCP/UDP rule without ports (or with -1) covers every port.
    const fromPort = from === undefined || from < 0 ? 0 : from;
    const toPort = to === undefined || to < 0 ? 65535 : to;
    return { fromPort, toPort, portRange: fromPort === toPort ? String(fromPort) : `${fromPort}-${toPort}` };
  }
  return {};
}

/**
 * The entity a CIDR range stands for: the Internet for `0.0.0.0/0` and `::/0`, otherwise a mapped
 * block (or address, for /32 and /128).
 */
export function cidrTarget(cidr: string): Entity {
  if (cidr === ALL_V4 || cidr === ALL_V6) return internetEntity();
  return cidrEntity(cidr);
}

function securityGroupTarget(
  pair: NonNullable<IpPermission['UserIdGroupPairs']>[number],
  scope: Ec2Scope,
  ingestedAccounts: ReadonlySet<string>,
): { target: EntityRef; mapped?: Entity } {
  const owner = pair.UserId ?? scope.accountId;
  const groupId = pair.GroupId ?? pair.GroupName ?? '';
  const key = securityGroupKey(scope.region, owner, groupId);
  if (owner === scope.accountId || ingestedAccounts.has(owner)) return { target: ref(Ec2Entities.SECURITY_GROUP._type, key) };
  // Only what the key says, so that every group referencing it builds the same entity.
  const mapped = mappedEntity(
    createEntity({
      _key: key,
      schema: Ec2Entities.SECURITY_GROUP,
      name: groupId,
      properties: { id: groupId, groupId, accountId: owner, region: scope.region, category: ['network'] },
    }),
  );
  return { target: mapped, mapped };
}

function prefixListTarget(prefixListId: string, scope: Ec2Scope): Entity {
  return mappedEntity(
    createEntity({
      _key: prefixListKey(scope.region, prefixListId),
      schema: Ec2Entities.PREFIX_LIST,
      name: prefixListId,
      // A prefix list is a named set of ranges (AWS service ranges or the owner's own); which ones is
      // not read here.
      properties: { id: prefixListId, prefixListId, region: scope.region, CIDR: null, public: false, internal: false },
    }),
  );
}

type Direction = 'ingress' | 'egress';

/**
 * ALLOWS edges for one security group: one per rule and range, numbered in the order AWS lists
 * them per direction (`ruleNumber`, starting at 1), with the rule's protocol, ports, range and
 * description.
 */
export function securityGroupRuleEdges(group: SecurityGroup, scope: Ec2Scope, ingestedAccounts: ReadonlySet<string> = new Set()): RuleEdges {
  const owner = group.OwnerId ?? scope.accountId;
  const from = ref(Ec2Entities.SECURITY_GROUP._type, securityGroupKey(scope.region, owner, group.GroupId ?? ''));
  const here: Ec2Scope = { accountId: owner, region: scope.region };
  const relationships: Relationship[] = [];
  const mapped = new Map<string, Entity>();
  const directions: Array<[Direction, IpPermission[] | undefined]> = [
    ['ingress', group.IpPermissions],
    ['egress', group.IpPermissionsEgress],
  ];
  for (const [direction, permissions] of directions) {
    let ruleNumber = 0;
    for (const permission of permissions ?? []) {
      const ipProtocol = protocolName(permission.IpProtocol);
      const ports = portFacts(ipProtocol, permission.FromPort, permission.ToPort);
      const add = (to: EntityRef, extra: Record<string, RawValue>) => {
        ruleNumber++;
        relationships.push(
          createRelationship({
            from,
            verb: RelationshipVerb.ALLOWS,
            to,
            keySuffix: `${direction}:${ruleNumber}`,
            properties: {
              ingress: direction === 'ingress',
              egress: direction === 'egress',
              ipProtocol,
              ...ports,
              ruleNumber,
              ...extra,
            },
          }),
        );
      };
      for (const range of permission.IpRanges ?? []) {
        if (!range.CidrIp) continue;
        const target = cidrTarget(range.CidrIp);
        mapped.set(target._key, target);
        add(target, { ipRange: range.CidrIp, ipVersion: 4, description: range.Description || undefined });
      }
      for (const range of permission.Ipv6Ranges ?? []) {
        if (!range.CidrIpv6) continue;
        const target = cidrTarget(range.CidrIpv6);
        mapped.set(target._key, target);
        add(target, { ipRange: range.CidrIpv6, ipVersion: 6, description: range.Description || undefined });
      }
      for (const prefixList of permission.PrefixListIds ?? []) {
        if (!prefixList.PrefixListId) continue;
        const target = prefixListTarget(prefixList.PrefixListId, here);
        mapped.set(target._key, target);
        add(target, { prefixListId: prefixList.PrefixListId, description: prefixList.Description || undefined });
      }
      for (const pair of permission.UserIdGroupPairs ?? []) {
        if (!pair.GroupId && !pair.GroupName) continue;
        const { target, mapped: foreign } = securityGroupTarget(pair, here, ingestedAccounts);
        if (foreign) mapped.set(foreign._key, foreign);
        add(target, {
          targetSecurityGroupId: pair.GroupId,
          targetAccountId: pair.UserId,
          vpcPeeringConnectionId: pair.VpcPeeringConnectionId,
          description: pair.Description || undefined,
        });
      }
    }
  }
  return { relationships, mappedEntities: [...mapped.values()] };
}

/**
 * ALLOWS (allow) and DENIES (deny) edges for one network ACL, one per entry, with AWS's own rule
 * number and action. Entries are evaluated lowest number first; the `*` entry (32767) denies
 * whatever no other entry matched.
 */
export function networkAclEntryEdges(acl: NetworkAcl, scope: Ec2Scope): RuleEdges {
  const owner = acl.OwnerId ?? scope.accountId;
  const from = ref(Ec2Entities.NETWORK_ACL._type, networkAclKey(scope.region, owner, acl.NetworkAclId ?? ''));
  const relationships: Relationship[] = [];
  const mapped = new Map<string, Entity>();
  for (const entry of acl.Entries ?? []) {
    const edge = networkAclEntryEdge(from, entry);
    if (!edge) continue;
    mapped.set(edge.target._key, edge.target);
    relationships.push(edge.relationship);
  }
  return { relationships, mappedEntities: [...mapped.values()] };
}

function networkAclEntryEdge(from: EntityRef, entry: NetworkAclEntry): { relationship: Relationship; target: Entity } | undefined {
  const cidr = entry.CidrBlock ?? entry.Ipv6CidrBlock;
  if (!cidr || entry.RuleNumber === undefined) return undefined;
  const ipProtocol = protocolName(entry.Protocol);
  const ports =
    ipProtocol === 'icmp' || ipProtocol === 'icmpv6'
      ? portFacts(ipProtocol, entry.IcmpTypeCode?.Type, entry.IcmpTypeCode?.Code)
      : portFacts(ipProtocol, entry.PortRange?.From, entry.PortRange?.To);
  const direction: Direction = entry.Egress ? 'egress' : 'ingress';
  const target = cidrTarget(cidr);
  const relationship = createRelationship({
    from,
    verb: entry.RuleAction === 'deny' ? RelationshipVerb.DENIES : RelationshipVerb.ALLOWS,
    to: target,
    keySuffix: `${direction}:${entry.RuleNumber}:${cidr}`,
    properties: {
      ingress: direction === 'ingress',
      egress: direction === 'egress',
      ipProtocol,
      ...ports,
      ipRange: cidr,
      ipVersion: entry.Ipv6CidrBlock ? 6 : 4,
      ruleNumber: entry.RuleNumber,
      ruleAction: entry.RuleAction,
    },
  });
  return { relationship, target };
}
