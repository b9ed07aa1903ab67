import test from 'ava';
import * as pulumi from '@pulumi/pulumi';
import { calls, MANAGEMENT, MEMBER_A, MEMBER_B, recorded, UNREADABLE_TAGS, valueOf } from './mocks';
// Loaded after the mocks are set (the mocks module calls setMocks on import).
import type * as Onboarding from '../../onboarding';
const onboarding = require('../../onboarding') as typeof Onboarding;

const EXTERNAL_ID = 'test-external-id_0123456789';
UNREADABLE_TAGS.add(MEMBER_B);

test.serial('an account whose tags cannot be read is skipped with the reason; the rest of the organization is onboarded', async (t) => {
  const result = onboarding.onboardOrganization({ externalId: pulumi.secret(EXTERNAL_ID) }, {});
  const roleArns = await valueOf(result.roleArns);
  t.deepEqual(Object.keys(roleArns).sort(), [MANAGEMENT, MEMBER_A]);
  const skipped = await valueOf(result.skippedAccounts);
  const unreadable = skipped.find((account) => account.id === MEMBER_B);
  t.regex(unreadable?.reason ?? '', /^its tags cannot be read, so whether it is tagged to be skipped is unknown/);
  t.is(recorded('aws-org-graph', 'aws:iam/role:Role').filter((role) => role.name.includes(MEMBER_B)).length, 0);
});

test.serial('accounts that accountIds leaves out are filtered before any per-account call', async (t) => {
  calls.length = 0;
  const result = onboarding.onboardOrganization({ externalId: pulumi.secret(EXTERNAL_ID), accountIds: [MEMBER_A] }, {});
  t.deepEqual(Object.keys(await valueOf(result.roleArns)), [MEMBER_A]);
  const tagReads = calls.filter((call) => call.token === 'aws:organizations/getResourceTags:getResourceTags').map((call) => call.inputs.resourceId);
  t.deepEqual(tagReads, [MEMBER_A], 'only the listed account has its tags read');
  const skipped = await valueOf(result.skippedAccounts);
  t.is(skipped.find((account) => account.id === MEMBER_B)?.reason, 'not in the configured accounts');
});
