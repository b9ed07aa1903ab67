import { EmbeddedActionsParser, EOF, tokenMatcher, type IToken, type TokenType } from './chevrotain';
import type {
  AggregateFunction,
  Expression,
  Comparison,
  ComparisonOperator,
  DateUnit,
  Direction,
  EntityStep,
  FilterExpr,
  Hop,
  Literal,
  OptionalGroup,
  OrderKey,
  Position,
  PropertyRef,
  Query,
  ReturnClause,
  ReturnItem,
  Selector,
  SelectorName,
  TraversalItem,
  ValueSet,
} from './ast';
import { layoutQuery } from './aliases';
import { QuerySemanticError, QuerySyntaxError } from './errors';
import * as t from './lexer';

function positionOf(token: IToken): Position {
  return { line: token.startLine ?? 1, column: token.startColumn ?? 1, offset: token.startOffset };
}

function unquote(image: string): string {
  return image.slice(1, -1).replace(/\\(.)/g, '$1');
}

/** `[tag.my-key]` -> `tag.my-key`. */
function unbracket(image: string): string {
  return image.slice(1, -1).trim();
}

const DATE_UNITS: Record<string, DateUnit> = {
  hour: 'hour',
  hours: 'hour',
  hr: 'hour',
  hrs: 'hour',
  day: 'day',
  days: 'day',
  month: 'month',
  months: 'month',
  mo: 'month',
  mos: 'month',
  year: 'year',
  years: 'year',
  yr: 'year',
  yrs: 'year',
};

/**
 * ISO 8601 dates as J1QL accepts them in `date(...)`: `2024`, `2024-01`, `2024-01-31`, and
 * date-times with an optional zone (UTC when none is given, so results do not depend on the host).
 */
export function parseIsoDate(text: string): number | undefined {
  const value = text.trim();
  const dateOnly = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(value);
  if (dateOnly) {
    const [, year, month = '01', day = '01'] = dateOnly;
    const ms = Date.UTC(Number(year), Number(month) - 1, Number(day));
    const check = new Date(ms);
    return check.getUTCMonth() === Number(month) - 1 && check.getUTCDate() === Number(day) ? ms : undefined;
  }
  const dateTime = /^(\d{4}-\d{2}-\d{2})T(\d{2})(?::(\d{2})(?::(\d{2})(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(value);
  if (!dateTime) return undefined;
  const [, date, hour, minute = '00', second = '00', fraction = '', zone = 'Z'] = dateTime;
  const ms = Date.parse(`${date}T${hour}:${minute}:${second}${fraction}${zone}`);
  return Number.isNaN(ms) ? undefined : ms;
}

const AGGREGATES: readonly AggregateFunction[] = ['count', 'min', 'max', 'avg', 'sum'];

interface StepTail {
  filter?: FilterExpr;
  alias?: string;
}

/**
 * The J1QL grammar. Embedded actions build the AST directly; anything that reads token contents
 * beyond `image` runs inside ACTION, because chevrotain also runs these rules once, with
 * placeholder tokens, to record the grammar.
 */
class J1qlParser extends EmbeddedActionsParser {
  constructor() {
    super(t.allTokens, { maxLookahead: 3 });
    this.performSelfAnalysis();
  }

  query = this.RULE('query', (): Query => {
    let unique = false;
    let start!: EntityStep;
    const traversal: TraversalItem[] = [];
    let where: FilterExpr | undefined;
    let returned: ReturnClause | undefined;
    let orderBy: OrderKey[] = [];
    let skip: number | undefined;
    let limit: number | undefined;
    this.OR([
      {
        ALT: () => {
          this.CONSUME(t.Find);
          this.OPTION(() => {
            this.CONSUME(t.Unique);
            unique = true;
          });
          start = this.SUBRULE(this.entityStep);
        },
      },
      // A quoted string alone is a full-text search; FIND is optional there.
      { ALT: () => (start = this.SUBRULE(this.textStep)) },
    ]);
    this.MANY(() => traversal.push(this.SUBRULE(this.traversalItem)));
    this.OPTION2(() => {
      this.CONSUME(t.Where);
      where = this.SUBRULE(this.whereFilter);
    });
    this.OPTION3(() => (returned = this.SUBRULE(this.returnClause)));
    this.OPTION4(() => (orderBy = this.SUBRULE(this.orderByClause)));
    this.OPTION5(() => {
      this.CONSUME(t.Skip);
      skip = this.SUBRULE(this.count);
    });
    this.OPTION6(() => {
      this.CONSUME(t.Limit);
      limit = this.SUBRULE2(this.count);
    });
    return { text: '', unique, start, traversal, where, return: returned, orderBy, skip, limit };
  });

  private count = this.RULE('count', (): number => {
    const token = this.CONSUME(t.NumberLiteral);
    return this.ACTION(() => {
      const value = Number(token.image);
      if (!Number.isInteger(value)) throw syntaxErrorAt(token, 'a whole number');
      return value;
    });
  });

  private entityStep = this.RULE('entityStep', (): EntityStep => {
    const first = this.LA(1);
    const selector = this.SUBRULE(this.selector);
    const tail = this.SUBRULE(this.stepTail);
    return { selector, ...tail, position: positionOf(first) };
  });

  private textStep = this.RULE('textStep', (): EntityStep => {
    const token = this.CONSUME(t.StringLiteral);
    const tail = this.SUBRULE(this.stepTail);
    return { selector: { kind: 'text', text: unquote(token.image) }, ...tail, position: positionOf(token) };
  });

  /** `[AS x] [WITH filters] [AS x]`: J1QL queries put the alias on either side of WITH. */
  private stepTail = this.RULE('stepTail', (): StepTail => {
    let alias: string | undefined;
    let filter: FilterExpr | undefined;
    this.OPTION(() => {
      this.CONSUME(t.As);
      alias = this.SUBRULE(this.aliasName);
    });
    this.OPTION2(() => {
      this.CONSUME(t.With);
      filter = this.SUBRULE(this.filter);
    });
    this.OPTION3(() => {
      const as = this.CONSUME2(t.As);
      const second = this.SUBRULE2(this.aliasName);
      this.ACTION(() => {
        if (alias !== undefined) throw new QuerySemanticError(positionOf(as), `the selector already has the alias ${alias}`);
        alias = second;
      });
    });
    return { alias, filter };
  });

  private aliasName = this.RULE('aliasName', (): string => {
    const token = this.CONSUME(t.Identifier);
    this.ACTION(() => {
      if (token.image.includes('.')) throw syntaxErrorAt(token, 'an alias without dots');
    });
    return token.image;
  });

  private selector = this.RULE('selector', (): Selector => {
    const names: SelectorName[] = [];
    return this.OR([
      {
        ALT: () => {
          this.CONSUME(t.Star);
          return { kind: 'any' } as Selector;
        },
      },
      {
        ALT: () => {
          names.push(this.SUBRULE(this.selectorName));
          return { kind: 'names', names } as Selector;
        },
      },
      {
        ALT: () => {
          this.CONSUME(t.LParen);
          names.push(this.SUBRULE2(this.selectorName));
          this.MANY(() => {
            this.CONSUME(t.Pipe);
            names.push(this.SUBRULE3(this.selectorName));
          });
          this.CONSUME(t.RParen);
          return { kind: 'names', names } as Selector;
        },
      },
      {
        ALT: () => {
          const token = this.CONSUME(t.StringLiteral);
          return { kind: 'text', text: unquote(token.image) } as Selector;
        },
      },
      {
        ALT: () => {
          const token = this.CONSUME(t.SmartClass);
          const within: SelectorName[] = [];
          this.OPTION(() => {
            this.OR2([
              { ALT: () => within.push(this.SUBRULE4(this.selectorName)) },
              {
                ALT: () => {
                  this.CONSUME2(t.LParen);
                  within.push(this.SUBRULE5(this.selectorName));
                  this.MANY2(() => {
                    this.CONSUME2(t.Pipe);
                    within.push(this.SUBRULE6(this.selectorName));
                  });
                  this.CONSUME2(t.RParen);
                },
              },
            ]);
          });
          return { kind: 'smartClass', name: token.image.slice(1), names: within.length ? within : undefined } as Selector;
        },
      },
    ]);
  });

  private selectorName = this.RULE('selectorName', (): SelectorName => {
    const token = this.CONSUME(t.Identifier);
    return this.ACTION(() => {
      if (token.image.includes('.')) throw syntaxErrorAt(token, 'a class or type name');
      // J1QL's convention: classes are TitleCase, types are snake_case.
      return { name: token.image, field: /^[A-Z]/.test(token.image) ? '_class' : '_type' } as SelectorName;
    });
  });

  private traversalItem = this.RULE('traversalItem', (): TraversalItem =>
    this.OR([{ ALT: () => this.SUBRULE(this.hop) }, { ALT: () => this.SUBRULE(this.optionalGroup) }]),
  );

  private hop = this.RULE('hop', (): Hop => {
    const that = this.CONSUME(t.That);
    let negated = false;
    let direction: Direction = 'both';
    let relationshipAlias: string | undefined;
    this.OPTION(() => {
      this.CONSUME(t.Bang);
      negated = true;
    });
    const verbs = this.SUBRULE(this.verbs);
    this.OPTION2(() => {
      direction = this.OR([{ ALT: () => (this.CONSUME(t.Outgoing), 'out' as Direction) }, { ALT: () => (this.CONSUME(t.Incoming), 'in' as Direction) }]);
    });
    this.OPTION3(() => {
      this.CONSUME(t.As);
      relationshipAlias = this.SUBRULE(this.aliasName);
    });
    const target = this.SUBRULE(this.entityStep);
    return { kind: 'hop', negated, verbs, direction, relationshipAlias, target, position: positionOf(that) };
  });

  /** A verb, `RELATES TO` (any verb: null), or `(VERB|VERB)`. `TO` after a verb is a filler word. */
  private verbs = this.RULE('verbs', (): string[] | null => {
    const verbs: string[] = [];
    return this.OR([
      {
        ALT: () => {
          this.CONSUME(t.Relates);
          this.CONSUME(t.To);
          return null;
        },
      },
      {
        ALT: () => {
          verbs.push(this.SUBRULE(this.verb));
          this.OPTION(() => this.CONSUME2(t.To));
          return verbs;
        },
      },
      {
        ALT: () => {
          this.CONSUME(t.LParen);
          verbs.push(this.SUBRULE2(this.verb));
          this.MANY(() => {
            this.CONSUME(t.Pipe);
            verbs.push(this.SUBRULE3(this.verb));
          });
          this.CONSUME(t.RParen);
          return verbs;
        },
      },
    ]);
  });

  private verb = this.RULE('verb', (): string => {
    const token = this.CONSUME(t.Identifier);
    this.ACTION(() => {
      if (token.image.includes('.')) throw syntaxErrorAt(token, 'a relationship verb');
    });
    // Verbs are stored upper case; the query may use any case.
    return token.image.toUpperCase();
  });

  private optionalGroup = this.RULE('optionalGroup', (): OptionalGroup => {
    const open = this.CONSUME(t.LParen);
    const items: TraversalItem[] = [];
    let alias: string | undefined;
    this.AT_LEAST_ONE(() => items.push(this.SUBRULE(this.traversalItem)));
    this.CONSUME(t.RParen);
    this.CONSUME(t.Question);
    this.OPTION(() => {
      this.CONSUME(t.As);
      alias = this.SUBRULE(this.aliasName);
    });
    return { kind: 'optional', items, alias, position: positionOf(open) };
  });

  // Filters: OR binds looser than AND; parentheses group. WITH and WHERE get their own copies of
  // these rules, so that a syntax error lists only what is valid where it happened: WHERE names
  // properties as `alias.property` and may compare two properties.
  private filter = this.defineFilterRules('with');
  private whereFilter = this.defineFilterRules('where');

  private defineFilterRules(clause: 'with' | 'where') {
    const inWhere = clause === 'where';
    const comparison = this.RULE(`${clause}Comparison`, (): Comparison => {
      const start = this.LA(1);
      const left = this.SUBRULE(this.propertyPath, { ARGS: [inWhere] });
      const operator = this.SUBRULE(this.operator);
      const right = inWhere ? this.SUBRULE(this.whereOperand) : this.SUBRULE(this.operand);
      return { kind: 'comparison', left, operator, right, position: positionOf(start) };
    });
    const term = this.RULE(`${clause}Term`, (): FilterExpr =>
      this.OR([
        {
          ALT: () => {
            this.CONSUME(t.LParen);
            const inner = this.SUBRULE(disjunction);
            this.CONSUME(t.RParen);
            return inner;
          },
        },
        { ALT: () => this.SUBRULE(comparison) },
      ]),
    );
    const conjunction = this.RULE(`${clause}Conjunction`, (): FilterExpr => {
      const operands: FilterExpr[] = [this.SUBRULE(term)];
      this.MANY(() => {
        this.CONSUME(t.And);
        operands.push(this.SUBRULE2(term));
      });
      return operands.length === 1 ? operands[0] : { kind: 'and', operands };
    });
    const disjunction = this.RULE(`${clause}Filter`, (): FilterExpr => {
      const operands: FilterExpr[] = [this.SUBRULE(conjunction)];
      this.MANY(() => {
        this.CONSUME(t.Or);
        operands.push(this.SUBRULE2(conjunction));
      });
      return operands.length === 1 ? operands[0] : { kind: 'or', operands };
    });
    return disjunction;
  }

  /**
   * A property name. In WITH: `name`, `tag.Name`, `[tag.my-key]`. In WHERE, RETURN and ORDER BY:
   * `alias.name`, `alias.tag.Name`, `alias.[my-key]`.
   */
  private propertyPath = this.RULE('propertyPath', (qualified: boolean): PropertyRef => {
    const first = this.LA(1);
    let bracketed: IToken | undefined;
    const head = this.OR([
      {
        ALT: () => {
          const name = this.CONSUME(t.Identifier);
          this.OPTION(() => {
            this.CONSUME(t.Dot);
            bracketed = this.CONSUME(t.Bracketed);
          });
          return name;
        },
      },
      { ALT: () => this.CONSUME2(t.Bracketed) },
      { ALT: () => this.CONSUME(t.SoftKeyword) },
    ]);
    return this.ACTION(() => propertyRef(head, bracketed, qualified, positionOf(first)));
  });

  private operator = this.RULE('operator', (): ComparisonOperator => {
    const token = this.OR(
      [
        t.Equals,
        t.NotEquals,
        t.Less,
        t.Greater,
        t.LessOrEqual,
        t.GreaterOrEqual,
        t.Contains,
        t.StartsWith,
        t.EndsWith,
        t.NotContains,
        t.NotStartsWith,
        t.NotEndsWith,
      ].map((type) => ({ ALT: () => this.CONSUME(type) })),
    );
    return token.image as ComparisonOperator;
  });

  private operand = this.RULE('operand', (): Literal | ValueSet =>
    this.OR([{ ALT: () => this.SUBRULE(this.literal) }, { ALT: () => this.SUBRULE(this.valueSet) }]),
  );

  private whereOperand = this.RULE('whereOperand', (): Literal | ValueSet | PropertyRef =>
    this.OR([
      { ALT: () => this.SUBRULE(this.literal) },
      { ALT: () => this.SUBRULE(this.valueSet) },
      { ALT: () => this.SUBRULE(this.propertyPath, { ARGS: [true] }) },
    ]),
  );

  /** `('a' OR 'b')`: any of the values; `('a' AND 'b')`: all of them (array properties). */
  private valueSet = this.RULE('valueSet', (): ValueSet => {
    this.CONSUME(t.LParen);
    const values: Literal[] = [this.SUBRULE(this.literal)];
    const combinators: IToken[] = [];
    this.MANY(() => {
      combinators.push(this.OR([{ ALT: () => this.CONSUME(t.Or) }, { ALT: () => this.CONSUME(t.And) }]));
      values.push(this.SUBRULE2(this.literal));
    });
    this.CONSUME(t.RParen);
    return this.ACTION(() => {
      const kinds = new Set(combinators.map((token) => token.image.toLowerCase()));
      if (kinds.size > 1) {
        const second = combinators.find((token) => token.image.toLowerCase() !== combinators[0].image.toLowerCase()) as IToken;
        throw new QuerySemanticError(positionOf(second), 'a set of values uses either OR or AND, not both');
      }
      return { kind: 'set', combinator: kinds.has('and') ? 'and' : 'or', values } as ValueSet;
    });
  });

  private literal = this.RULE('literal', (): Literal =>
    this.OR([
      { ALT: () => ({ kind: 'string', value: unquote(this.CONSUME(t.StringLiteral).image) }) as Literal },
      { ALT: () => ({ kind: 'number', value: Number(this.CONSUME(t.NumberLiteral).image) }) as Literal },
      {
        ALT: () => {
          this.CONSUME(t.Minus);
          return { kind: 'number', value: -Number(this.CONSUME2(t.NumberLiteral).image) } as Literal;
        },
      },
      { ALT: () => (this.CONSUME(t.True), { kind: 'boolean', value: true } as Literal) },
      { ALT: () => (this.CONSUME(t.False), { kind: 'boolean', value: false } as Literal) },
      { ALT: () => (this.CONSUME(t.Undefined), { kind: 'undefined' } as Literal) },
      {
        ALT: () => {
          const token = this.CONSUME(t.RegexLiteral);
          return this.ACTION(() => regexLiteral(token));
        },
      },
      {
        ALT: () => {
          const token = this.CONSUME(t.ParamRef);
          return this.ACTION(() => paramLiteral(token));
        },
      },
      {
        ALT: () => {
          const token = this.CONSUME(t.DateLiteral);
          return this.ACTION(() => {
            const text = token.image.slice(token.image.indexOf('(') + 1, -1).trim();
            const value = parseIsoDate(text);
            if (value === undefined) throw syntaxErrorAt(token, 'an ISO 8601 date such as date(2024-01-31) or date(2024-01-31T12:00:00Z)');
            return { kind: 'date', value, text } as Literal;
          });
        },
      },
      { ALT: () => this.SUBRULE(this.relativeDate) },
    ]),
  );

  /** `date.now`, `date.now - 90 days`, `date.now+30days`. */
  private relativeDate = this.RULE('relativeDate', (): Literal => {
    this.CONSUME(t.DateNow);
    let sign = 1;
    let amount: IToken | undefined;
    let unit: IToken | undefined;
    this.OPTION(() => {
      this.OR([{ ALT: () => this.CONSUME(t.Plus) }, { ALT: () => (this.CONSUME(t.Minus), (sign = -1)) }]);
      amount = this.CONSUME(t.NumberLiteral);
      unit = this.CONSUME(t.Identifier);
    });
    return this.ACTION(() => {
      if (!amount || !unit) return { kind: 'relativeDate', amount: 0, unit: 'day' } as Literal;
      const normalized = DATE_UNITS[unit.image.toLowerCase()];
      if (!normalized) throw syntaxErrorAt(unit, 'a date unit: hour(s), hr(s), day(s), month(s), mo(s), year(s), yr(s)');
      return { kind: 'relativeDate', amount: sign * Number(amount.image), unit: normalized } as Literal;
    });
  });

  private returnClause = this.RULE('returnClause', (): ReturnClause => {
    const keyword = this.CONSUME(t.Return);
    const items: ReturnItem[] = [];
    return this.OR([
      { ALT: () => (this.CONSUME(t.Tree), { kind: 'tree', position: positionOf(keyword) } as ReturnClause) },
      {
        ALT: () => {
          items.push(this.SUBRULE(this.returnItem));
          this.MANY(() => {
            this.CONSUME(t.Comma);
            items.push(this.SUBRULE2(this.returnItem));
          });
          return { kind: 'columns', items, position: positionOf(keyword) } as ReturnClause;
        },
      },
    ]);
  });

  private returnItem = this.RULE('returnItem', (): ReturnItem => {
    const first = this.LA(1);
    const parsed = this.SUBRULE(this.returnExpression);
    let label: string | undefined;
    this.OPTION(() => {
      this.CONSUME(t.As);
      label = this.OR2([{ ALT: () => this.CONSUME(t.Identifier).image }, { ALT: () => unquote(this.CONSUME(t.StringLiteral).image) }]);
    });
    return this.ACTION(() => {
      const item = toReturnItem(parsed, positionOf(first));
      if (label !== undefined) item.label = label;
      return item;
    });
  });

  /** `a + b`, `a - b`: left-associative, below `*` and `/`. */
  private returnExpression = this.RULE('returnExpression', (): ParsedExpression => {
    let left = this.SUBRULE(this.returnTerm);
    this.MANY(() => {
      const operator = this.OR([{ ALT: () => this.CONSUME(t.Plus) }, { ALT: () => this.CONSUME(t.Minus) }]);
      const right = this.SUBRULE2(this.returnTerm);
      left = this.ACTION(() => binary(operator, left, right));
    });
    return left;
  });

  private returnTerm = this.RULE('returnTerm', (): ParsedExpression => {
    let left = this.SUBRULE(this.returnUnary);
    this.MANY(() => {
      const operator = this.OR([{ ALT: () => this.CONSUME(t.Star) }, { ALT: () => this.CONSUME(t.Slash) }]);
      const right = this.SUBRULE2(this.returnUnary);
      left = this.ACTION(() => binary(operator, left, right));
    });
    return left;
  });

  private returnUnary = this.RULE('returnUnary', (): ParsedExpression =>
    this.OR([
      {
        ALT: () => {
          this.CONSUME(t.Minus);
          const operand = this.SUBRULE(this.returnUnary);
          return this.ACTION(() => ({ kind: 'negate', operand: asExpression(operand) }) as ParsedExpression);
        },
      },
      { ALT: () => this.SUBRULE(this.returnPrimary) },
    ]),
  );

  private returnPrimary = this.RULE('returnPrimary', (): ParsedExpression =>
    this.OR([
      {
        ALT: () => {
          const number = this.CONSUME(t.NumberLiteral);
          let unit: IToken | undefined;
          this.OPTION(() => (unit = this.CONSUME(t.Identifier)));
          return this.ACTION(() => {
            const amount = Number(number.image);
            if (!unit) return { kind: 'literal', value: { kind: 'number', value: amount } } as ParsedExpression;
            const normalized = DATE_UNITS[unit.image.toLowerCase()];
            if (!normalized) throw syntaxErrorAt(unit, 'a date unit: hour(s), hr(s), day(s), month(s), mo(s), year(s), yr(s)');
            return { kind: 'duration', amount, unit: normalized } as ParsedExpression;
          });
        },
      },
      { ALT: () => ({ kind: 'literal', value: { kind: 'string', value: unquote(this.CONSUME(t.StringLiteral).image) } }) as ParsedExpression },
      { ALT: () => (this.CONSUME(t.True), { kind: 'literal', value: { kind: 'boolean', value: true } } as ParsedExpression) },
      { ALT: () => (this.CONSUME(t.False), { kind: 'literal', value: { kind: 'boolean', value: false } } as ParsedExpression) },
      { ALT: () => (this.CONSUME(t.DateNow), { kind: 'literal', value: { kind: 'relativeDate', amount: 0, unit: 'day' } } as ParsedExpression) },
      {
        ALT: () => {
          const token = this.CONSUME(t.DateLiteral);
          return this.ACTION(() => {
            const text = token.image.slice(token.image.indexOf('(') + 1, -1).trim();
            const value = parseIsoDate(text);
            if (value === undefined) throw syntaxErrorAt(token, 'an ISO 8601 date such as date(2024-01-31) or date(2024-01-31T12:00:00Z)');
            return { kind: 'literal', value: { kind: 'date', value, text } } as ParsedExpression;
          });
        },
      },
      {
        ALT: () => {
          const token = this.CONSUME(t.ParamRef);
          return this.ACTION(() => ({ kind: 'literal', value: paramLiteral(token) }) as ParsedExpression);
        },
      },
      {
        ALT: () => {
          this.CONSUME(t.LParen);
          const inner = this.SUBRULE(this.returnExpression);
          this.CONSUME(t.RParen);
          return inner;
        },
      },
      { ALT: () => this.SUBRULE(this.returnCall) },
      { ALT: () => this.SUBRULE(this.returnRef) },
    ]),
  );

  /** `count(x)`, `count(*)`, `sum(x.size)`, `CONCAT(a, ' ', b)`. */
  private returnCall = this.RULE('returnCall', (): ParsedExpression => {
    const fn = this.CONSUME(t.Identifier);
    this.CONSUME(t.LParen);
    const args: ParsedExpression[] = [];
    let star: IToken | undefined;
    this.OR([
      { ALT: () => (star = this.CONSUME(t.Star)) },
      {
        ALT: () => {
          args.push(this.SUBRULE(this.returnExpression));
          this.MANY(() => {
            this.CONSUME(t.Comma);
            args.push(this.SUBRULE2(this.returnExpression));
          });
        },
      },
    ]);
    this.CONSUME(t.RParen);
    return this.ACTION(() => callExpression(fn, args, star));
  });

  /** `alias`, `alias.property`, `alias.[odd-name]`, `alias.*`. */
  private returnRef = this.RULE('returnRef', (): ParsedExpression => {
    const head = this.CONSUME(t.Identifier);
    let star = false;
    let bracketed: IToken | undefined;
    this.OPTION(() => {
      this.CONSUME(t.Dot);
      this.OR([{ ALT: () => (bracketed = this.CONSUME(t.Bracketed)) }, { ALT: () => (this.CONSUME(t.Star), (star = true)) }]);
    });
    return this.ACTION(() => {
      const position = positionOf(head);
      if (star) {
        if (head.image.includes('.')) throw syntaxErrorAt(head, 'an alias before .*');
        return { kind: 'all', alias: head.image, position } as ParsedExpression;
      }
      if (!head.image.includes('.') && !bracketed) return { kind: 'object', alias: head.image, position } as ParsedExpression;
      const ref = propertyRef(head, bracketed, true, position);
      return { kind: 'property', alias: ref.alias as string, name: ref.name, position } as ParsedExpression;
    });
  });

  private orderByClause = this.RULE('orderByClause', (): OrderKey[] => {
    this.CONSUME(t.Order);
    this.CONSUME(t.By);
    const keys: OrderKey[] = [this.SUBRULE(this.orderKey)];
    this.MANY(() => {
      this.CONSUME(t.Comma);
      keys.push(this.SUBRULE2(this.orderKey));
    });
    return keys;
  });

  private orderKey = this.RULE('orderKey', (): OrderKey => {
    const ref = this.SUBRULE(this.propertyPath, { ARGS: [true] });
    let direction: 'asc' | 'desc' = 'asc';
    this.OPTION(() => {
      direction = this.OR([{ ALT: () => (this.CONSUME(t.Asc), 'asc' as const) }, { ALT: () => (this.CONSUME(t.Desc), 'desc' as const) }]);
    });
    return { alias: ref.alias as string, name: ref.name, direction, position: ref.position };
  });
}

function propertyRef(head: IToken, bracketed: IToken | undefined, qualified: boolean, position: Position): PropertyRef {
  if (head.tokenType === t.Bracketed) {
    if (qualified) throw syntaxErrorAt(head, 'alias.property');
    return { kind: 'property', name: unbracket(head.image), position };
  }
  if (!qualified) {
    const name = bracketed ? `${head.image}.${unbracket(bracketed.image)}` : head.image;
    return { kind: 'property', name, position };
  }
  const [alias, ...rest] = head.image.split('.');
  if (bracketed) rest.push(unbracket(bracketed.image));
  if (rest.length === 0) throw syntaxErrorAt(head, 'alias.property');
  return { kind: 'property', alias, name: rest.join('.'), position };
}

/**
 * What a RETURN item parses to before it is classified: an expression, or one of the forms that
 * can only stand alone (an aggregate, a whole object, `alias.*`).
 */
type ParsedExpression =
  | Expression
  | { kind: 'aggregateCall'; item: Extract<ReturnItem, { kind: 'aggregate' }> }
  | { kind: 'object'; alias: string; position: Position }
  | { kind: 'all'; alias: string; position: Position };

function asExpression(parsed: ParsedExpression): Expression {
  if (parsed.kind === 'aggregateCall')
    throw new QuerySemanticError(parsed.item.position, `${parsed.item.label} cannot be part of an expression: aggregates stand alone in RETURN`);
  if (parsed.kind === 'object')
    throw new QuerySemanticError(parsed.position, `${parsed.alias} is a whole entity or relationship; an expression needs ${parsed.alias}.property`);
  if (parsed.kind === 'all') throw new QuerySemanticError(parsed.position, `${parsed.alias}.* cannot be part of an expression`);
  return parsed;
}

function binary(operator: IToken, left: ParsedExpression, right: ParsedExpression): ParsedExpression {
  return { kind: 'binary', operator: operator.image as '+' | '-' | '*' | '/', left: asExpression(left), right: asExpression(right) };
}

function callExpression(fn: IToken, args: ParsedExpression[], star: IToken | undefined): ParsedExpression {
  const name = fn.image.toLowerCase();
  const position = positionOf(fn);
  if (name === 'concat') {
    if (star) throw syntaxErrorAt(star, 'values to concatenate');
    return { kind: 'concat', args: args.map((arg) => asExpression(arg)) };
  }
  if (!AGGREGATES.includes(name as AggregateFunction)) throw syntaxErrorAt(fn, 'a function: count, min, max, avg, sum or CONCAT');
  const aggregate = name as AggregateFunction;
  if (star) {
    if (aggregate !== 'count') throw syntaxErrorAt(star, `alias.property in ${aggregate}()`);
    return { kind: 'aggregateCall', item: { kind: 'aggregate', fn: 'count', label: 'count(*)', position } };
  }
  const [argument] = args;
  const valid = args.length === 1 && (argument.kind === 'object' || argument.kind === 'property');
  if (!valid || (aggregate !== 'count' && argument.kind !== 'property')) {
    throw new QuerySemanticError(position, `${aggregate}() takes ${aggregate === 'count' ? 'an alias, alias.property or *' : 'one alias.property'}`);
  }
  const alias = (argument as { alias: string }).alias;
  const property = argument.kind === 'property' ? argument.name : undefined;
  return {
    kind: 'aggregateCall',
    item: { kind: 'aggregate', fn: aggregate, alias, name: property, label: `${aggregate}(${property ? `${alias}.${property}` : alias})`, position },
  };
}

function toReturnItem(parsed: ParsedExpression, position: Position): ReturnItem {
  switch (parsed.kind) {
    case 'aggregateCall':
      return parsed.item;
    case 'object':
      return { kind: 'object', alias: parsed.alias, label: parsed.alias, position };
    case 'all':
      return { kind: 'all', alias: parsed.alias, label: `${parsed.alias}.*`, position };
    case 'property':
      return { kind: 'property', alias: parsed.alias, name: parsed.name, label: `${parsed.alias}.${parsed.name}`, position };
    default:
      return { kind: 'expression', expression: parsed, label: expressionText(parsed), position };
  }
}

const PRECEDENCE = { '+': 1, '-': 1, '*': 2, '/': 2 } as const;

/** The column label of an expression: its canonical text. */
export function expressionText(expression: Expression, parent = 0): string {
  switch (expression.kind) {
    case 'literal': {
      const literal = expression.value;
      if (literal.kind === 'string') return `'${literal.value.replace(/'/g, "\\'")}'`;
      if (literal.kind === 'relativeDate') return 'date.now';
      if (literal.kind === 'date') return `date(${literal.text})`;
      if (literal.kind === 'param') return `\${param.${literal.name}}`;
      if (literal.kind === 'number' || literal.kind === 'boolean') return String(literal.value);
      return literal.kind;
    }
    case 'duration':
      return `${expression.amount} ${expression.unit}s`;
    case 'property':
      return `${expression.alias}.${expression.name}`;
    case 'negate':
      return `-${expressionText(expression.operand, 3)}`;
    case 'concat':
      return `CONCAT(${expression.args.map((arg) => expressionText(arg)).join(', ')})`;
    case 'binary': {
      const own = PRECEDENCE[expression.operator];
      // The right operand of - and / keeps parentheses at the same level: a - (b - c).
      const text = `${expressionText(expression.left, own)} ${expression.operator} ${expressionText(expression.right, own + 0.5)}`;
      return own < parent ? `(${text})` : text;
    }
  }
}

function paramLiteral(token: IToken): Literal {
  const name = /param\.([A-Za-z0-9_.-]+)/.exec(token.image)?.[1] as string;
  return { kind: 'param', name, position: positionOf(token) };
}

function regexLiteral(token: IToken): Literal {
  const close = token.image.lastIndexOf('/');
  const source = token.image.slice(1, close);
  const flags = token.image.slice(close + 1);
  if (/[^imsu]/.test(flags)) throw syntaxErrorAt(token, 'regular expression flags among i, m, s, u');
  try {
    new RegExp(source, flags);
  } catch (error) {
    throw new QuerySyntaxError(
      positionOf(token).line,
      positionOf(token).column,
      `'${token.image}'`,
      [],
      `not a valid regular expression: ${(error as Error).message}`,
    );
  }
  return { kind: 'regex', source, flags };
}

function describeToken(token: IToken): string {
  return tokenMatcher(token, EOF) ? 'end of query' : `'${token.image}'`;
}

function syntaxErrorAt(token: IToken, expected: string): QuerySyntaxError {
  const { line, column } = positionOf(token);
  return new QuerySyntaxError(line, column, describeToken(token), [expected]);
}

// One parser instance: building it analyses the grammar, which takes milliseconds.
let shared: J1qlParser | undefined;
function parser(): J1qlParser {
  shared ??= new J1qlParser();
  return shared;
}

function labelOf(type: TokenType): string {
  return type === EOF ? 'end of query' : (type.LABEL ?? type.name);
}

function positionAfter(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lines = before.split(/\r\n|\r|\n/);
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

/**
 * What the grammar accepts after `prefix`. Chevrotain's content assist lists the next token
 * types; "end of query" is added when the prefix is a complete query by itself.
 */
function expectedAfter(tokens: IToken[], count: number): { types: TokenType[]; labels: string[] } {
  const p = parser();
  const prefix = tokens.slice(0, count);
  const types = [...new Set(p.computeContentAssist('query', prefix).map((path) => path.nextTokenType))];
  let complete = false;
  try {
    p.input = prefix;
    p.query();
    complete = p.errors.length === 0;
  } catch {
    // A check inside the grammar rejected the prefix (two aliases, a bad date): not complete.
  }
  const labels = [...new Set(types.map(labelOf))];
  if (complete) labels.push('end of query');
  return { types, labels };
}

/**
 * Turns chevrotain's first error into a QuerySyntaxError naming the first token that cannot be
 * where it is. With lookahead, chevrotain may report a token before the real culprit, so the
 * tokens from there on are checked one by one against what the grammar accepts.
 */
function syntaxError(text: string, tokens: IToken[], reported: IToken): QuerySyntaxError {
  let index = tokens.indexOf(reported);
  if (index < 0) index = tokens.findIndex((token) => token.startOffset >= reported.startOffset);
  if (index < 0) index = tokens.length;
  for (; index < tokens.length; index++) {
    const { types, labels } = expectedAfter(tokens, index);
    const token = tokens[index];
    if (!types.some((type) => tokenMatcher(token, type))) {
      const { line, column } = positionOf(token);
      return new QuerySyntaxError(line, column, describeToken(token), labels);
    }
  }
  const { labels } = expectedAfter(tokens, tokens.length);
  const { line, column } = positionAfter(text, text.length);
  return new QuerySyntaxError(
    line,
    column,
    'end of query',
    labels.filter((label) => label !== 'end of query'),
  );
}

/** Parses J1QL into its AST. Throws QuerySyntaxError (or QuerySemanticError) with line and column. */
export function parseQuery(text: string): Query {
  const lexed = t.queryLexer.tokenize(text);
  if (lexed.errors.length > 0) {
    const error = lexed.errors[0];
    const character = text.charAt(error.offset);
    const detail =
      character === '"' || character === "'"
        ? 'a string that is not closed on its line'
        : text.startsWith('/*', error.offset)
          ? 'a comment that is not closed'
          : character === '['
            ? 'a bracketed name that is not closed'
            : undefined;
    const found = detail ? `'${character}'` : `'${text.slice(error.offset, error.offset + Math.max(1, error.length))}'`;
    throw new QuerySyntaxError(error.line ?? 1, error.column ?? 1, found, [], detail ?? 'not part of J1QL');
  }
  const p = parser();
  p.input = lexed.tokens;
  const query = p.query();
  if (p.errors.length > 0) throw syntaxError(text, lexed.tokens, p.errors[0].token);
  query.text = text;
  // Aliases are checked here too, so that a query that parses is one that can run.
  layoutQuery(query);
  return query;
}
