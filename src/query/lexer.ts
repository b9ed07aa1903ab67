import { createToken, Lexer, type IToken, type TokenType } from './chevrotain';

/**
 * Tokens of J1QL. Chevrotain tries patterns in the order of `allTokens` and takes the first that
 * matches (not the longest), so longer operators come before their prefixes, and keywords carry
 * `longer_alt: Identifier` so that `finding` is a name rather than `FIND` + `ing`.
 */

const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /\s+/, group: Lexer.SKIPPED, line_breaks: true });
const LineComment = createToken({ name: 'LineComment', pattern: /\/\/[^\n\r]*/, group: Lexer.SKIPPED });
const BlockComment = createToken({ name: 'BlockComment', pattern: /\/\*[\s\S]*?\*\//, group: Lexer.SKIPPED, line_breaks: true });

/** Property, class, type, verb and alias names. Dotted names (`tag.Name`, `i.tag.Name`) are one token. */
export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*/, label: 'a name' });

/**
 * Keywords that are also plausible property names (`limit`, `order`, ...): a filter accepts them
 * where a property name is expected, so they need no brackets there.
 */
export const SoftKeyword = createToken({ name: 'SoftKeyword', pattern: Lexer.NA, label: 'a name' });

function keyword(word: string, soft = false): TokenType {
  return createToken({
    name: word,
    pattern: new RegExp(word, 'i'),
    longer_alt: Identifier,
    label: word.toUpperCase(),
    categories: soft ? [SoftKeyword] : [],
  });
}

export const Find = keyword('Find');
export const With = keyword('With');
export const That = keyword('That');
export const As = keyword('As');
export const And = keyword('And');
export const Or = keyword('Or');
export const Where = keyword('Where');
export const Return = keyword('Return');
export const True = keyword('True');
export const False = keyword('False');
export const Undefined = keyword('Undefined');
export const Tree = keyword('Tree', true);
export const Unique = keyword('Unique', true);
export const Order = keyword('Order', true);
export const By = keyword('By', true);
export const Asc = keyword('Asc', true);
export const Desc = keyword('Desc', true);
export const Skip = keyword('Skip', true);
export const Limit = keyword('Limit', true);
export const Relates = keyword('Relates', true);
export const To = keyword('To', true);

export const StringLiteral = createToken({
  name: 'StringLiteral',
  pattern: /"(?:[^"\\\r\n]|\\.)*"|'(?:[^'\\\r\n]|\\.)*'/,
  label: 'a quoted string',
});
/** `date(2024-01-31)`; the content is checked by the parser, which can then point at it. */
export const DateLiteral = createToken({ name: 'DateLiteral', pattern: /date\([^)\r\n]*\)/i, label: 'date(YYYY-MM-DD)' });
export const DateNow = createToken({ name: 'DateNow', pattern: /date\.now/i, longer_alt: Identifier, label: 'date.now' });
/** No sign: `date.now-24hours` must lex as date.now, `-`, 24, hours. */
export const NumberLiteral = createToken({ name: 'NumberLiteral', pattern: /\d+(?:\.\d+)?/, label: 'a number' });
/** `${ param.name }`: a parameter, replaced by its value when the query runs. */
export const ParamRef = createToken({ name: 'ParamRef', pattern: /\$\{\s*param\.[A-Za-z_][A-Za-z0-9_.-]*\s*\}/, label: '${ param.name }' });
/** `#CriticalAsset`: a smart class. */
export const SmartClass = createToken({ name: 'SmartClass', pattern: /#[A-Za-z_][A-Za-z0-9_]*/, label: '#SmartClass' });

const REGEX_BODY = /\/((?:[^/\\\r\n]|\\.)+)\/([a-z]*)/y;
/** Tokens after which a `/` opens a regular expression rather than dividing. */
const BEFORE_REGEX = new Set([
  'Equals',
  'NotEquals',
  'Contains',
  'StartsWith',
  'EndsWith',
  'NotContains',
  'NotStartsWith',
  'NotEndsWith',
  'LParen',
  'Or',
  'And',
]);
/**
 * `/pattern/flags` after a comparison operator (or inside a value set). Elsewhere `/` divides, so
 * the token looks at the token before it: `RETURN a.x / 2, b.y / 3` holds no regular expression.
 */
export const RegexLiteral = createToken({
  name: 'RegexLiteral',
  pattern: {
    exec: (text: string, offset: number, matched: IToken[]) => {
      const previous = matched[matched.length - 1];
      if (!previous || !BEFORE_REGEX.has(previous.tokenType.name)) return null;
      REGEX_BODY.lastIndex = offset;
      return REGEX_BODY.exec(text);
    },
  },
  line_breaks: false,
  start_chars_hint: ['/'],
  label: 'a /regular expression/',
});

/** `[tag.my-key]`: a property name with characters a plain name cannot hold. */
export const Bracketed = createToken({ name: 'Bracketed', pattern: /\[[^\]\r\n]+\]/, label: 'a [bracketed] property name' });

function operator(name: string, text: string): TokenType {
  return createToken({ name, pattern: text, label: `'${text}'` });
}

export const NotContains = operator('NotContains', '!~=');
export const NotStartsWith = operator('NotStartsWith', '!^=');
export const NotEndsWith = operator('NotEndsWith', '!$=');
export const NotEquals = operator('NotEquals', '!=');
export const Contains = operator('Contains', '~=');
export const StartsWith = operator('StartsWith', '^=');
export const EndsWith = operator('EndsWith', '$=');
export const GreaterOrEqual = operator('GreaterOrEqual', '>=');
export const LessOrEqual = operator('LessOrEqual', '<=');
export const Outgoing = operator('Outgoing', '>>');
export const Incoming = operator('Incoming', '<<');
export const Greater = operator('Greater', '>');
export const Less = operator('Less', '<');
export const Equals = operator('Equals', '=');
export const Bang = operator('Bang', '!');
export const LParen = operator('LParen', '(');
export const RParen = operator('RParen', ')');
export const Pipe = operator('Pipe', '|');
export const Comma = operator('Comma', ',');
export const Dot = operator('Dot', '.');
export const Star = operator('Star', '*');
export const Question = operator('Question', '?');
export const Plus = operator('Plus', '+');
export const Slash = operator('Slash', '/');
export const Minus = operator('Minus', '-');

export const allTokens: TokenType[] = [
  WhiteSpace,
  LineComment,
  BlockComment,
  RegexLiteral,
  ParamRef,
  SmartClass,
  StringLiteral,
  DateLiteral,
  DateNow,
  // A keyword that is a prefix of another (AS of ASC, OR of ORDER) comes after it.
  Tree,
  Unique,
  Order,
  By,
  Asc,
  Desc,
  Skip,
  Limit,
  Relates,
  To,
  Find,
  With,
  That,
  As,
  And,
  Or,
  Where,
  Return,
  True,
  False,
  Undefined,
  SoftKeyword,
  Identifier,
  NumberLiteral,
  Bracketed,
  NotContains,
  NotStartsWith,
  NotEndsWith,
  NotEquals,
  Contains,
  StartsWith,
  EndsWith,
  GreaterOrEqual,
  LessOrEqual,
  Outgoing,
  Incoming,
  Greater,
  Less,
  Equals,
  Bang,
  LParen,
  RParen,
  Pipe,
  Comma,
  Dot,
  Star,
  Question,
  Plus,
  Minus,
  Slash,
];

export const queryLexer = new Lexer(allTokens, { ensureOptimizations: false, positionTracking: 'full' });
