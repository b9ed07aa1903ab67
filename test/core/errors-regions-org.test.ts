import test from 'ava';
import { ServiceException } from '@smithy/smithy-client';
import { classifyError } from '../../src/aws/errors';
import { selectRegions } from '../../src/aws/regions';
import { filterAccounts, type OrganizationAccount } from '../../src/aws/organization';

const awsError = (name: string, status: number, message = name) =>
  new ServiceException({ name, message, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status } });

test('errors are classified as gaps, retryable or unexpected', (t) => {
  t.like(classifyError(awsError('UnauthorizedOperation', 403)), { kind: 'gap', code: 'AccessDenied' });
  t.like(classifyError(awsError('AccessDeniedException', 400)), { kind: 'gap', code: 'AccessDenied' });
  t.like(
    classifyError(awsError('AccessDenied', 403, 'User: x is not authorized to perform: iam:ListUsers with an explicit deny in a service control policy')),
    { kind: 'gap', code: 'ScpDenied' },
  );
  t.like(classifyError(awsError('OptInRequired', 403)), { kind: 'gap', code: 'NotEnabled' });
  t.like(classifyError(Object.assign(new Error('getaddrinfo ENOTFOUND x.ap-east-1.amazonaws.com'), { code: 'ENOTFOUND' })), {
    kind: 'gap',
    code: 'NotOfferedInRegion',
  });
  t.like(classifyError(awsError('RequestLimitExceeded', 503)), { kind: 'retryable', code: 'Throttled' });
  t.like(classifyError(awsError('SomethingElse', 429)), { kind: 'retryable', code: 'Throttled' });
  t.like(classifyError(awsError('InternalError', 500)), { kind: 'retryable', code: 'Transient' });
  t.like(classifyError(new TypeError("Cannot read properties of undefined (reading 'Instances')")), { kind: 'unexpected', code: 'Unexpected' });
});

test('region selection skips opt-in regions, other partitions and excluded regions, with reasons', (t) => {
  const regions = [
    { RegionName: 'us-east-1', OptInStatus: 'opt-in-not-required' },
    { RegionName: 'eu-west-1', OptInStatus: 'opt-in-not-required' },
    { RegionName: 'ap-east-1', OptInStatus: 'not-opted-in' },
    { RegionName: 'me-south-1', OptInStatus: 'opted-in' },
    { RegionName: 'cn-north-1', OptInStatus: 'opt-in-not-required' },
    { RegionName: 'us-gov-west-1', OptInStatus: 'opt-in-not-required' },
  ];
  const all = selectRegions(regions);
  t.deepEqual(all.enabled, ['eu-west-1', 'me-south-1', 'us-east-1']);
  t.deepEqual(
    all.skipped.map((s) => s.region),
    ['ap-east-1', 'cn-north-1', 'us-gov-west-1'],
  );
  t.regex(all.skipped[0].reason, /not enabled/);
  const filtered = selectRegions(regions, { include: ['us-east-1', 'ap-east-1', 'xx-nowhere-1'], exclude: ['eu-west-1'] });
  t.deepEqual(filtered.enabled, ['us-east-1']);
  t.regex(filtered.skipped.find((s) => s.region === 'eu-west-1')?.reason ?? '', /not in the configured regions/);
  t.regex(filtered.skipped.find((s) => s.region === 'xx-nowhere-1')?.reason ?? '', /unknown/);
  t.deepEqual(selectRegions(regions, { exclude: ['us-east-1'] }).enabled, ['eu-west-1', 'me-south-1']);
});

test('account filter skips the SKIP tag (any case of the value), inactive accounts and unlisted accounts', (t) => {
  const account = (id: string, status: string, tags: Record<string, string> = {}): OrganizationAccount => ({ id, name: `a${id}`, status, tags });
  const accounts = [
    account('111111111111', 'ACTIVE'),
    account('222222222222', 'ACTIVE', { 'j1-integration': 'skip' }),
    account('333333333333', 'SUSPENDED'),
    account('444444444444', 'ACTIVE', { team: 'x' }),
  ];
  const result = filterAccounts(accounts);
  t.deepEqual(
    result.accounts.map((a) => a.id),
    ['111111111111', '444444444444'],
  );
  t.deepEqual(
    result.skipped.map((s) => [s.accountId, s.reason]),
    [
      ['222222222222', 'tagged j1-integration:SKIP'],
      ['333333333333', 'account status is SUSPENDED'],
    ],
  );
  const custom = filterAccounts(accounts, { skipTag: { key: 'team', value: 'x' }, only: ['111111111111', '444444444444', '222222222222'] });
  t.deepEqual(
    custom.accounts.map((a) => a.id),
    ['111111111111', '222222222222'],
  );
});
