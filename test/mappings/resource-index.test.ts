import test from 'ava';
import { compileArnPattern, literalPrefix, parseArn } from '../../src/analysis/arn';
import { ResourceIndex } from '../../src/analysis/resource-index';
import { createEntity, type Entity } from '../../src/graph';
import { selectCollectors } from '../../src/services';
import { MAPPINGS_SERVICE } from '../../src/analysis/mappings';
import { seededRandom } from '../../src/sim/random';

function resource(arn: string, type = 'aws_thing'): Entity {
  return createEntity({ _key: arn, _type: type, _class: ['Resource'], name: arn });
}

test('ARN patterns: wildcards stay inside the first five fields and may cross / and : in the resource', (t) => {
  t.true(compileArnPattern('arn:aws:s3:::acme-*')('arn:aws:s3:::acme-data/some/key'));
  t.true(compileArnPattern('arn:aws:ec2:*:111111111111:instance/*')('arn:aws:ec2:eu-west-1:111111111111:instance/i-1'));
  t.false(compileArnPattern('arn:aws:ec2:*:111111111111:instance/*')('arn:aws:ec2:eu-west-1:222222222222:instance/i-1'));
  t.false(compileArnPattern('arn:aws:ec2:us-*:*:*')('arn:aws:ec2:eu-west-1:1:instance/i'));
  t.true(compileArnPattern('arn:aws:iam::111111111111:role/?pp')('arn:aws:iam::111111111111:role/app'));
  t.false(compileArnPattern('arn:aws:iam::111111111111:role/app')('arn:aws:iam::111111111111:role/App'), 'case-sensitive');
  t.is(literalPrefix('arn:aws:s3:::acme-?ata-*'), 'arn:aws:s3:::acme-');
  t.deepEqual(parseArn('arn:aws:iam::111111111111:role/path/name'), {
    partition: 'aws',
    service: 'iam',
    region: '',
    account: '111111111111',
    resource: 'role/path/name',
  });
  t.is(parseArn('not-an-arn'), undefined);
});

test('the index finds exactly what testing every resource would find', (t) => {
  const random = seededRandom(7);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  const regions = ['us-east-1', 'us-west-2', 'eu-west-1'];
  const accounts = ['111111111111', '222222222222'];
  const arns = new Set<string>();
  for (let i = 0; i < 3000; i++) {
    const kind = pick(['bucket', 'instance', 'role', 'key', 'volume']);
    const id = `${pick(['app', 'data', 'log', 'acme-data', 'acme-logs'])}-${Math.floor(random() * 500)}`;
    if (kind === 'bucket') arns.add(`arn:aws:s3:::${id}`);
    else if (kind === 'role') arns.add(`arn:aws:iam::${pick(accounts)}:role/${pick(['', 'svc/'])}${id}`);
    else if (kind === 'key') arns.add(`arn:aws:kms:${pick(regions)}:${pick(accounts)}:key/${id}`);
    else arns.add(`arn:aws:ec2:${pick(regions)}:${pick(accounts)}:${kind}/${id}`);
  }
  const entities = [...arns].map((arn) => resource(arn));
  // Entities that are not resources: no ARN, or a policy keyed after its bucket.
  entities.push(
    resource('aws:111111111111:service:s3'),
    createEntity({ _key: 'arn:aws:s3:::acme-data-1|policy', _type: 'aws_s3_bucket_policy', _class: ['AccessPolicy'], name: 'p' }),
  );
  const index = new ResourceIndex(entities);
  t.is(index.size, arns.size);

  const patterns = [
    'arn:aws:s3:::acme-data-*',
    'arn:aws:s3:::acme-data-*/*',
    'arn:aws:s3:::*',
    'arn:aws:s3:::app-1?',
    'arn:aws:s3:::log-42',
    'arn:aws:ec2:*:111111111111:instance/*',
    'arn:aws:ec2:us-east-1:*:volume/data-*',
    'arn:aws:ec2:eu-west-1:222222222222:instance/app-*',
    'arn:aws:iam::111111111111:role/svc/*',
    'arn:aws:iam::*:role/acme-*',
    'arn:aws:kms:*:*:key/*',
    'arn:aws:*:*:111111111111:*',
    'arn:aws:iam::111111111111:role/nothing-like-this',
  ];
  for (const pattern of patterns) {
    const s3Objects = pattern.startsWith('arn:aws:s3:::') && pattern.slice(13).includes('/');
    const matcher = compileArnPattern(s3Objects ? pattern.slice(0, pattern.indexOf('/', 13)) : pattern);
    const expected = [...arns].filter((arn) => matcher(arn)).sort();
    const found = index
      .match(pattern)
      .map((r) => r.arn)
      .sort();
    t.deepEqual(found, expected, pattern);
  }
  t.is(index.match('arn:aws:s3:::acme-data-*'), index.match('arn:aws:s3:::acme-data-*'), 'results are cached per pattern');
});

test('mapping collectors follow the selection instead of pulling excluded services back in', (t) => {
  const all = selectCollectors();
  const mappings = all.filter((c) => c.service === MAPPINGS_SERVICE);
  t.deepEqual(mappings.map((c) => c.id).sort(), ['mappings-allows', 'mappings-instance-profiles', 'mappings-people', 'mappings-trusts']);
  t.true(mappings.every((c) => c.permissions.length === 0 && c.scope === 'global' && c.dependsOn.includes('account')));

  const withoutEc2 = selectCollectors({ exclude: ['ec2'] });
  t.false(withoutEc2.some((c) => c.service === 'ec2'));
  t.true(withoutEc2.some((c) => c.id === 'mappings-trusts'));
  const ids = new Set(withoutEc2.map((c) => c.id));
  t.true(withoutEc2.every((c) => c.dependsOn.every((d) => ids.has(d))));

  t.false(selectCollectors({ exclude: ['mappings'] }).some((c) => c.service === MAPPINGS_SERVICE));
});
