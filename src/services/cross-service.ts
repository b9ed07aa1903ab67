import { mappedResource } from '../analysis/mapped-entities';
import type { CollectorContext } from '../collectors/types';
import { createEntity, mappedEntity, type Entity, type RawValue } from '../graph';
import { addMappedEntity } from '../analysis/mappings/collectors';

export interface EntityRef {
  _key: string;
  _type: string;
}

/** The account id of an ARN (`arn:aws:iam::123456789012:role/x` -> `123456789012`), if it has one. */
export function arnAccount(arn: string): string | undefined {
  const account = arn.split(':')[4];
  return account && /^\d{12}$/.test(account) ? account : undefined;
}

/**
 * The target of a cross-service edge whose key is computed (keys are ARNs): the entity when the
 * graph holds it; the computed key when another ingested account will report it; otherwise a mapped
 * placeholder (`_source: system-mapper`), added to the graph, for a target that is not collected
 * (another organization's role, a deleted role, a queue of a service not ingested).
 *
 * `placeholder` builds the stand-in; it defaults to the analysis' mapped foreign resource.
 */
export async function edgeTarget(
  context: CollectorContext,
  target: EntityRef,
  placeholder: () => Entity = () => mappedResource(target._key, false),
): Promise<EntityRef> {
  const existing = context.graph.getEntity(target._key);
  if (existing) return { _key: existing._key, _type: existing._type };
  const owner = arnAccount(target._key);
  // A type some collector produces, in this account: its collector reports it (edges to what it
  // did not find are dropped when the snapshot is written). Collectors need not depend on every
  // service they point at, so excluding a service never pulls it back in.
  if (owner === context.account.accountId && collectedTypes().has(target._type)) return target;
  if (owner && owner !== context.account.accountId && (await context.ingestedAccounts()).has(owner)) return target;
  const stand = placeholder();
  addMappedEntity(context, stand);
  return { _key: stand._key, _type: stand._type };
}

let collected: Set<string> | undefined;

/** Entity types the registered collectors declare (loaded on first use: the registry imports this module). */
function collectedTypes(): Set<string> {
  if (!collected) {
    const registry = require('./index') as typeof import('./index');
    collected = new Set(registry.allCollectors().flatMap((collector) => collector.entities.map((entity) => entity._type)));
  }
  return collected;
}

/** Properties the data model requires of a class, unknown for a placeholder. */
const REQUIRED_UNKNOWN: Record<string, Record<string, RawValue>> = {
  DataStore: { classification: null, encrypted: null },
  // Nothing is known of a placeholder gateway's exposure; the exposure model reads only ingested gateways.
  Gateway: { category: ['network'], function: ['routing'], public: false },
  Network: { CIDR: null, public: false, internal: true },
  Firewall: { category: ['network', 'host'] },
};

export function placeholderEntity(target: EntityRef, _class: readonly string[], properties: Record<string, RawValue> = {}): Entity {
  const name = target._key.split(/[:/]/).pop() || target._key;
  return mappedEntity(
    createEntity({
      _key: target._key,
      _type: target._type,
      _class: [..._class],
      name,
      properties: {
        ...Object.assign({}, ..._class.map((c) => REQUIRED_UNKNOWN[c] ?? {})),
        arn: target._key.startsWith('arn:') ? target._key : undefined,
        accountId: arnAccount(target._key),
        ...properties,
      },
    }),
  );
}
