import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import test from 'ava';
import type { QueryResult } from '../../src/query';
import { exampleSnapshotDirectory, runCli } from '../helpers/cli';

const cli = (...args: string[]) => runCli(['query', ...args]);
const snapshotDirectory = () => exampleSnapshotDirectory('orggraph-query-');

test.serial('queries the latest snapshot of a directory and prints a table', async (t) => {
  const { directory } = await snapshotDirectory();
  const { code, stdout, stderr } = await cli('FIND aws_ebs_volume WITH encrypted = false', '--dir', directory);
  t.is(stderr, '');
  t.is(code, 0);
  const lines = stdout.trimEnd().split('\n');
  t.regex(lines[0], /^_type\s+displayName\s+_key$/);
  t.regex(lines[2], /^aws_ebs_volume\s+vol-2\s+key:aws_ebs_volume:vol2$/);
  t.regex(lines[3], /^aws_ebs_volume\s+vol-3\s+key:aws_ebs_volume:vol3$/);
  t.is(lines[4], '2 entities');
});

test.serial('--json prints { type, data, total }; --snapshot names the file', async (t) => {
  const { file } = await snapshotDirectory();
  const { code, stdout } = await cli('FIND aws_instance AS i RETURN i.region, count(i) ORDER BY i.region', '--snapshot', file, '--json');
  t.is(code, 0);
  const result = JSON.parse(stdout) as QueryResult;
  t.deepEqual(result, {
    type: 'aggregate',
    columns: ['i.region', 'count(i)'],
    data: [
      { 'i.region': 'eu-west-1', 'count(i)': 1 },
      { 'i.region': 'us-east-1', 'count(i)': 3 },
    ],
    total: 2,
  });
});

test.serial('rows, trees and truncated lists as text', async (t) => {
  const { directory } = await snapshotDirectory();
  const table = await cli(
    'FIND aws_security_group AS sg THAT ALLOWS AS rule * AS src WHERE rule.ingress = true AND rule.fromPort <= 22 AND rule.toPort >= 22 RETURN sg.displayName, src.CIDR',
    '--dir',
    directory,
    '--table',
  );
  t.is(table.code, 0);
  t.regex(table.stdout, /^sg\.displayName\s+src\.CIDR\n-+\s+-+\n/);
  t.regex(table.stdout, /ssh-open\s+0\.0\.0\.0\/0/);
  t.regex(table.stdout, /default\s+10\.0\.0\.0\/8/);
  t.regex(table.stdout, /\n2 rows\n$/);
  const tree = await cli("FIND aws_subnet WITH subnetId = 'subnet-b' THAT HAS aws_instance RETURN TREE", '--dir', directory);
  t.regex(tree.stdout, /^Entities \(2\)/);
  t.regex(tree.stdout, /private-a\s+HAS\s+batch\s+aws_subnet_has_instance/);
  const limited = await cli('FIND aws_iam_user LIMIT 1', '--dir', directory);
  t.regex(limited.stdout, /\n1 of 3 entities \(use LIMIT and SKIP for more\)\n$/);
});

test.serial('a bad query exits with code 2 and says where the problem is', async (t) => {
  const { directory } = await snapshotDirectory();
  const { code, stdout, stderr } = await cli('FIND aws_instance WITH active =', '--dir', directory);
  t.is(code, 2);
  t.is(stdout, '');
  t.regex(stderr, /^orggraph: bad query: line 1, column 32: found end of query, expected one of /);
  const alias = await cli('FIND aws_instance RETURN x.name', '--dir', directory);
  t.is(alias.code, 2);
  t.regex(alias.stderr, /bad query: line 1, column 26: unknown alias x/);
});

test.serial('without a snapshot it says to run orggraph ingest first', async (t) => {
  const empty = mkdtempSync(path.join(tmpdir(), 'orggraph-empty-'));
  const { code, stderr } = await cli('FIND aws_instance', '--dir', empty);
  t.is(code, 2);
  t.regex(stderr, /no snapshot in .* yet: run `orggraph ingest` first/);
  const missing = await cli('FIND aws_instance', '--snapshot', path.join(empty, 'nope.json'));
  t.is(missing.code, 2);
  t.regex(missing.stderr, /--snapshot .*nope\.json: no such file/);
  const both = await cli('FIND aws_instance', '--dir', empty, '--json', '--table');
  t.is(both.code, 2);
  t.regex(both.stderr, /--json and --table cannot be combined/);
});
