import { createRelationship, internetEntity, RelationshipVerb, type Entity, type GraphStore, type Relationship } from '../graph';

/**
 * The network exposure model: what the Internet can reach. Security groups and network ACLs carry
 * it as `ALLOWS Internet` edges with `ingress: true` and the rule's protocol and ports
 * (src/services/ec2/rules.ts). A load balancer that is internet-facing is reachable on the
 * listener ports its security groups open to the Internet (on every listener port when it has no
 * security group, as a Network Load Balancer may); it gets the same kind of edge,
 * `<load balancer> ALLOWS Internet`, one per reachable port, so one query finds both.
 */

const INTERNET_KEY = internetEntity()._key;

/**
 * Security-group rule edges are numbered per direction, one per rule and range
 * (`<group>|allows|<internet>|ingress:<n>`), and AWS allows at most 1,000 rules (ranges) per group:
 * the lookups stop there.
 */
const MAX_RULES_PER_GROUP = 1000;

export interface InternetIngressRule {
  /** `tcp`, `udp`, `icmp`, `icmpv6` or `*` (all traffic). */
  ipProtocol: string;
  fromPort?: number;
  toPort?: number;
}

/** Ingress rules from the Internet of one security group, as the EC2 firewall collector drew them; `undefined` when the group is not in the graph. */
export function internetIngressRules(graph: GraphStore, groupKey: string): InternetIngressRule[] | undefined {
  if (!graph.hasEntity(groupKey)) return undefined;
  const rules: InternetIngressRule[] = [];
  const prefix = `${groupKey}|allows|${INTERNET_KEY}|ingress:`;
  for (let ruleNumber = 1; ruleNumber <= MAX_RULES_PER_GROUP; ruleNumber++) {
    const edge = graph.getRelationship(`${prefix}${ruleNumber}`);
    if (!edge) continue;
    rules.push({
      ipProtocol: String(edge.ipProtocol ?? '*'),
      fromPort: typeof edge.fromPort === 'number' ? edge.fromPort : undefined,
      toPort: typeof edge.toPort === 'number' ? edge.toPort : undefined,
    });
  }
  return rules;
}

/** A port a load balancer listens on, with its transport (`tcp` for HTTP, HTTPS, TLS, SSL). */
export interface ListeningPort {
  port: number;
  transport: 'tcp' | 'udp';
}

/** The transports of a listener protocol (ELBv2 `TCP_UDP` is both). */
export function transportsOf(protocol: string | undefined): Array<'tcp' | 'udp'> {
  const upper = (protocol ?? '').toUpperCase();
  if (upper === 'UDP') return ['udp'];
  if (upper === 'TCP_UDP') return ['tcp', 'udp'];
  return ['tcp'];
}

function ruleCovers(rule: InternetIngressRule, port: ListeningPort): boolean {
  if (rule.ipProtocol === '*') return true;
  if (rule.ipProtocol !== port.transport) return false;
  return (rule.fromPort ?? 0) <= port.port && port.port <= (rule.toPort ?? 65535);
}

export interface LoadBalancerExposure {
  /** The scheme is `internet-facing`: its nodes have public addresses. */
  internetFacing: boolean;
  /** Ports the Internet can reach, sorted. */
  exposedPorts: number[];
  /**
   * How the ports were found: `internal`, `security-groups` (rules read from the graph),
   * `no-security-groups` (every listener port), or `scheme-only` (the groups were not collected,
   * so every listener port is assumed reachable).
   */
  basis: 'internal' | 'security-groups' | 'no-security-groups' | 'scheme-only';
}

/** Which of a load balancer's listening ports the Internet reaches. */
export function loadBalancerExposure(
  graph: GraphStore,
  facts: { scheme?: string; listening: readonly ListeningPort[]; securityGroupKeys: readonly string[] },
): LoadBalancerExposure {
  const internetFacing = facts.scheme === 'internet-facing';
  if (!internetFacing) return { internetFacing, exposedPorts: [], basis: 'internal' };
  const allPorts = () => [...new Set(facts.listening.map((l) => l.port))].sort((a, b) => a - b);
  if (facts.securityGroupKeys.length === 0) return { internetFacing, exposedPorts: allPorts(), basis: 'no-security-groups' };
  const rules: InternetIngressRule[] = [];
  let known = false;
  for (const key of facts.securityGroupKeys) {
    const groupRules = internetIngressRules(graph, key);
    if (groupRules) {
      known = true;
      rules.push(...groupRules);
    }
  }
  if (!known) return { internetFacing, exposedPorts: allPorts(), basis: 'scheme-only' };
  const exposed = facts.listening.filter((port) => rules.some((rule) => ruleCovers(rule, port))).map((port) => port.port);
  return { internetFacing, exposedPorts: [...new Set(exposed)].sort((a, b) => a - b), basis: 'security-groups' };
}

/** `<load balancer> ALLOWS Internet` per exposed port, shaped as security groups' ingress rule edges. */
export function exposureEdges(loadBalancer: Entity, exposure: LoadBalancerExposure): Relationship[] {
  const internet = internetEntity();
  return exposure.exposedPorts.map((port) =>
    createRelationship({
      from: loadBalancer,
      verb: RelationshipVerb.ALLOWS,
      to: internet,
      keySuffix: `ingress:${port}`,
      properties: { ingress: true, egress: false, fromPort: port, toPort: port, portRange: String(port), ipRange: '0.0.0.0/0', basis: exposure.basis },
    }),
  );
}
