import test from 'ava';
import { EVERYONE } from '@jupiterone/data-model';
import { requiresExternalId, requiresMfa } from '../../src/analysis/trusts';
import { createEntity } from '../../src/graph';
import { serviceEntityKey } from '../../src/graph/service-entities';
import { ACCOUNT, accountGraph, accountKey, edgesFrom, edgeTo, instance, put, role, runMapping, user } from './helpers';

const assumeRole = (principal: unknown, condition?: unknown) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole', ...(condition ? { Condition: condition } : {}) }],
});

const EXTERNAL_ID = { StringEquals: { 'sts:ExternalId': 'vendor-7f3a' } };

test('a cross-account trust with an External ID points at a mapped account, validated only when it is ingested', async (t) => {
  const graph = accountGraph();
  const vendor = put(graph, role('vendor-monitoring', assumeRole({ AWS: 'arn:aws:iam::999999999999:root' }, EXTERNAL_ID)));
  await runMapping(graph, 'mappings-trusts');

  const edges = edgesFrom(graph, vendor._key, 'TRUSTS');
  t.is(edges.length, 1);
  const edge = edges[0];
  t.is(edge._toEntityKey, accountKey('999999999999'));
  t.is(edge._type, 'aws_iam_role_trusts_account');
  t.is(edge._key, `${vendor._key}|trusts|${accountKey('999999999999')}`);
  t.true(edge.externalIdRequired);
  t.false(edge.mfaRequired);
  t.is(edge.conditions, JSON.stringify(EXTERNAL_ID));
  t.deepEqual(edge.actions, ['sts:AssumeRole']);
  t.is(edge.principal, 'arn:aws:iam::999999999999:root');
  const account = graph.getEntity(accountKey('999999999999'));
  t.is(account?._type, 'aws_account');
  t.deepEqual(account?._class, ['Account']);
  t.is(account?._source, 'system-mapper');
  t.is(account?.validated, false);

  // The same trust when that account is part of the run (its account collector has not run yet).
  const again = accountGraph();
  put(again, role('vendor-monitoring', assumeRole({ AWS: '999999999999' }, EXTERNAL_ID)));
  await runMapping(again, 'mappings-trusts', { accounts: [ACCOUNT, '999999999999'] });
  t.is(again.getEntity(accountKey('999999999999'))?.validated, true);
  t.is(again.getEntity(accountKey('999999999999'))?._source, 'system-mapper');
});

test('cross-account roles and users: the entity when it is in the graph, else a mapped one', async (t) => {
  const graph = accountGraph();
  accountGraph(graph, '333333333333');
  const runner = put(graph, role('ci-runner', { Statement: [] }, '333333333333'), '333333333333');
  const deployer = put(
    graph,
    role('staging-deployer', {
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: [runner._key, 'arn:aws:iam::444444444444:user/release-bot', 'arn:aws:iam::333333333333:role/missing-role'] },
          Action: ['sts:AssumeRole', 'sts:TagSession'],
        },
      ],
    }),
  );
  await runMapping(graph, 'mappings-trusts', { accounts: [ACCOUNT, '333333333333'] });

  const direct = edgeTo(graph, deployer._key, 'TRUSTS', runner._key);
  t.is(direct?._type, 'aws_iam_role_trusts_role');
  t.deepEqual(direct?.actions, ['sts:AssumeRole', 'sts:TagSession']);
  t.is(graph.getEntity(runner._key)?._source, undefined, 'the real role is not replaced');

  const bot = graph.getEntity('arn:aws:iam::444444444444:user/release-bot');
  t.is(bot?._type, 'aws_iam_user');
  t.is(bot?.validated, false, '444444444444 is not ingested');
  t.truthy(edgeTo(graph, deployer._key, 'TRUSTS', bot?._key ?? ''));

  const missing = graph.getEntity('arn:aws:iam::333333333333:role/missing-role');
  t.is(missing?._type, 'aws_iam_role');
  t.is(missing?.validated, true, '333333333333 is ingested');
});

test('same-account trusts: the account root, users and roles by ARN; MFA conditions', async (t) => {
  const graph = accountGraph();
  const alice = put(graph, user('alice'));
  const breakGlass = put(
    graph,
    role('break-glass', {
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
          Action: 'sts:AssumeRole',
          Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
        },
        { Effect: 'Allow', Principal: { AWS: alice._key }, Action: 'sts:AssumeRole' },
        { Effect: 'Deny', Principal: { AWS: 'arn:aws:iam::999999999999:root' }, Action: 'sts:AssumeRole' },
      ],
    }),
  );
  await runMapping(graph, 'mappings-trusts');
  const root = edgeTo(graph, breakGlass._key, 'TRUSTS', accountKey(ACCOUNT));
  t.true(root?.mfaRequired);
  t.false(root?.externalIdRequired);
  t.is(edgeTo(graph, breakGlass._key, 'TRUSTS', alice._key)?._type, 'aws_iam_role_trusts_user');
  t.is(edgesFrom(graph, breakGlass._key, 'TRUSTS').length, 2, 'Deny statements give no edge');
  t.is(graph.getEntity(accountKey(ACCOUNT))?._source, undefined);
});

test('a SAML trust points at the account SAML provider', async (t) => {
  const graph = accountGraph();
  const providerArn = `arn:aws:iam::${ACCOUNT}:saml-provider/okta`;
  put(
    graph,
    createEntity({
      _key: providerArn,
      _type: 'aws_iam_saml_provider',
      _class: ['Service'],
      name: 'okta',
      properties: { arn: providerArn, category: ['security'], function: ['IAM'] },
    }),
  );
  const saml = { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } };
  const okta = put(
    graph,
    role('OktaAdministrators', {
      Statement: [{ Effect: 'Allow', Principal: { Federated: providerArn }, Action: ['sts:AssumeRoleWithSAML', 'sts:TagSession'], Condition: saml }],
    }),
  );
  const missing = put(
    graph,
    role('OldIdP', {
      Statement: [{ Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${ACCOUNT}:saml-provider/adfs` }, Action: 'sts:AssumeRoleWithSAML' }],
    }),
  );
  await runMapping(graph, 'mappings-trusts');
  const edge = edgeTo(graph, okta._key, 'TRUSTS', providerArn);
  t.is(edge?._type, 'aws_iam_role_trusts_saml_provider');
  t.deepEqual(edge?.actions, ['sts:AssumeRoleWithSAML', 'sts:TagSession']);
  t.is(edge?.principalType, 'Federated');
  t.is(edge?.conditions, JSON.stringify(saml));
  const adfs = graph.getEntity(`arn:aws:iam::${ACCOUNT}:saml-provider/adfs`);
  t.is(adfs?._type, 'aws_iam_saml_provider');
  t.is(adfs?._source, 'system-mapper');
  t.is(adfs?.validated, false, 'not among the collected providers of its own account');
  t.truthy(edgeTo(graph, missing._key, 'TRUSTS', adfs?._key ?? ''));
});

test('service trusts: the account service entity when it exists, else a mapped service principal', async (t) => {
  const graph = accountGraph();
  const app = put(graph, role('app-server', assumeRole({ Service: 'ec2.amazonaws.com' })));
  const lambda = put(graph, role('orders-lambda', assumeRole({ Service: ['lambda.amazonaws.com', 'edgelambda.amazonaws.com'] })));
  await runMapping(graph, 'mappings-trusts');
  const ec2 = edgeTo(graph, app._key, 'TRUSTS', serviceEntityKey(ACCOUNT, 'ec2'));
  t.is(ec2?._type, 'aws_iam_role_trusts_ec2');
  t.is(ec2?.principal, 'ec2.amazonaws.com');
  t.is(ec2?.principalType, 'Service');
  const lambdaEdges = edgesFrom(graph, lambda._key, 'TRUSTS');
  t.deepEqual(lambdaEdges.map((e) => e._toEntityKey).sort(), ['aws:service-principal:edgelambda.amazonaws.com', 'aws:service-principal:lambda.amazonaws.com']);
  const principal = graph.getEntity('aws:service-principal:lambda.amazonaws.com');
  t.is(principal?._type, 'aws_service_principal');
  t.deepEqual(principal?._class, ['Service']);
  t.is(principal?._source, 'system-mapper');
});

test('web identity, everyone and unknown principals', async (t) => {
  const graph = accountGraph();
  const github = put(
    graph,
    role('github-actions', {
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/*' } },
        },
        { Effect: 'Allow', Principal: { Federated: 'cognito-identity.amazonaws.com' }, Action: 'sts:AssumeRoleWithWebIdentity' },
      ],
    }),
  );
  const open = put(graph, role('open-to-all', assumeRole('*')));
  const openAws = put(graph, role('open-to-any-aws', assumeRole({ AWS: '*' })));
  const deleted = put(graph, role('deleted-principal', assumeRole({ AWS: 'AROAEXAMPLEDELETED123' })));
  await runMapping(graph, 'mappings-trusts');

  const oidc = edgeTo(graph, github._key, 'TRUSTS', `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`);
  t.is(oidc?._type, 'aws_iam_role_trusts_web_identity_provider');
  t.is(graph.getEntity(oidc?._toEntityKey ?? '')?.url, 'token.actions.githubusercontent.com');
  t.truthy(edgeTo(graph, github._key, 'TRUSTS', 'web-identity:cognito-identity.amazonaws.com'));
  t.is(edgeTo(graph, open._key, 'TRUSTS', EVERYONE._key)?._type, 'aws_iam_role_trusts_everyone');
  t.is(edgeTo(graph, openAws._key, 'TRUSTS', EVERYONE._key)?.principalType, 'Everyone');
  t.deepEqual(edgesFrom(graph, deleted._key, 'TRUSTS'), []);
});

test('External ID and MFA detection reads the condition operators', (t) => {
  t.true(requiresExternalId({ condition: { StringEquals: { 'STS:ExternalId': 'x' } } }));
  t.true(requiresExternalId({ condition: { StringLike: { 'sts:ExternalId': ['a*', 'b*'] } } }));
  t.false(requiresExternalId({ condition: { StringNotEquals: { 'sts:ExternalId': 'x' } } }));
  t.false(requiresExternalId({ condition: { Null: { 'sts:ExternalId': 'false' } } }));
  t.false(requiresExternalId({}));
  t.true(requiresMfa({ condition: { Bool: { 'aws:MultiFactorAuthPresent': true } } }));
  t.false(requiresMfa({ condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } }));
  t.true(requiresMfa({ condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } } }));
});

test('instance profiles: aws_instance USES the role of its profile', async (t) => {
  const graph = accountGraph();
  const profile = `arn:aws:iam::${ACCOUNT}:instance-profile/app-server`;
  const app = put(graph, role('app-server', assumeRole({ Service: 'ec2.amazonaws.com' }), ACCOUNT, { instanceProfileArns: [profile] }));
  put(
    graph,
    role('unrelated', assumeRole({ Service: 'ec2.amazonaws.com' }), ACCOUNT, { instanceProfileArns: [`arn:aws:iam::${ACCOUNT}:instance-profile/other`] }),
  );
  const withProfile = put(graph, instance('i-0a1b2c3d4e5f60001', profile));
  const withoutRole = put(graph, instance('i-0a1b2c3d4e5f60002', `arn:aws:iam::${ACCOUNT}:instance-profile/empty`));
  const bare = put(graph, instance('i-0a1b2c3d4e5f60003', undefined));
  await runMapping(graph, 'mappings-instance-profiles');
  const uses = edgesFrom(graph, withProfile._key, 'USES');
  t.is(uses.length, 1);
  t.is(uses[0]._toEntityKey, app._key);
  t.is(uses[0]._type, 'aws_instance_uses_iam_role');
  t.is(uses[0].instanceProfileArn, profile);
  t.deepEqual(edgesFrom(graph, withoutRole._key, 'USES'), []);
  t.deepEqual(edgesFrom(graph, bare._key, 'USES'), []);
});

test('placeholders shared by accounts are kept from the lowest account id, whatever the order', async (t) => {
  const build = () => {
    const graph = accountGraph();
    accountGraph(graph, '222222222222');
    put(graph, role('a', assumeRole({ AWS: '999999999999' })));
    put(graph, role('b', assumeRole({ AWS: '999999999999' }), '222222222222'), '222222222222');
    return graph;
  };
  const accounts = [ACCOUNT, '222222222222'];
  const forward = build();
  await runMapping(forward, 'mappings-trusts', { accountId: ACCOUNT, accounts });
  await runMapping(forward, 'mappings-trusts', { accountId: '222222222222', accounts });
  const backward = build();
  await runMapping(backward, 'mappings-trusts', { accountId: '222222222222', accounts });
  await runMapping(backward, 'mappings-trusts', { accountId: ACCOUNT, accounts });
  t.is(forward.getEntity(accountKey('999999999999'))?._accountId, ACCOUNT);
  t.deepEqual(forward.getEntity(accountKey('999999999999')), backward.getEntity(accountKey('999999999999')));
});
