/**
 * The parsed form of a J1QL query. The parser produces it; the evaluator never sees query text.
 * Positions are 1-based line and column of the construct's first character, so that errors found
 * after parsing (unknown alias, two aliases on one selector) can still point at the query text.
 */

export interface Position {
  line: number;
  column: number;
  /** 0-based character offset in the query text. */
  offset: number;
}

export type DateUnit = 'hour' | 'day' | 'month' | 'year';

export type Literal =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  /** The `undefined` keyword: the property is absent. */
  | { kind: 'undefined' }
  /** `date(2024-01-31)`: epoch milliseconds, resolved when parsed. */
  | { kind: 'date'; value: number; text: string }
  /** `date.now - 90 days`: resolved against the evaluation's clock. `amount` is signed. */
  | { kind: 'relativeDate'; amount: number; unit: DateUnit }
  /** `/pattern/flags`: a regular expression, matched against string values. */
  | { kind: 'regex'; source: string; flags: string }
  /** `${ param.name }`: replaced by the parameter's value before evaluation. */
  | { kind: 'param'; name: string; position: Position };

/** `= ('a' OR 'b')`: one comparison per value, combined with OR (any) or AND (all). */
export interface ValueSet {
  kind: 'set';
  combinator: 'and' | 'or';
  values: Literal[];
}

/**
 * A property of the entity being filtered (`alias` undefined, inside WITH) or of an aliased
 * entity or relationship (`alias.name`, inside WHERE, RETURN and ORDER BY).
 */
export interface PropertyRef {
  kind: 'property';
  alias?: string;
  /** The property name, dots included (`tag.Name`), without brackets. */
  name: string;
  position: Position;
}

export type ComparisonOperator = '=' | '!=' | '<' | '>' | '<=' | '>=' | '~=' | '^=' | '$=' | '!~=' | '!^=' | '!$=';

export interface Comparison {
  kind: 'comparison';
  left: PropertyRef;
  operator: ComparisonOperator;
  /** A property reference on the right is only allowed in WHERE (`a.x = b.y`). */
  right: Literal | ValueSet | PropertyRef;
  position: Position;
}

export type FilterExpr = Comparison | { kind: 'and'; operands: FilterExpr[] } | { kind: 'or'; operands: FilterExpr[] };

export interface SelectorName {
  name: string;
  /** TitleCase names select `_class`, others `_type`. */
  field: '_class' | '_type';
}

export type Selector =
  | { kind: 'any' }
  | { kind: 'names'; names: SelectorName[] }
  /** `#CriticalAsset`, `#CriticalAsset DataStore`: a smart class's members (of those classes or types). */
  | { kind: 'smartClass'; name: string; names?: SelectorName[] }
  /** A quoted string: full-text search over property values. */
  | { kind: 'text'; text: string };

/** One entity position of the traversal: `aws_instance WITH active=true AS i`. */
export interface EntityStep {
  selector: Selector;
  filter?: FilterExpr;
  alias?: string;
  position: Position;
}

export type Direction = 'both' | 'out' | 'in';

/** `THAT [!]VERB [>>|<<] [AS r] <target>`. */
export interface Hop {
  kind: 'hop';
  negated: boolean;
  /** Upper-case verbs; `null` for `RELATES TO` (any verb). */
  verbs: string[] | null;
  /** `out` (`>>`): edges from the left entity to the target; `in` (`<<`): the reverse. */
  direction: Direction;
  relationshipAlias?: string;
  target: EntityStep;
  position: Position;
}

/** `( THAT ... )? [AS alias]`: the alias names the union of the entry entity and the group's end. */
export interface OptionalGroup {
  kind: 'optional';
  items: TraversalItem[];
  alias?: string;
  position: Position;
}

export type TraversalItem = Hop | OptionalGroup;

export type AggregateFunction = 'count' | 'min' | 'max' | 'avg' | 'sum';

/** An expression in RETURN: arithmetic on numbers and dates, CONCAT, literals and properties. */
export type Expression =
  | { kind: 'literal'; value: Literal }
  /** `30 days`: a duration in milliseconds, to add to or subtract from dates. */
  | { kind: 'duration'; amount: number; unit: DateUnit }
  | { kind: 'property'; alias: string; name: string; position: Position }
  | { kind: 'binary'; operator: '+' | '-' | '*' | '/'; left: Expression; right: Expression }
  | { kind: 'negate'; operand: Expression }
  | { kind: 'concat'; args: Expression[] };

export type ReturnItem =
  | { kind: 'property'; alias: string; name: string; label: string; position: Position }
  /** `alias.*`: every property, as `alias.<property>` columns. */
  | { kind: 'all'; alias: string; label: string; position: Position }
  /** A bare alias: the whole entity or relationship. */
  | { kind: 'object'; alias: string; label: string; position: Position }
  /** `count(*)` has neither alias nor name: it counts matches. */
  | { kind: 'aggregate'; fn: AggregateFunction; alias?: string; name?: string; label: string; position: Position }
  | { kind: 'expression'; expression: Expression; label: string; position: Position };

export type ReturnClause = { kind: 'tree'; position: Position } | { kind: 'columns'; items: ReturnItem[]; position: Position };

export interface OrderKey {
  alias: string;
  name: string;
  direction: 'asc' | 'desc';
  position: Position;
}

export interface Query {
  text: string;
  unique: boolean;
  start: EntityStep;
  traversal: TraversalItem[];
  where?: FilterExpr;
  return?: ReturnClause;
  orderBy: OrderKey[];
  skip?: number;
  limit?: number;
}
