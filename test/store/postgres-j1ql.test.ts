// J1QL compiled to SQL over a PostgreSQL snapshot answers as the in-memory index does on the same
// snapshot: same totals, same starting entities. Queries outside the compiled subset are left to the index.
import test from 'ava';
import { GraphIndex, parseQuery, runQuery } from '../../src/query';
import { compileJ1ql } from '../../src/store/postgres/j1ql';
import { PostgresStorage } from '../../src/store/postgres/store';
import { freshDatabase } from '../helpers/postgres';
import { builtinWorld, simulate } from '../helpers/simulate';

const COMPILED = [
  'FIND aws_s3_bucket',
  'FIND aws_iam_role THAT TRUSTS aws_account',
  'FIND aws_account THAT HAS aws_vpc THAT CONTAINS aws_subnet',
  'FIND aws_instance THAT USES aws_security_group WITH default = false',
  "FIND aws_instance WITH instanceType = ('t3.micro' OR 'm5.large') THAT USES aws_ebs_volume",
  'FIND aws_ebs_volume WITH encrypted != true',
  'FIND Host THAT USES aws_security_group',
  'FIND aws_vpc THAT CONTAINS >> aws_subnet',
  'FIND aws_subnet THAT CONTAINS << aws_vpc',
  'FIND aws_account THAT HAS * LIMIT 3',
];

const NOT_COMPILED = [
  'FIND aws_ebs_volume THAT !USES aws_instance',
  'FIND aws_instance AS i THAT USES aws_security_group AS g RETURN i._key, g._key',
  "FIND 'prod'",
  'FIND aws_instance WITH launchTime > date.now - 30 days',
];

test('chains compiled to SQL give the index answers on the same snapshot; other queries are not compiled', async (t) => {
  const url = await freshDatabase(t);
  if (!url) return t.pass();
  const store = new PostgresStorage(url);
  t.teardown(() => store.close());
  await simulate(builtinWorld(), { store });
  const ref = (await store.latest())!;
  const index = GraphIndex.fromSnapshot(await store.read(ref));
  for (const text of COMPILED) {
    const query = parseQuery(text);
    const compiled = compileJ1ql(query);
    if (!compiled) {
      t.fail(`${text}: not compiled`);
      continue;
    }
    const sql = await store.queryCompiled(ref, compiled);
    const expected = runQuery(index, query);
    t.is(sql.total, expected.total, `${text}: total`);
    const keys = (entities: ReadonlyArray<{ _key: string }>) => entities.map((entity) => entity._key).sort();
    if (expected.type === 'list' && expected.total <= expected.data.length) t.deepEqual(keys(sql.data), keys(expected.data), `${text}: entities`);
    else t.is(sql.data.length, Math.min(sql.total, text.includes('LIMIT 3') ? 3 : 250), `${text}: a page`);
  }
  t.true(
    COMPILED.some((text) => runQuery(index, text).total > 0),
    'the queries find something',
  );
  for (const text of NOT_COMPILED) t.is(compileJ1ql(parseQuery(text)), undefined, text);
});
