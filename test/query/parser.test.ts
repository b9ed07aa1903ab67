import test from 'ava';
import { parseQuery, QueryError, QuerySemanticError, QuerySyntaxError, type Comparison, type Hop, type Literal, type Query } from '../../src/query';

/** The AST without positions and text, to compare two spellings of one query. */
function shape(query: Query): unknown {
  return JSON.parse(JSON.stringify({ ...query, text: undefined }, (key, value) => (key === 'position' ? undefined : value)));
}

function firstComparison(text: string): Comparison {
  const filter = parseQuery(text).start.filter;
  if (filter?.kind !== 'comparison') throw new Error(`no single comparison in ${text}`);
  return filter;
}

function literal(text: string): Literal {
  const right = firstComparison(`FIND x WITH p = ${text}`).right;
  if (right.kind === 'set' || right.kind === 'property') throw new Error('not a literal');
  return right;
}

function hops(text: string): Hop[] {
  return parseQuery(text).traversal.filter((item): item is Hop => item.kind === 'hop');
}

function syntaxError(t: import('ava').ExecutionContext, text: string): QuerySyntaxError {
  const error = t.throws(() => parseQuery(text), { instanceOf: QuerySyntaxError }) as QuerySyntaxError;
  return error;
}

test('FIND selects by class (TitleCase), type (snake_case), any (*) and alternation', (t) => {
  t.deepEqual(parseQuery('FIND User').start.selector, { kind: 'names', names: [{ name: 'User', field: '_class' }] });
  t.deepEqual(parseQuery('FIND aws_iam_user').start.selector, { kind: 'names', names: [{ name: 'aws_iam_user', field: '_type' }] });
  t.deepEqual(parseQuery('FIND *').start.selector, { kind: 'any' });
  t.deepEqual(parseQuery('FIND (Host | aws_s3_bucket|DataStore)').start.selector, {
    kind: 'names',
    names: [
      { name: 'Host', field: '_class' },
      { name: 'aws_s3_bucket', field: '_type' },
      { name: 'DataStore', field: '_class' },
    ],
  });
});

test('keywords are case-insensitive; names keep their case', (t) => {
  const upper = parseQuery(
    'FIND UNIQUE aws_instance WITH active = TRUE AS i THAT USES >> aws_ebs_volume AS v WHERE v.size > 1 RETURN i.name ORDER BY i.name DESC SKIP 1 LIMIT 2',
  );
  const lower = parseQuery(
    'find unique aws_instance with active = true as i that uses >> aws_ebs_volume as v where v.size > 1 return i.name order by i.name desc skip 1 limit 2',
  );
  const mixed = parseQuery(
    'Find Unique aws_instance With active = True As i That Uses >> aws_ebs_volume aS v WhErE v.size > 1 Return i.name Order By i.name Desc Skip 1 Limit 2',
  );
  t.deepEqual(shape(lower), shape(upper));
  t.deepEqual(shape(mixed), shape(upper));
  t.is(upper.unique, true);
  t.deepEqual(hops('find x that uses y')[0].verbs, ['USES']);
  // A name that starts like a keyword is a name.
  t.deepEqual(parseQuery('FIND Finding WITH order = 1 AND limit = 2').start.selector, { kind: 'names', names: [{ name: 'Finding', field: '_class' }] });
});

test('every comparison operator', (t) => {
  for (const operator of ['=', '!=', '<', '>', '<=', '>=', '~=', '^=', '$=', '!~=', '!^=', '!$='] as const) {
    const comparison = firstComparison(`FIND x WITH name ${operator} 'a'`);
    t.is(comparison.operator, operator);
    t.deepEqual(comparison.left, { kind: 'property', name: 'name', position: { line: 1, column: 13, offset: 12 } });
  }
  // No spaces needed.
  t.is(firstComparison('FIND x WITH a!=1').operator, '!=');
  t.is(firstComparison('FIND x WITH a<=1').operator, '<=');
});

test('values: strings in either quotes, numbers, booleans, undefined', (t) => {
  t.deepEqual(literal("'it''s'".replace("''", "\\'")), { kind: 'string', value: "it's" });
  t.deepEqual(literal('"say \\"hi\\""'), { kind: 'string', value: 'say "hi"' });
  t.deepEqual(literal("'a // not a comment'"), { kind: 'string', value: 'a // not a comment' });
  t.deepEqual(literal('42'), { kind: 'number', value: 42 });
  t.deepEqual(literal('-7.5'), { kind: 'number', value: -7.5 });
  t.deepEqual(literal('true'), { kind: 'boolean', value: true });
  t.deepEqual(literal('FALSE'), { kind: 'boolean', value: false });
  t.deepEqual(literal('undefined'), { kind: 'undefined' });
});

test('sets of values with OR or AND', (t) => {
  t.deepEqual(firstComparison('FIND x WITH p = (\'a\' OR "b" or 3)').right, {
    kind: 'set',
    combinator: 'or',
    values: [
      { kind: 'string', value: 'a' },
      { kind: 'string', value: 'b' },
      { kind: 'number', value: 3 },
    ],
  });
  const and = firstComparison("FIND x WITH p != ('a' AND 'b')");
  t.is(and.operator, '!=');
  t.deepEqual(and.right, {
    kind: 'set',
    combinator: 'and',
    values: [
      { kind: 'string', value: 'a' },
      { kind: 'string', value: 'b' },
    ],
  });
});

test('absolute and relative dates', (t) => {
  t.deepEqual(literal('date(2024-01-31)'), { kind: 'date', value: Date.UTC(2024, 0, 31), text: '2024-01-31' });
  t.deepEqual(literal('date(2024)'), { kind: 'date', value: Date.UTC(2024, 0, 1), text: '2024' });
  t.deepEqual(literal('date(2019-10-30T18:12:23.500Z)'), { kind: 'date', value: Date.UTC(2019, 9, 30, 18, 12, 23, 500), text: '2019-10-30T18:12:23.500Z' });
  t.deepEqual(literal('date(2019-10-30T18:12+02:00)'), { kind: 'date', value: Date.UTC(2019, 9, 30, 16, 12), text: '2019-10-30T18:12+02:00' });
  t.deepEqual(literal('date.now - 90 days'), { kind: 'relativeDate', amount: -90, unit: 'day' });
  t.deepEqual(literal('date.now + 30days'), { kind: 'relativeDate', amount: 30, unit: 'day' });
  t.deepEqual(literal('date.now-24hours'), { kind: 'relativeDate', amount: -24, unit: 'hour' });
  t.deepEqual(literal('DATE.NOW - 1 Year'), { kind: 'relativeDate', amount: -1, unit: 'year' });
  t.deepEqual(literal('date.now - 2 mos'), { kind: 'relativeDate', amount: -2, unit: 'month' });
  t.deepEqual(literal('date.now - 3 hr'), { kind: 'relativeDate', amount: -3, unit: 'hour' });
  t.deepEqual(literal('date.now'), { kind: 'relativeDate', amount: 0, unit: 'day' });
});

test('property names: plain, dotted, bracketed', (t) => {
  t.is(firstComparison("FIND x WITH tag.Name = 'a'").left.name, 'tag.Name');
  t.is(firstComparison("FIND x WITH [tag.my-key] = 'a'").left.name, 'tag.my-key');
  t.is(firstComparison("FIND x WITH [tag.aws:cloudformation:stack-name] = 'a'").left.name, 'tag.aws:cloudformation:stack-name');
  t.is(firstComparison("FIND x WITH _source != 'system-mapper'").left.name, '_source');
  const where = parseQuery("FIND x AS a WHERE a.[tag.my-key] = 'v' AND a.tag.Name = 'n'").where;
  t.deepEqual(where?.kind === 'and' && where.operands.map((operand) => operand.kind === 'comparison' && [operand.left.alias, operand.left.name]), [
    ['a', 'tag.my-key'],
    ['a', 'tag.Name'],
  ]);
});

test('AND binds tighter than OR; parentheses group', (t) => {
  const filter = parseQuery('FIND x WITH a = 1 OR b = 2 AND c = 3').start.filter;
  t.is(filter?.kind, 'or');
  t.deepEqual(filter?.kind === 'or' && filter.operands.map((operand) => operand.kind), ['comparison', 'and']);
  const grouped = parseQuery('FIND x WITH (a = 1 OR b = 2) AND c = 3').start.filter;
  t.is(grouped?.kind, 'and');
  t.deepEqual(grouped?.kind === 'and' && grouped.operands.map((operand) => operand.kind), ['or', 'comparison']);
});

test('THAT: verbs, RELATES TO, direction, alternation, negation, TO filler', (t) => {
  const [uses, relates, allows, negated, connects] = hops('FIND a THAT uses >> b THAT RELATES TO c THAT (ALLOWS|trusts) << d THAT !HAS e THAT CONNECTS TO f');
  t.like(uses, { verbs: ['USES'], direction: 'out', negated: false });
  t.like(relates, { verbs: null, direction: 'both' });
  t.like(allows, { verbs: ['ALLOWS', 'TRUSTS'], direction: 'in' });
  t.like(negated, { verbs: ['HAS'], negated: true });
  t.like(connects, { verbs: ['CONNECTS'], direction: 'both' });
  t.like(hops('FIND a THAT !RELATES TO b')[0], { verbs: null, negated: true });
  t.deepEqual(
    hops('FIND a THAT HAS b THAT HAS c THAT HAS d THAT HAS e').map((hop) => hop.target.selector),
    ['b', 'c', 'd', 'e'].map((name) => ({ kind: 'names', names: [{ name, field: '_type' }] })),
  );
});

test('AS names entities (on either side of WITH) and relationships', (t) => {
  const query = parseQuery(
    'FIND aws_security_group AS sg WITH default = false THAT ALLOWS AS rule * AS src THAT ALLOWS AS r2 aws_instance WITH active = true AS i',
  );
  t.is(query.start.alias, 'sg');
  const [first, second] = hops(query.text);
  t.is(first.relationshipAlias, 'rule');
  t.is(first.target.alias, 'src');
  t.deepEqual(first.target.selector, { kind: 'any' });
  t.is(second.relationshipAlias, 'r2');
  t.is(second.target.alias, 'i');
  t.truthy(second.target.filter);
});

test('optional traversals, with several hops and an alias', (t) => {
  const query = parseQuery('FIND User (THAT IS Person THAT OWNS Device)? AS who (THAT HAS Account)? THAT ASSIGNED AccessPolicy');
  t.deepEqual(
    query.traversal.map((item) => item.kind),
    ['optional', 'optional', 'hop'],
  );
  const [group] = query.traversal;
  t.is(group.kind === 'optional' && group.alias, 'who');
  t.is(group.kind === 'optional' && group.items.length, 2);
  // Nested groups are allowed.
  const nested = parseQuery('FIND a (THAT X b (THAT Y c)?)?').traversal[0];
  t.is(nested.kind === 'optional' && nested.items[1].kind, 'optional');
});

test('WHERE compares aliases with values and with each other', (t) => {
  const where = parseQuery('FIND a AS x THAT R b AS y WHERE x.p = y.q AND x.r != (1 OR 2)').where;
  t.is(where?.kind, 'and');
  const [cross, set] = where?.kind === 'and' ? where.operands : [];
  t.like(cross, { kind: 'comparison', left: { alias: 'x', name: 'p' }, right: { kind: 'property', alias: 'y', name: 'q' } });
  t.like(set, { kind: 'comparison', operator: '!=', right: { kind: 'set', combinator: 'or' } });
});

test('RETURN columns, alias.*, whole objects, aggregates, labels, TREE', (t) => {
  const returned = parseQuery(
    "FIND a AS x THAT R AS r b AS y RETURN x.name, x.tag.Name AS Name, y.*, r, count(y), COUNT(y.ids), min(y.n), max(y.n), avg(y.n) AS 'mean n', sum(y.[odd-name])",
  ).return;
  t.is(returned?.kind, 'columns');
  t.deepEqual(returned?.kind === 'columns' && returned.items.map(({ position: _position, ...item }) => item), [
    { kind: 'property', alias: 'x', name: 'name', label: 'x.name' },
    { kind: 'property', alias: 'x', name: 'tag.Name', label: 'Name' },
    { kind: 'all', alias: 'y', label: 'y.*' },
    { kind: 'object', alias: 'r', label: 'r' },
    { kind: 'aggregate', fn: 'count', alias: 'y', name: undefined, label: 'count(y)' },
    { kind: 'aggregate', fn: 'count', alias: 'y', name: 'ids', label: 'count(y.ids)' },
    { kind: 'aggregate', fn: 'min', alias: 'y', name: 'n', label: 'min(y.n)' },
    { kind: 'aggregate', fn: 'max', alias: 'y', name: 'n', label: 'max(y.n)' },
    { kind: 'aggregate', fn: 'avg', alias: 'y', name: 'n', label: 'mean n' },
    { kind: 'aggregate', fn: 'sum', alias: 'y', name: 'odd-name', label: 'sum(y.odd-name)' },
  ]);
  t.is(parseQuery('FIND a RETURN tree').return?.kind, 'tree');
});

test('UNIQUE, ORDER BY with several keys, SKIP, LIMIT', (t) => {
  const query = parseQuery('FIND UNIQUE a AS x ORDER BY x.b, x.c DESC, x.d ASC SKIP 5 LIMIT 10');
  t.is(query.unique, true);
  t.deepEqual(
    query.orderBy.map(({ alias, name, direction }) => [alias, name, direction]),
    [
      ['x', 'b', 'asc'],
      ['x', 'c', 'desc'],
      ['x', 'd', 'asc'],
    ],
  );
  t.is(query.skip, 5);
  t.is(query.limit, 10);
  const plain = parseQuery('FIND a');
  t.is(plain.limit, undefined);
  t.deepEqual(plain.orderBy, []);
});

test('a quoted string is a full-text search, with or without FIND', (t) => {
  t.deepEqual(parseQuery('"127.0.0.1"').start.selector, { kind: 'text', text: '127.0.0.1' });
  const query = parseQuery("Find 'admin' with _class = 'User' THAT HAS *");
  t.deepEqual(query.start.selector, { kind: 'text', text: 'admin' });
  t.truthy(query.start.filter);
  t.is(query.traversal.length, 1);
});

test('line and block comments are ignored', (t) => {
  const commented = parseQuery(`// open SSH
FIND aws_security_group /* the group */ AS sg
  THAT ALLOWS AS rule * // any source
  /* several
     lines */
  WHERE rule.fromPort <= 22`);
  t.deepEqual(shape(commented), shape(parseQuery('FIND aws_security_group AS sg THAT ALLOWS AS rule * WHERE rule.fromPort <= 22')));
});

test('syntax errors name line, column, what was found and what was expected', (t) => {
  const missingValue = syntaxError(t, 'FIND aws_instance WITH active =');
  t.is(missingValue.line, 1);
  t.is(missingValue.column, 32);
  t.is(missingValue.found, 'end of query');
  t.true(missingValue.expected.includes('a quoted string'));
  t.true(missingValue.expected.includes('TRUE'));
  t.true(missingValue.expected.includes('date.now'));
  t.regex(missingValue.message, /^line 1, column 32: found end of query, expected one of /);

  const twoLines = syntaxError(t, 'FIND aws_instance\n  THAT USES aws_ebs_volume WITH encrypted = false encrypted = true');
  t.is(twoLines.line, 2);
  t.is(twoLines.column, 51);
  t.is(twoLines.found, "'encrypted'");
  t.true(twoLines.expected.includes('AND'));
  t.true(twoLines.expected.includes('end of query'));

  const noFind = syntaxError(t, 'aws_instance');
  t.like(noFind, { line: 1, column: 1, found: "'aws_instance'" });
  t.deepEqual(noFind.expected, ['FIND', 'a quoted string']);

  const badVerb = syntaxError(t, 'FIND a THAT >> b');
  t.like(badVerb, { line: 1, column: 13, found: "'>>'" });
  t.true(badVerb.expected.includes('RELATES'));

  const unclosed = syntaxError(t, "FIND a WITH b = 'open");
  t.like(unclosed, { line: 1, column: 17, found: "'''" });
  t.regex(unclosed.message, /not closed/);

  const stray = syntaxError(t, 'FIND a WITH b # 1');
  t.like(stray, { line: 1, column: 15, found: "'#'" });

  const limitFirst = syntaxError(t, 'FIND a LIMIT 1 SKIP 2');
  t.like(limitFirst, { found: "'SKIP'", column: 16 });
  t.deepEqual(limitFirst.expected, ['end of query']);

  const badDate = syntaxError(t, 'FIND a WITH d > date(2024-02-30)');
  t.like(badDate, { line: 1, column: 17, found: "'date(2024-02-30)'" });
  const badUnit = syntaxError(t, 'FIND a WITH d > date.now - 3 weeks');
  t.like(badUnit, { column: 30, found: "'weeks'" });
  const badFunction = syntaxError(t, 'FIND a AS x RETURN median(x.n)');
  t.like(badFunction, { column: 20, found: "'median'" });
  t.true(syntaxError(t, 'FIND a LIMIT 1.5') instanceof QueryError);
});

test('WITH compares with values; WHERE needs alias.property', (t) => {
  const withProperty = syntaxError(t, 'FIND a WITH b = c');
  t.like(withProperty, { column: 17, found: "'c'" });
  const bareWhere = syntaxError(t, 'FIND a AS x WHERE b = 1');
  t.like(bareWhere, { column: 19, found: "'b'", expected: ['alias.property'] });
});

test('aliases must be defined once and exist where they are used', (t) => {
  const unknown = t.throws(() => parseQuery('FIND aws_instance AS i WHERE v.encrypted = false'), { instanceOf: QuerySemanticError });
  t.is(unknown?.message, 'line 1, column 30: unknown alias v (aliases: i)');
  const unknownReturn = t.throws(() => parseQuery('FIND aws_instance RETURN i.name'), { instanceOf: QuerySemanticError });
  t.is(unknownReturn?.message, 'line 1, column 26: unknown alias i (aliases: aws_instance)');
  const twice = t.throws(() => parseQuery('FIND a AS x THAT R b AS x'), { instanceOf: QuerySemanticError });
  t.regex(twice?.message ?? '', /the alias x is defined twice/);
  t.throws(() => parseQuery('FIND a AS x WITH p = 1 AS y'), { instanceOf: QuerySemanticError, message: /already has the alias x/ });
  t.throws(() => parseQuery('FIND a THAT !R AS r b'), { instanceOf: QuerySemanticError, message: /negated traversal/ });
  t.throws(() => parseQuery("FIND a WITH p = ('x' OR 'y' AND 'z')"), { instanceOf: QuerySemanticError, message: /either OR or AND/ });
  // Class and type names serve as aliases when they are not ambiguous.
  t.notThrows(() => parseQuery('FIND User THAT IS Person RETURN User.name, Person.email'));
  t.throws(() => parseQuery('FIND User THAT HAS Device THAT HAS User RETURN User.name'), { message: /names more than one selector/ });
  t.notThrows(() => parseQuery('FIND a (THAT R b)? AS ab WHERE ab.x = 1 RETURN ab.name'));
});
