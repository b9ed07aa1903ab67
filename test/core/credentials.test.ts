import test from 'ava';
import { AwsAccess } from '../../src/aws/access';

test('credentials are shared per account, fetched once, and refreshed shortly before they expire', async (t) => {
  let calls = 0;
  let lifetimeMs = 60 * 60 * 1000;
  const base = async () => {
    calls++;
    await new Promise((resolve) => setTimeout(resolve, 5));
    return { accessKeyId: `ASIA${calls}`, secretAccessKey: 'x', sessionToken: 'y', expiration: new Date(Date.now() + lifetimeMs) };
  };
  const access = new AwsAccess({ roleName: 'JupiterOne', baseCredentials: base, directAccountIds: ['111111111111'] });
  const provider = access.credentialsFor('111111111111');
  t.is(access.credentialsFor('111111111111'), provider, 'one provider per account');
  const [a, b] = await Promise.all([provider(), provider()]);
  t.is(calls, 1, 'concurrent callers share one fetch');
  t.is(a.accessKeyId, b.accessKeyId);
  await provider();
  t.is(calls, 1, 'fresh credentials are reused');
  lifetimeMs = 2 * 60 * 1000; // the next credentials expire within the refresh margin
  const access2 = new AwsAccess({ roleName: 'JupiterOne', baseCredentials: base, directAccountIds: ['111111111111'] });
  const expiring = access2.credentialsFor('111111111111');
  await expiring();
  await expiring();
  t.is(calls, 3, 'credentials close to expiry are fetched again');
});

test('the role ARN is built from the account, the role path and the role name', (t) => {
  const access = new AwsAccess({ roleName: 'Auditor', rolePath: '/security/', baseCredentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
  t.is(access.roleArn('222222222222'), 'arn:aws:iam::222222222222:role/security/Auditor');
  t.is(new AwsAccess({ roleName: 'JupiterOne', baseCredentials: { accessKeyId: 'a', secretAccessKey: 'b' } }).roleArn('1'), 'arn:aws:iam::1:role/JupiterOne');
});
