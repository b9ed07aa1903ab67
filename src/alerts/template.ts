/**
 * JupiterOne's rule templates, as far as rule conditions use them: `{{queries.query0.total > 0}}`,
 * and the array form `["AND", ["queries.query0.total", ">", 0]]`. Inside `{{...}}` is a small
 * JavaScript-like expression language: literals, property paths, `!`, arithmetic, comparisons,
 * `in`, `&&`, `||`, `?:` and parentheses. A template that is one expression keeps its value's type;
 * text around expressions makes a string.
 */

export class TemplateError extends Error {
  constructor(template: string, problem: string) {
    super(`template ${JSON.stringify(template)}: ${problem}`);
    this.name = 'TemplateError';
  }
}

type Token = { kind: 'number'; value: number } | { kind: 'string'; value: string } | { kind: 'name'; value: string } | { kind: 'op'; value: string };

const OPERATORS = ['&&', '||', '==', '!=', '>=', '<=', '//', '>', '<', '!', '+', '-', '*', '/', '%', '(', ')', '?', ':', '[', ']', '.'];

function tokenize(text: string, template: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length) {
    const char = text[at];
    if (/\s/.test(char)) {
      at++;
      continue;
    }
    const number = /^\d+(\.\d+)?/.exec(text.slice(at));
    if (number) {
      tokens.push({ kind: 'number', value: Number(number[0]) });
      at += number[0].length;
      continue;
    }
    if (char === '"' || char === "'") {
      let end = at + 1;
      let value = '';
      while (end < text.length && text[end] !== char) {
        if (text[end] === '\\' && end + 1 < text.length) end++;
        value += text[end++];
      }
      if (end >= text.length) throw new TemplateError(template, 'unterminated string');
      tokens.push({ kind: 'string', value });
      at = end + 1;
      continue;
    }
    const name = /^[A-Za-z_$][\w$]*/.exec(text.slice(at));
    if (name) {
      tokens.push({ kind: 'name', value: name[0] });
      at += name[0].length;
      continue;
    }
    const op = OPERATORS.find((candidate) => text.startsWith(candidate, at));
    if (!op) throw new TemplateError(template, `unexpected ${JSON.stringify(char)}`);
    tokens.push({ kind: 'op', value: op });
    at += op.length;
  }
  return tokens;
}

export type Scope = Record<string, unknown>;

/** A recursive-descent evaluator over the tokens of one expression. */
class Expression {
  private at = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly scope: Scope,
    private readonly template: string,
  ) {}

  evaluate(): unknown {
    const value = this.ternary();
    if (this.at < this.tokens.length) throw new TemplateError(this.template, `unexpected ${JSON.stringify(this.tokens[this.at].value)}`);
    return value;
  }

  private peek(value: string): boolean {
    const token = this.tokens[this.at];
    return token !== undefined && (token.kind === 'op' || token.kind === 'name') && token.value === value;
  }

  private take(value: string): boolean {
    if (!this.peek(value)) return false;
    this.at++;
    return true;
  }

  private ternary(): unknown {
    const condition = this.or();
    if (!this.take('?')) return condition;
    if (this.take(':')) {
      const fallback = this.ternary();
      return condition ? condition : fallback; // `a ?: b`
    }
    const yes = this.ternary();
    if (!this.take(':')) throw new TemplateError(this.template, "expected ':'");
    const no = this.ternary();
    return condition ? yes : no;
  }

  private or(): unknown {
    let left = this.and();
    while (this.take('||')) {
      const right = this.and();
      left = left || right;
    }
    return left;
  }

  private and(): unknown {
    let left = this.comparison();
    while (this.take('&&')) {
      const right = this.comparison();
      left = left && right;
    }
    return left;
  }

  private comparison(): unknown {
    const left = this.additive();
    for (const op of ['==', '!=', '>=', '<=', '>', '<', 'in']) {
      if (this.take(op)) return compare(left, op, this.additive());
    }
    return left;
  }

  private additive(): unknown {
    let left = this.multiplicative();
    for (;;) {
      if (this.take('+')) {
        const right = this.multiplicative();
        left = typeof left === 'string' || typeof right === 'string' ? `${String(left ?? '')}${String(right ?? '')}` : Number(left) + Number(right);
      } else if (this.take('-')) left = Number(left) - Number(this.multiplicative());
      else return left;
    }
  }

  private multiplicative(): unknown {
    let left = this.unary();
    for (;;) {
      if (this.take('*')) left = Number(left) * Number(this.unary());
      else if (this.take('//')) left = Math.floor(Number(left) / Number(this.unary()));
      else if (this.take('/')) left = Number(left) / Number(this.unary());
      else if (this.take('%')) left = Number(left) % Number(this.unary());
      else return left;
    }
  }

  private unary(): unknown {
    if (this.take('!')) return !this.unary();
    if (this.take('-')) return -Number(this.unary());
    return this.primary();
  }

  private primary(): unknown {
    const token = this.tokens[this.at++];
    if (!token) throw new TemplateError(this.template, 'unexpected end');
    if (token.kind === 'op' && token.value === '(') {
      const value = this.ternary();
      if (!this.take(')')) throw new TemplateError(this.template, "expected ')'");
      return value;
    }
    if (token.kind === 'number' || token.kind === 'string') return token.value;
    if (token.kind === 'name') {
      if (token.value === 'true') return true;
      if (token.value === 'false') return false;
      if (token.value === 'null') return null;
      if (token.value === 'undefined') return undefined;
      let value: unknown = this.scope[token.value];
      for (;;) {
        if (this.take('.')) {
          const name = this.tokens[this.at++];
          if (!name || name.kind !== 'name') throw new TemplateError(this.template, 'expected a property name after .');
          value = member(value, name.value);
        } else if (this.take('[')) {
          const index = this.ternary();
          if (!this.take(']')) throw new TemplateError(this.template, "expected ']'");
          value = member(value, String(index));
        } else return value;
      }
    }
    throw new TemplateError(this.template, `unexpected ${JSON.stringify(token.value)}`);
  }
}

function member(value: unknown, name: string): unknown {
  if (value === null || value === undefined) return undefined;
  if (name === 'length' && (Array.isArray(value) || typeof value === 'string')) return value.length;
  return Object.prototype.hasOwnProperty.call(value, name) ? (value as Record<string, unknown>)[name] : undefined;
}

function compare(left: unknown, op: string, right: unknown): boolean {
  switch (op) {
    case '==':
      return left === right || (typeof left !== 'object' && typeof right !== 'object' && left == right); // eslint-disable-line eqeqeq
    case '!=':
      return !compare(left, '==', right);
    case 'in':
      return Array.isArray(right) ? right.includes(left) : typeof right === 'string' ? right.includes(String(left)) : false;
    default: {
      if (left === undefined || left === null || right === undefined || right === null) return false;
      const [a, b] = typeof left === 'number' || typeof right === 'number' ? [Number(left), Number(right)] : [String(left), String(right)];
      return op === '>' ? a > b : op === '>=' ? a >= b : op === '<' ? a < b : a <= b;
    }
  }
}

const EXPRESSION = /\{\{([\s\S]*?)\}\}/g;

/** Evaluates one expression (the inside of `{{...}}`). */
export function evaluateExpression(expression: string, scope: Scope, template = expression): unknown {
  return new Expression(tokenize(expression, template), scope, template).evaluate();
}

/** Renders a template: one `{{...}}` alone keeps its type, otherwise the parts make a string. */
export function renderTemplate(template: string, scope: Scope): unknown {
  const whole = /^\s*\{\{([\s\S]*?)\}\}\s*$/.exec(template);
  if (whole && template.indexOf('{{', template.indexOf('{{') + 2) < 0) return evaluateExpression(whole[1], scope, template);
  return template.replace(EXPRESSION, (_, expression: string) => {
    const value = evaluateExpression(expression, scope, template);
    return value === undefined || value === null ? '' : String(value);
  });
}

/** Checks a template's syntax without a scope (rules are checked when loaded). */
export function checkTemplate(template: string): void {
  for (const match of template.matchAll(EXPRESSION)) tokenize(match[1], template);
  if (/^\s*\{\{/.test(template)) renderTemplate(template, {});
}

/**
 * A rule operation's `when` condition: a template string, or JupiterOne's array form
 * `["AND" | "OR", clause, ...]` where a clause is `[left, operator, right]` (left a path into the
 * evaluation input, or a template; right a value, or a template) or a nested array form.
 */
export type Condition = string | boolean | ConditionArray;
export type ConditionArray = [string, ...unknown[]];

export function evaluateCondition(condition: unknown, scope: Scope): boolean {
  if (condition === undefined || condition === true) return true;
  if (condition === false) return false;
  if (typeof condition === 'string') return Boolean(renderTemplate(condition, scope));
  if (!Array.isArray(condition) || typeof condition[0] !== 'string')
    throw new TemplateError(JSON.stringify(condition), 'a condition is a template string or ["AND"|"OR", ...]');
  const [combinator, ...clauses] = condition as [string, ...unknown[]];
  const upper = combinator.toUpperCase();
  if (upper !== 'AND' && upper !== 'OR') {
    // A bare clause: [left, operator, right].
    return clause(condition, scope);
  }
  const results = clauses.map((item) => {
    if (!Array.isArray(item)) throw new TemplateError(JSON.stringify(condition), 'each clause is [left, operator, right] or a nested condition');
    const head = item[0];
    return typeof head === 'string' && ['AND', 'OR'].includes(head.toUpperCase()) ? evaluateCondition(item, scope) : clause(item, scope);
  });
  return upper === 'AND' ? results.every(Boolean) : results.some(Boolean);
}

function operand(value: unknown, scope: Scope, isPath: boolean): unknown {
  if (typeof value !== 'string') return value;
  if (value.includes('{{')) return renderTemplate(value, scope);
  return isPath ? evaluateExpression(value, scope) : value;
}

const CLAUSE_OPERATORS: Record<string, string> = {
  '>': '>',
  '>=': '>=',
  '<': '<',
  '<=': '<=',
  '=': '==',
  '==': '==',
  '===': '==',
  '!=': '!=',
  '!==': '!=',
  in: 'in',
};

function clause(item: unknown[], scope: Scope): boolean {
  if (item.length !== 3 || typeof item[1] !== 'string' || !(item[1] in CLAUSE_OPERATORS)) {
    throw new TemplateError(JSON.stringify(item), `a clause is [left, operator, right] with one of ${Object.keys(CLAUSE_OPERATORS).join(' ')}`);
  }
  return compare(operand(item[0], scope, true), CLAUSE_OPERATORS[item[1]], operand(item[2], scope, false));
}

/** Checks a condition's shape and syntax (when rules are loaded, before any work). */
export function checkCondition(condition: unknown): void {
  if (condition === undefined || typeof condition === 'boolean') return;
  if (typeof condition === 'string') return checkTemplate(condition);
  // Evaluating against an empty scope checks the shape and every template's syntax.
  evaluateCondition(condition, {});
}
