import { EVERYONE, INTERNET } from '@jupiterone/data-model';
import { compactCopy, createEntity } from './convert';
import { MappedEntities } from './schema';
import type { Entity } from './types';

/**
 * Entities that stand for things outside the ingested data (the Internet, everyone, CIDR blocks,
 * foreign accounts and principals, people). They are marked `_source: 'system-mapper'`, and
 * `validated: false` until something in the ingested data confirms them.
 */
export function mappedEntity(entity: Entity, validated = false): Entity {
  return compactCopy({ ...entity, _source: 'system-mapper', validated });
}

/** JupiterOne's global Internet entity (`0.0.0.0/0` and `::/0`). */
export function internetEntity(): Entity {
  return mappedEntity(
    createEntity({
      _key: INTERNET._key,
      schema: MappedEntities.INTERNET,
      name: 'Internet',
      displayName: INTERNET.displayName,
      // The data model's CIDRv6 demands an address, not a block, so the IPv6 block goes in its own property.
      properties: { CIDR: INTERNET.CIDR, ipv6CIDR: INTERNET.CIDRv6, public: true, internal: false },
    }),
    true,
  );
}

/** JupiterOne's global Everyone entity (public grants). */
export function everyoneEntity(): Entity {
  return mappedEntity(
    createEntity({
      _key: EVERYONE._key,
      schema: MappedEntities.EVERYONE,
      name: 'Everyone',
      displayName: EVERYONE.displayName,
      properties: { principal: '*', public: true },
    }),
    true,
  );
}

/**
 * A CIDR block outside the ingested networks, as a mapped Network (or IpAddress for a single
 * address: /32 in IPv4, /128 in IPv6). The data model's `CIDR` is IPv4 only, so IPv6 blocks keep
 * `CIDR: null` and their block in `ipv6CIDR`.
 */
export function cidrEntity(cidr: string): Entity {
  const ipv6 = cidr.includes(':');
  const single = ipv6 ? cidr.endsWith('/128') : cidr.endsWith('/32');
  const address = cidr.replace(/\/(32|128)$/, '');
  const isPrivate = ipv6 ? /^f[cd]/i.test(cidr) : /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(cidr);
  const network = ipv6 ? { CIDR: null, ipv6CIDR: cidr } : { CIDR: cidr };
  return mappedEntity(
    createEntity({
      _key: `cidr:${cidr}`,
      schema: single ? MappedEntities.IP_ADDRESS : MappedEntities.CIDR_BLOCK,
      name: cidr,
      properties: single ? { ipAddress: address, public: !isPrivate } : { ...network, public: !isPrivate, internal: isPrivate },
    }),
  );
}
