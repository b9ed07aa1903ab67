import { classifyError } from '../aws/errors';
import type { Entity, GraphStore } from '../graph';
import type { Collector, OptionalCallDeclaration } from './types';

/**
 * `context.optional` for one collector run: see {@link CollectorContext.optional}. Calls of an
 * operation the collector did not declare in `optionalCalls` are a programming error (the docs and
 * carry-forward are derived from the declarations).
 */
export function optionalCaller(
  collector: Pick<Collector, 'id' | 'optionalCalls'>,
  recordError: (operation: string, error: unknown) => void,
): <T>(operation: string, call: () => Promise<T>) => Promise<T | undefined> {
  const declared = new Set((collector.optionalCalls ?? []).map((declaration) => declaration.operation));
  const denied = new Set<string>();
  const recorded = new Set<string>();
  return async <T>(operation: string, call: () => Promise<T>): Promise<T | undefined> => {
    if (!declared.has(operation)) throw new Error(`collector ${collector.id} calls ${operation} as optional without declaring it in optionalCalls`);
    if (denied.has(operation)) return undefined;
    try {
      return await call();
    } catch (error) {
      const { code } = classifyError(error);
      if (code === 'AccessDenied' || code === 'ScpDenied') denied.add(operation);
      // Recorded under the declared operation (even when a call made inside the work failed), so
      // carry-forward knows which properties are missing.
      if (!recorded.has(`${operation}|${code}`)) {
        recorded.add(`${operation}|${code}`);
        recordError(operation, error);
      }
      return undefined;
    }
  };
}

/** A failed optional call: where (the collector's scope) and which operation. */
export interface FailedOptionalCall {
  accountId: string;
  region: string;
  collector: string;
  operation: string;
}

/** The properties of `entity` a declared name or `prefix*` stands for; null is "unknown", as if absent. */
function matchingProperties(pattern: string, entity: Entity): string[] {
  if (!pattern.endsWith('*')) return entity[pattern] === undefined || entity[pattern] === null ? [] : [pattern];
  const prefix = pattern.slice(0, -1);
  return Object.keys(entity).filter((name) => name.startsWith(prefix) && entity[name] !== null);
}

/**
 * Puts back, on the refreshed entities of a scope whose optional call failed, the properties that
 * call sets, from the previous snapshot, and names them in `_staleProperties`. A call made once per
 * scope (`per: 'scope'`) failed for every entity: its properties are restored even where the
 * refreshed entity has a fallback value (a key's id for its name). A call made per resource may
 * have failed for some only: its properties are restored where the refreshed entity lacks them.
 */
export function restoreOptionalProperties(
  previousByKey: ReadonlyMap<string, Entity>,
  graph: GraphStore,
  failedCalls: readonly FailedOptionalCall[],
  collectors: readonly Collector[],
): void {
  const byId = new Map(collectors.map((collector) => [collector.id, collector]));
  for (const failed of failedCalls) {
    const declaration: OptionalCallDeclaration | undefined = byId.get(failed.collector)?.optionalCalls?.find((d) => d.operation === failed.operation);
    for (const { _type, properties } of declaration?.properties ?? []) {
      for (const entity of graph.entitiesOfTypeInAccount(_type, failed.accountId)) {
        if (entity._stale) continue;
        // Entities of the failed scope; another collector's entities (account facts) by account.
        if (entity._collector === failed.collector && entity._region !== failed.region) continue;
        const before = previousByKey.get(entity._key);
        if (!before) continue;
        const restored: string[] = [];
        for (const pattern of properties) {
          if (declaration?.per !== 'scope' && matchingProperties(pattern, entity).length) continue;
          for (const name of matchingProperties(pattern, before)) {
            if (entity[name] === before[name]) continue;
            entity[name] = before[name];
            restored.push(name);
          }
        }
        if (restored.length) entity._staleProperties = [...new Set([...(entity._staleProperties ?? []), ...restored])].sort();
      }
    }
  }
}

/** Per account, the entity types whose previous values failed optional calls may restore. */
export function optionalTypesOf(failedCalls: readonly FailedOptionalCall[], collectors: readonly Collector[]): Map<string, Set<string>> {
  const byId = new Map(collectors.map((collector) => [collector.id, collector]));
  const types = new Map<string, Set<string>>();
  for (const failed of failedCalls) {
    const declaration = byId.get(failed.collector)?.optionalCalls?.find((d) => d.operation === failed.operation);
    for (const { _type } of declaration?.properties ?? []) {
      let set = types.get(failed.accountId);
      if (!set) types.set(failed.accountId, (set = new Set()));
      set.add(_type);
    }
  }
  return types;
}

/** The failed optional calls among a run's errors (those recorded under a declared optional operation). */
export function failedOptionalCalls(
  errors: ReadonlyArray<{ account: string; region: string; collector?: string; operation?: string }>,
  collectors: readonly Collector[],
): FailedOptionalCall[] {
  const byId = new Map(collectors.map((collector) => [collector.id, collector]));
  const failed = new Map<string, FailedOptionalCall>();
  for (const error of errors) {
    if (!error.collector || !error.operation) continue;
    if (!byId.get(error.collector)?.optionalCalls?.some((d) => d.operation === error.operation)) continue;
    const call = { accountId: error.account, region: error.region, collector: error.collector, operation: error.operation };
    failed.set(`${call.accountId}|${call.region}|${call.collector}|${call.operation}`, call);
  }
  return [...failed.values()];
}

/**
 * The docs' table of calls per collector: the essential ones (a failure fails the collector in that
 * scope, and its previous entities are carried forward as stale) and the optional ones with what a
 * denial costs and the properties carry-forward puts back. Derived from the declarations.
 */
export function permissionsMarkdown(collectors: readonly Collector[]): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const lines = [
    '| Collector | Essential calls | Optional call | When it is denied | Put back from the previous snapshot |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const collector of collectors) {
    const optional = collector.optionalCalls ?? [];
    const optionalActions = new Set(optional.flatMap((declaration) => declaration.actions ?? [declaration.operation]));
    const essential = collector.permissions.filter((action) => !optionalActions.has(action));
    const essentialCell = essential.length ? essential.map((action) => `\`${action}\``).join('<br>') : '(none)';
    if (!optional.length) {
      lines.push(`| \`${collector.id}\` | ${essentialCell} | (none) | | |`);
      continue;
    }
    optional.forEach((declaration, index) => {
      const actions = (declaration.actions ?? []).filter((action) => action !== declaration.operation);
      const call = `\`${declaration.operation}\`${actions.length ? ` (${actions.map((action) => `\`${action}\``).join(', ')})` : ''}`;
      const restored = (declaration.properties ?? [])
        .map(({ _type, properties }) => `\`${_type}\`: ${properties.map((p) => `\`${p}\``).join(', ')}`)
        .join('<br>');
      lines.push(`| ${index === 0 ? `\`${collector.id}\`` : ''} | ${index === 0 ? essentialCell : ''} | ${call} | ${cell(declaration.cost)} | ${restored} |`);
    });
  }
  return lines.join('\n');
}

const START = '<!-- permissions:start (generated by `npm run docs` from the collector declarations; do not edit) -->';
const END = '<!-- permissions:end -->';

/** `document` with its generated permissions table replaced by the current one. */
export function withPermissionsTable(document: string, collectors: readonly Collector[]): string {
  const start = document.indexOf(START);
  const end = document.indexOf(END);
  if (start < 0 || end < start) throw new Error('the permissions table markers are missing');
  return `${document.slice(0, start + START.length)}\n${permissionsMarkdown(collectors)}\n${document.slice(end)}`;
}
