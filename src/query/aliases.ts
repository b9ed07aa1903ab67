import type { EntityStep, Expression, Hop, OptionalGroup, Position, Query, TraversalItem } from './ast';
import { QuerySemanticError } from './errors';

/**
 * Where each part of a query is recorded in a matched path. A path is a fixed-size array of
 * "slots": one entity id per (non-negated) entity step, one relationship id per (non-negated)
 * hop, and one entity id per aliased optional group (the union of its entry and its end).
 */
export interface AliasBinding {
  name: string;
  kind: 'entity' | 'relationship';
  slot: number;
  /** Bound on every matched path: not inside an optional group, not an optional group's alias. */
  always: boolean;
  /** A class or type name used as an alias (`RETURN User, Person`). */
  implicit: boolean;
}

export interface SlotLayout {
  slotCount: number;
  stepSlots: Map<EntityStep, number>;
  hopSlots: Map<Hop, number>;
  groupSlots: Map<OptionalGroup, number>;
  aliases: Map<string, AliasBinding>;
}

/** Numbers the slots of a query and checks that every alias it uses is defined exactly once. */
export function layoutQuery(query: Query): SlotLayout {
  const layout: SlotLayout = { slotCount: 0, stepSlots: new Map(), hopSlots: new Map(), groupSlots: new Map(), aliases: new Map() };
  const implicit = new Map<string, { step: EntityStep; slot: number; always: boolean } | 'ambiguous'>();
  // J1QL lets a relationship be named by its verb (`WHERE ALLOWS.permission = 'READ'`) when the
  // verb appears in one hop only.
  const verbAliases = new Map<string, { slot: number; always: boolean; positions: Position[] }>();

  const define = (name: string, kind: AliasBinding['kind'], slot: number, always: boolean, position: Position) => {
    if (layout.aliases.has(name)) throw new QuerySemanticError(position, `the alias ${name} is defined twice`);
    layout.aliases.set(name, { name, kind, slot, always, implicit: false });
  };
  const addStep = (step: EntityStep, always: boolean) => {
    const slot = layout.slotCount++;
    layout.stepSlots.set(step, slot);
    if (step.alias) define(step.alias, 'entity', slot, always, step.position);
    else if (step.selector.kind === 'names' && step.selector.names.length === 1) {
      const name = step.selector.names[0].name;
      implicit.set(name, implicit.has(name) ? 'ambiguous' : { step, slot, always });
    }
  };
  const noAlias = (hop: Hop) => {
    if (hop.relationshipAlias || hop.target.alias) {
      throw new QuerySemanticError(hop.position, 'a negated traversal (THAT !VERB) matches nothing, so it cannot have an alias');
    }
  };
  const addItems = (items: TraversalItem[], always: boolean) => {
    for (const item of items) {
      if (item.kind === 'hop') {
        if (item.negated) {
          noAlias(item);
          continue;
        }
        const slot = layout.slotCount++;
        layout.hopSlots.set(item, slot);
        if (item.relationshipAlias) define(item.relationshipAlias, 'relationship', slot, always, item.position);
        for (const verb of item.verbs ?? []) {
          const known = verbAliases.get(verb);
          if (known) known.positions.push(item.position);
          else verbAliases.set(verb, { slot, always, positions: [item.position] });
        }
        addStep(item.target, always);
      } else {
        addItems(item.items, false);
        if (item.alias) {
          const slot = layout.slotCount++;
          layout.groupSlots.set(item, slot);
          define(item.alias, 'entity', slot, false, item.position);
        }
      }
    }
  };
  addStep(query.start, true);
  addItems(query.traversal, true);
  for (const [name, entry] of implicit) {
    if (entry !== 'ambiguous' && !layout.aliases.has(name)) {
      layout.aliases.set(name, { name, kind: 'entity', slot: entry.slot, always: entry.always, implicit: true });
    }
  }

  const check = (alias: string | undefined, position: Position) => {
    if (alias === undefined || layout.aliases.has(alias)) return;
    const verb = verbAliases.get(alias.toUpperCase());
    if (verb && verb.positions.length > 1) {
      const where = verb.positions.map((at) => `line ${at.line}, column ${at.column}`).join(' and ');
      throw new QuerySemanticError(
        position,
        `${alias} is ambiguous: the verb ${alias.toUpperCase()} appears in more than one hop (${where}); name the relationship you mean with THAT ${alias.toUpperCase()} AS r and use r`,
      );
    }
    if (verb) {
      layout.aliases.set(alias, { name: alias, kind: 'relationship', slot: verb.slot, always: verb.always, implicit: true });
      return;
    }
    const known = [...layout.aliases.keys()];
    const hint = implicit.get(alias) === 'ambiguous' ? `; ${alias} names more than one selector, give each an alias with AS` : '';
    throw new QuerySemanticError(
      position,
      `unknown alias ${alias}${hint}` + (hint ? '' : known.length ? ` (aliases: ${known.join(', ')})` : ' (the query defines no alias; add one with AS)'),
    );
  };
  if (query.where) {
    const visit = (node: NonNullable<Query['where']>) => {
      if (node.kind !== 'comparison') return node.operands.forEach(visit);
      check(node.left.alias as string, node.left.position);
      if (node.right.kind === 'property') check(node.right.alias as string, node.right.position);
    };
    visit(query.where);
  }
  if (query.return?.kind === 'columns') {
    for (const item of query.return.items) {
      if (item.kind === 'expression') for (const ref of expressionProperties(item.expression)) check(ref.alias, ref.position);
      else check(item.alias, item.position);
    }
  }
  for (const key of query.orderBy) check(key.alias, key.position);
  return layout;
}

/** The property references inside a RETURN expression. */
export function expressionProperties(expression: Expression): Array<Extract<Expression, { kind: 'property' }>> {
  switch (expression.kind) {
    case 'property':
      return [expression];
    case 'binary':
      return [...expressionProperties(expression.left), ...expressionProperties(expression.right)];
    case 'negate':
      return expressionProperties(expression.operand);
    case 'concat':
      return expression.args.flatMap(expressionProperties);
    default:
      return [];
  }
}
