import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import test from 'ava';
import { AwsAccess, type ClientPlugin } from '../../src/aws/access';
import { ManualClock } from '../helpers/clock';

test('credentials are shared per account, fetched once, and refreshed 5 minutes before they expire (half their lifetime when shorter)', async (t) => {
  const clock = new ManualClock();
  let calls = 0;
  let lifetimeMs = 60 * 60 * 1000;
  const base = async () => {
    calls++;
    await new Promise((resolve) => setImmediate(resolve));
    return { accessKeyId: `ASIA${calls}`, secretAccessKey: 'x', sessionToken: 'y', expiration: new Date(clock.now() + lifetimeMs) };
  };
  const access = new AwsAccess({ roleName: 'JupiterOne', baseCredentials: base, directAccountIds: ['111111111111'], credentialsClock: clock });
  const provider = access.credentialsFor('111111111111');
  t.is(access.credentialsFor('111111111111'), provider, 'one provider per account');
  const [a, b] = await Promise.all([provider(), provider()]);
  t.is(calls, 1, 'concurrent callers share one fetch');
  t.is(a.accessKeyId, b.accessKeyId);
  clock.advance(54 * 60 * 1000);
  await provider();
  t.is(calls, 1, 'fresh credentials are reused');
  clock.advance(2 * 60 * 1000); // 4 minutes left: within the 5-minute margin
  await provider();
  t.is(calls, 2, 'credentials close to expiry are fetched again');

  lifetimeMs = 2000; // short-lived: refreshed when half their lifetime is left
  clock.advance(60 * 60 * 1000);
  await provider();
  t.is(calls, 3);
  clock.advance(900);
  await provider();
  t.is(calls, 3, 'still more than half of their 2 s left');
  clock.advance(200);
  await provider();
  t.is(calls, 4, 'less than half of their 2 s left');
});

test('the role ARN is built from the account, the role path and the role name', (t) => {
  const access = new AwsAccess({ roleName: 'Auditor', rolePath: '/security/', baseCredentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
  t.is(access.roleArn('222222222222'), 'arn:aws:iam::222222222222:role/security/Auditor');
  t.is(new AwsAccess({ roleName: 'JupiterOne', baseCredentials: { accessKeyId: 'a', secretAccessKey: 'b' } }).roleArn('1'), 'arn:aws:iam::1:role/JupiterOne');
});

test('a credentials provider replaces AssumeRole: one provider per account, shared by its clients', async (t) => {
  const requested: string[] = [];
  let fetches = 0;
  const authorizations: string[] = [];
  // Answers every call after signing, keeping the Authorization header the signer wrote.
  const answer: ClientPlugin = {
    applyToStack: (stack) =>
      stack.add(
        () => async (args) => {
          const { request } = args as { request?: { headers?: Record<string, string> } };
          authorizations.push(request?.headers?.authorization ?? '');
          return { output: { Regions: [], $metadata: {} }, response: {} };
        },
        { step: 'finalizeRequest', priority: 'low', name: 'answer' },
      ),
  };
  const access = new AwsAccess({
    roleName: 'JupiterOne',
    baseCredentials: async () => {
      throw new Error('the base credentials are not used');
    },
    credentialsProvider: (accountId) => {
      requested.push(accountId);
      return async () => {
        fetches++;
        return { accessKeyId: `ASIA${accountId}`, secretAccessKey: 'secret', sessionToken: 'token', expiration: new Date(Date.now() + 3600_000) };
      };
    },
    stsPlugins: () => {
      throw new Error('no AssumeRole');
    },
    plugins: () => [answer],
  });
  try {
    for (const region of ['us-east-1', 'eu-west-1']) {
      await access.client(EC2Client, '111111111111', region).send(new DescribeRegionsCommand({}));
    }
    await access.client(EC2Client, '222222222222', 'us-east-1').send(new DescribeRegionsCommand({}));
    t.deepEqual(requested, ['111111111111', '222222222222'], 'one provider per account');
    t.is(access.credentialsFor('111111111111'), access.credentialsFor('111111111111'));
    t.is(authorizations.length, 3);
    t.regex(authorizations[0], /Credential=ASIA111111111111\/\d{8}\/us-east-1\/ec2\/aws4_request/);
    t.regex(authorizations[1], /Credential=ASIA111111111111\/\d{8}\/eu-west-1\/ec2\/aws4_request/);
    t.regex(authorizations[2], /Credential=ASIA222222222222\//);
    t.is(fetches, 2, "an account's clients share its credentials");
  } finally {
    access.destroy();
  }
});

test('credentials from a credentials provider are refreshed shortly before they expire', async (t) => {
  const clock = new ManualClock();
  let fetches = 0;
  const access = new AwsAccess({
    roleName: 'JupiterOne',
    credentialsClock: clock,
    credentialsProvider: () => async () => {
      fetches++;
      return { accessKeyId: 'ASIA', secretAccessKey: 'x', sessionToken: 'y', expiration: new Date(clock.now() + 15 * 60 * 1000) };
    },
  });
  const provider = access.credentialsFor('333333333333');
  await Promise.all([provider(), provider()]);
  t.is(fetches, 1, 'concurrent callers share one fetch');
  clock.advance(9 * 60 * 1000);
  await provider();
  t.is(fetches, 1);
  clock.advance(2 * 60 * 1000);
  await provider();
  t.is(fetches, 2, 'credentials within the refresh margin are fetched again');
});

/** Answers every call after `delayMs`, recording the access key it was signed with and the call's input. */
function recordingAnswer(seen: Array<{ accessKeyId: string; input: unknown }>, delayMs: () => number): ClientPlugin {
  return {
    applyToStack: (stack) =>
      stack.add(
        () => async (args) => {
          const { request, input } = args as { request?: { headers?: Record<string, string> }; input: unknown };
          const accessKeyId = /Credential=([^/]+)\//.exec(request?.headers?.authorization ?? '')?.[1] ?? '';
          seen.push({ accessKeyId, input });
          await new Promise((resolve) => setTimeout(resolve, delayMs()));
          return { output: { Regions: [], $metadata: {} }, response: {} };
        },
        { step: 'finalizeRequest', priority: 'low', name: 'recordingAnswer' },
      ),
  };
}

test("accounts share one SDK client per service and region, and every call is signed with its own account's credentials", async (t) => {
  const seen: Array<{ accessKeyId: string; input: unknown }> = [];
  const accounts = ['111111111111', '222222222222', '333333333333'];
  const access = new AwsAccess({
    roleName: 'JupiterOne',
    credentialsProvider: (accountId) => async () => {
      // Credentials arrive at different times, so the accounts' calls interleave at every step.
      await new Promise((resolve) => setTimeout(resolve, Number(accountId[0]) * 3));
      return { accessKeyId: `ASIA${accountId}`, secretAccessKey: `secret-${accountId}`, sessionToken: 't', expiration: new Date(Date.now() + 3600_000) };
    },
    plugins: () => [recordingAnswer(seen, () => Math.floor(Math.random() * 4))],
  });
  try {
    const views = accounts.map((accountId) => access.client(EC2Client, accountId, 'eu-west-1', { accountId, region: 'eu-west-1', collector: 'test' }));
    t.is(new Set(views.map((view) => Object.getPrototypeOf(view))).size, 1, 'one SDK client serves every account of the region');
    t.not(access.client(EC2Client, accounts[0], 'us-east-1'), access.client(EC2Client, accounts[0], 'eu-west-1'), 'another region, another client');
    await Promise.all(
      Array.from({ length: 60 }, (_, i) => {
        const accountId = accounts[i % accounts.length];
        return views[i % accounts.length].send(new DescribeRegionsCommand({ RegionNames: [`call-of-${accountId}-${i}`] }));
      }),
    );
    t.is(seen.length, 60);
    for (const { accessKeyId, input } of seen) {
      const accountId = /call-of-(\d{12})-/.exec((input as { RegionNames: string[] }).RegionNames[0])?.[1];
      t.is(accessKeyId, `ASIA${accountId}`, 'signed with the credentials of the account that sent it');
    }
    for (const accountId of accounts) t.is(access.countersFor({ accountId, region: 'eu-west-1', collector: 'test' }).calls, 20);
  } finally {
    access.destroy();
  }
});

test("a shared client never signs outside an account's call: its signer factory refuses, and a bare command fails", async (t) => {
  const access = new AwsAccess({
    roleName: 'JupiterOne',
    credentialsProvider: () => async () => ({ accessKeyId: 'ASIA', secretAccessKey: 'x' }),
    plugins: () => [recordingAnswer([], () => 0)],
  });
  try {
    const view = access.client(EC2Client, '111111111111', 'us-east-1');
    const signer = (view.config as unknown as { signer: () => Promise<unknown> }).signer;
    await t.throwsAsync(signer(), { message: /outside of an account's call; refusing to sign/ });
    // The shared client itself (the view's prototype) knows no account.
    const shared = Object.getPrototypeOf(view) as EC2Client;
    await t.throwsAsync(shared.send(new DescribeRegionsCommand({})), { message: /DescribeRegionsCommand was sent without an account/ });
    await t.notThrowsAsync(view.send(new DescribeRegionsCommand({})));
  } finally {
    access.destroy();
  }
});
