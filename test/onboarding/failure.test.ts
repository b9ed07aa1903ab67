import test from 'ava';
import * as pulumi from '@pulumi/pulumi';
import { recorded, valueOf } from './mocks';
import type * as Onboarding from '../../onboarding';
// Loaded after the mocks are set (the mocks module calls setMocks on import).
const onboarding = require('../../onboarding') as typeof Onboarding;

/*
 * A failed onboarding reaches Pulumi the way a real run reports it: the component's outputs reject,
 * and the rejection nobody awaits (the component's registered outputs) is reported by the Pulumi
 * language host's unhandled-rejection handler. This file stands in for that handler, so it runs in
 * its own process; every rejection it sees must be the expected error.
 */
const unhandled: unknown[] = [];
process.removeAllListeners('unhandledRejection');
process.on('unhandledRejection', (reason) => {
  unhandled.push(reason);
});

test.serial('an unknown declared action fails the onboarding with an error naming the collector, on the component', async (t) => {
  const component = new onboarding.OrganizationOnboarding('unknown-action', {
    externalId: 'unknown-action-id',
    collectors: [{ id: 'ec2-imaginary', permissions: ['ec2:DescribeImaginaryThings'] }],
  });
  const error = await t.throwsAsync(component.ready);
  t.true(pulumi.ResourceError.isInstance(error), 'reported as an error of the component, without a stack');
  t.regex(
    error?.message ?? '',
    /^collector ec2-imaginary declares an unknown IAM action: "ec2:DescribeImaginaryThings": IAM's ec2 service has no such action$/,
  );
  await t.throwsAsync(valueOf(component.roleArns), { message: /ec2-imaginary/ });
  await t.throwsAsync(component.roles, { message: /ec2-imaginary/ });
  // Give the runtime time to report the registered outputs' failure.
  await new Promise((resolve) => setTimeout(resolve, 200));
  t.is(recorded('unknown-action', 'aws:iam/role:Role').length, 0, 'no role is created');
  t.true(unhandled.length > 0, 'the failure reaches the run as an error');
  for (const reason of unhandled) t.regex(String((reason as Error)?.message ?? reason), /ec2-imaginary/);
});

test.serial('a write action declared by a collector fails the onboarding: the role stays read-only', async (t) => {
  const component = new onboarding.OrganizationOnboarding('write-action', {
    externalId: 'write-action-id',
    collectors: [{ id: 's3-writer', permissions: ['s3:PutBucketPolicy', 'kms:ListKeys'] }],
  });
  const error = await t.throwsAsync(component.ready);
  t.regex(error?.message ?? '', /s3:PutBucketPolicy \(access level "Permissions management, Write", declared by s3-writer\)/);
  await new Promise((resolve) => setTimeout(resolve, 200));
  t.is(recorded('write-action', 'aws:iam/role:Role').length, 0);
  for (const reason of unhandled) t.regex(String((reason as Error)?.message ?? reason), /ec2-imaginary|s3-writer/);
});
