import { ENGINE_CALLS } from '../../src/aws/engine-permissions';
import type { CollectorDeclaration } from '../../src/collectors/types';
import { iamActionOfOperation } from '../../src/policy/operations';

/** The engine's calls made outside any collector scope (AssumeRole with the ingester's credentials) carry no collector. */
export const UNSCOPED = '';
const UNSCOPED_ENGINE_ID = 'credentials';

export type DeclaredPermissions = Pick<CollectorDeclaration, 'id' | 'permissions' | 'optionalCalls' | 'conditionalPermissions'>;

export interface CallsCheck {
  /** `collector: action (service:Operation)` called without being declared by the collector. */
  undeclared: string[];
  /** `collector: action` declared, not conditional, and never called. */
  unused: string[];
  /** Operations no IAM action is known for. */
  unmapped: string[];
  /** Collectors that made calls but are neither registered nor the engine's. */
  unknownCollectors: string[];
  /** Per collector, the actions its calls map to (for reports). */
  called: Map<string, Set<string>>;
}

/**
 * Compares the operations a run made, per collector (`service:Operation`), with what the collectors
 * and the engine declare: every call's IAM action must be declared by its collector, and every
 * declared action called, unless declared conditional. Actions compare case-insensitively, as IAM
 * compares them.
 */
export async function checkCalls(recorded: ReadonlyMap<string, ReadonlySet<string>>, collectors: readonly DeclaredPermissions[]): Promise<CallsCheck> {
  const declarations = new Map<string, { declared: Set<string>; conditional: Set<string>; original: Map<string, string> }>();
  const declare = (id: string, permissions: readonly string[], conditional: readonly string[]) => {
    const original = new Map(permissions.map((action) => [action.toLowerCase(), action]));
    declarations.set(id, { declared: new Set(original.keys()), conditional: new Set(conditional.map((action) => action.toLowerCase())), original });
  };
  for (const engine of ENGINE_CALLS)
    declare(engine.id === UNSCOPED_ENGINE_ID ? UNSCOPED : engine.id, engine.permissions, engine.when ? engine.permissions : []);
  for (const collector of collectors) {
    const optional = (collector.optionalCalls ?? []).flatMap((call) => call.actions ?? [call.operation]);
    declare(
      collector.id,
      [...collector.permissions, ...optional],
      (collector.conditionalPermissions ?? []).map((entry) => entry.action),
    );
  }

  const result: CallsCheck = { undeclared: [], unused: [], unmapped: [], unknownCollectors: [], called: new Map() };
  for (const [collector, operations] of recorded) {
    const declaration = declarations.get(collector);
    if (!declaration) {
      result.unknownCollectors.push(`${collector || '(no collector)'}: ${[...operations].sort().join(', ')}`);
      continue;
    }
    const called = new Set<string>();
    result.called.set(collector, called);
    for (const operation of operations) {
      const [service = '', name = ''] = operation.split(':');
      const mapped = await iamActionOfOperation(service, name);
      if ('unknown' in mapped) {
        result.unmapped.push(mapped.unknown);
        continue;
      }
      if (mapped.action === null) continue;
      called.add(mapped.action.toLowerCase());
      if (!declaration.declared.has(mapped.action.toLowerCase())) result.undeclared.push(`${collector || '(no collector)'}: ${mapped.action} (${operation})`);
    }
  }
  for (const [id, declaration] of declarations) {
    const called = result.called.get(id) ?? new Set<string>();
    for (const action of declaration.declared) {
      if (!called.has(action) && !declaration.conditional.has(action)) result.unused.push(`${id || '(no collector)'}: ${declaration.original.get(action)}`);
    }
  }
  for (const list of [result.undeclared, result.unused, result.unmapped, result.unknownCollectors]) list.sort();
  return result;
}
