import test from 'ava';
import { accountSummaryProperties, convertAccount } from '../../src/services/account/converters';
import { validateEntity } from '../../src/graph';
import { builtinWorld, simulate } from '../helpers/simulate';

test('convertAccount: organization facts, the alias as display name and the IAM account summary', (t) => {
  const entity = convertAccount(
    {
      accountId: '222222222222',
      name: 'acme-production',
      organization: {
        managementAccountId: '111111111111',
        email: 'aws-prod@acme.example',
        status: 'ACTIVE',
        joinedMethod: 'CREATED',
        joinedTimestamp: new Date('2019-04-12T09:30:00Z'),
      },
    },
    { aliases: ['acme-prod'], summary: { AccountMFAEnabled: 0, AccountAccessKeysPresent: 1, Users: 5, Roles: 9 } },
  );
  t.is(entity.name, 'acme-production');
  t.is(entity.displayName, 'acme-prod');
  t.is(entity.orgAccountName, 'acme-production');
  t.false(entity.master);
  t.false(entity.mfaEnabled);
  t.true(entity.accountAccessKeysPresent);
  t.is(entity.iamUserCount, 5);
  t.is(entity.joinedOn, Date.parse('2019-04-12T09:30:00Z'));
  t.deepEqual(validateEntity(entity), []);
  // Without alias or summary: the name, and no guessed facts.
  const bare = convertAccount({ accountId: '123456789012' });
  t.is(bare.displayName, '123456789012');
  t.is(bare.mfaEnabled, undefined);
  t.deepEqual(accountSummaryProperties(undefined), {});
  t.is(accountSummaryProperties({ AccountMFAEnabled: 1 }).mfaEnabled, true);
});

test('the account collector reads the alias and the root facts of every ingested account', async (t) => {
  const { graph, summary } = await simulate(builtinWorld());
  t.deepEqual(
    summary.errors.filter((e) => e.service === 'account'),
    [],
  );
  const account = (id: string) => graph.getEntity(`aws:account:${id}`);
  t.like(account('111111111111'), {
    displayName: 'acme-management',
    master: true,
    mfaEnabled: true,
    accountAccessKeysPresent: false,
    rootUserAccessKeyEnabled: false,
  });
  t.like(account('222222222222'), { displayName: 'acme-prod', name: 'acme-production', master: false, mfaEnabled: false, passwordPolicyPresent: false });
  t.like(account('333333333333'), {
    displayName: 'acme-stg',
    mfaEnabled: true,
    accountAccessKeysPresent: true,
    rootUserAccessKeyEnabled: true,
    rootUserHardwareMfaEnabled: false,
  });
  // Management HAS member, and HAS every service.
  const edges = [...graph.allRelationships()];
  t.true(edges.some((r) => r._type === 'aws_account_has_account' && r._toEntityKey === 'aws:account:333333333333'));
  t.true(edges.some((r) => r._type === 'aws_account_has_iam' && r._fromEntityKey === 'aws:account:222222222222'));
  t.true(account('111111111111')?._collector === 'account');
});

test('a denied account summary is recorded, and root MFA then comes from the credential report', async (t) => {
  const world = builtinWorld();
  world.faults = [
    { account: '222222222222', service: 'iam', operation: 'GetAccountSummary', error: 'AccessDenied' },
    { account: '333333333333', service: 'iam', operation: 'ListAccountAliases', error: 'AccessDenied' },
  ];
  const { graph, summary } = await simulate(world);
  t.deepEqual(
    summary.errors.filter((e) => e.service === 'account').map((e) => [e.account, e.operation, e.code]),
    [
      ['222222222222', 'iam:GetAccountSummary', 'AccessDenied'],
      ['333333333333', 'iam:ListAccountAliases', 'AccessDenied'],
    ],
  );
  const production = graph.getEntity('aws:account:222222222222');
  t.is(production?.mfaEnabled, false); // the <root_account> row's mfa_active
  t.is(production?.accountAccessKeysPresent, undefined);
  t.is(production?.displayName, 'acme-prod');
  const staging = graph.getEntity('aws:account:333333333333');
  t.is(staging?.displayName, 'acme-staging'); // the organization's name when the alias is unknown
  t.is(staging?.alias, undefined);
  t.is(staging?.mfaEnabled, true);
});
