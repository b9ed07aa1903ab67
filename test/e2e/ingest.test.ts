import { rm } from 'node:fs/promises';
import test, { type ExecutionContext } from 'ava';
import { everyoneEntity, type Entity } from '../../src/graph';
import { allCollectors } from '../../src/services';
import { iamActionOfOperation } from '../../src/policy/operations';
import { checkCalls, UNSCOPED } from '../helpers/permissions';
import { BASE_CREDENTIALS, LEGACY_SUSPENDED, MANAGEMENT, PRODUCTION, SANDBOX_SKIPPED, runIngest, scenario, secretLeaks, type CliRun } from './helpers';

// End to end: `orggraph ingest` as a child process, over HTTP, against the loopback AWS of
// test/wire (fixtures shaped as the AWS API Reference documents them). No assertion depends on how
// fast the machine is: throttling storms count attempts, short credentials are told apart by the
// server's AssumeRole count, and held-back answers only set a lower bound on a run's duration.

/** The calm run of one account, which the other scenarios compare their graph with. */
let calmRun: Promise<CliRun> | undefined;
const calm = () => (calmRun ??= runIngest(scenario(), ['--accounts', PRODUCTION], { keepOutput: true }));
test.after.always(async () => {
  const outDir = calmRun && (await calmRun).outDir;
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

function entity(run: CliRun, key: string): Entity {
  const found = run.snapshot?.entities.find((e) => e._key === key);
  if (!found) throw new Error(`no entity ${key} in the snapshot`);
  return found;
}

function relationshipExists(run: CliRun, type: string, from: string, to: string): boolean {
  return run.snapshot?.relationships.some((r) => r._type === type && r._fromEntityKey === from && r._toEntityKey === to) ?? false;
}

function entityKeys(run: CliRun): string[] {
  return (run.snapshot?.entities ?? []).map((e) => e._key).sort();
}

/** The run ended well: exit code 0, a summary and a snapshot, and no secret anywhere in what it printed or wrote. */
function assertCleanRun(t: ExecutionContext, run: CliRun): void {
  t.is(run.code, 0, run.stderr);
  t.truthy(run.summary, 'the summary is printed as JSON on stdout');
  t.truthy(run.snapshot, 'the snapshot named in the summary was written');
  t.deepEqual(secretLeaks(run, [...run.server.secrets(), BASE_CREDENTIALS.secretAccessKey]), []);
  t.deepEqual(run.server.unanswered(), [], 'every request was answered from the fixtures');
  // Every request was signed with the keys of the account it was for (the server checks signatures).
  t.deepEqual(
    run.server
      .calls()
      .filter((c) =>
        ['SignatureDoesNotMatch', 'InvalidClientTokenId', 'AuthFailure', 'UnrecognizedClientException', 'InvalidAccessKeyId'].includes(c.error ?? ''),
      ),
    [],
  );
}

const APP_KEY = (account: string) => `arn:aws:kms:us-east-1:${account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

test('one account: the snapshot holds every service of the fixtures, with the facts of each call', async (t) => {
  const run = await calm();
  assertCleanRun(t, run);
  const summary = run.summary!;
  t.deepEqual(summary.errors, []);
  t.deepEqual(summary.accounts, [{ accountId: PRODUCTION }]);
  t.deepEqual(summary.regions, ['eu-west-1', 'us-east-1']);
  t.deepEqual(run.snapshot!.metadata.skippedRegions, [{ accountId: PRODUCTION, region: 'af-south-1', reason: 'not enabled for the account (opt-in region)' }]);
  t.is(summary.snapshot.sha256, run.snapshot!.metadata.graphSha256);
  t.like(summary.counts.entities, {
    aws_kms_key: 3,
    // The account's three, and the three log buckets CloudTrail's trails name (mapped: not in its S3 fixture).
    aws_s3_bucket: 3 + 3,
    aws_s3_bucket_policy: 2,
    aws_iam_user: 2,
    aws_iam_access_key: 3,
    aws_iam_role: 2,
    aws_iam_group: 1,
    aws_iam_policy: 3, // the customer-managed one and the two AWS-managed ones in use, not the unused one
    aws_vpc: 2 + 1 + 1, // and the peered VPC of an account outside the organization
    aws_subnet: 3 + 1,
    aws_instance: 1,
    aws_ebs_volume: 2,
    aws_ebs_snapshot: 2,
    aws_security_group: 3 + 1,
  });

  // Account: alias, IAM summary, root-user facts from the credential report, password policy.
  t.like(entity(run, `aws:account:${PRODUCTION}`), {
    alias: `example-${PRODUCTION}`,
    mfaEnabled: true,
    rootUserAccessKeyEnabled: false,
    passwordPolicyPresent: true,
    iamUserCount: 2,
  });
  // KMS: aliases name the keys, rotation status and tags of the customer key.
  t.like(entity(run, APP_KEY(PRODUCTION)), { displayName: 'app-data', keyRotationEnabled: true, keyManager: 'CUSTOMER', 'tag.Environment': 'production' });
  // S3: the SSE-KMS alias resolves to the key; the region of a bucket ListBuckets gives none comes from GetBucketLocation.
  const appData = `arn:aws:s3:::${PRODUCTION}-app-data`;
  t.like(entity(run, appData), {
    region: 'us-east-1',
    encryptionKeyRef: APP_KEY(PRODUCTION),
    versioningEnabled: true,
    replicationEnabled: true,
    loggingTargetBucket: `${PRODUCTION}-flow-logs`,
    public: false,
  });
  t.true(relationshipExists(run, 'aws_s3_bucket_uses_kms_key', appData, APP_KEY(PRODUCTION)));
  const publicSite = `arn:aws:s3:::${PRODUCTION}-public-site`;
  t.like(entity(run, publicSite), { region: 'eu-west-1', public: true, hasPolicy: true });
  t.true(relationshipExists(run, 'aws_s3_bucket_allows_everyone', publicSite, everyoneEntity()._key));
  t.like(entity(run, `arn:aws:s3:::${PRODUCTION}-flow-logs`), { objectLockEnabled: true, lifecycleRuleCount: 2 });
  // IAM: credential report, keys with last use, MFA, groups; the External ID of the trust policy is redacted.
  const alice = `arn:aws:iam::${PRODUCTION}:user/alice`;
  t.like(entity(run, alice), { passwordEnabled: true, mfaEnabled: true, accessKeyEnabled: true, 'tag.Team': 'platform' });
  t.true(relationshipExists(run, 'aws_iam_group_contains_user', `arn:aws:iam::${PRODUCTION}:group/Admins`, alice));
  t.like(entity(run, `arn:aws:iam::${PRODUCTION}:user/ci/deploy-bot`), { passwordEnabled: false, mfaEnabled: false, path: '/ci/' });
  const auditRole = entity(run, `arn:aws:iam::${PRODUCTION}:role/JupiterOne`);
  t.like(auditRole, { maxSessionDuration: 3600, description: 'Read-only audit role for aws-org-graph' });
  t.regex(String(auditRole.assumeRolePolicyDocument), /"sts:ExternalId":"<redacted>"/);
  // EC2: the instance with its role, EBS defaults per region on the service entity, SSH open to the Internet.
  const instance = `arn:aws:ec2:us-east-1:${PRODUCTION}:instance/i-1234567890abcdef0`;
  t.like(entity(run, instance), {
    publicIpAddress: '54.210.167.204',
    iamInstanceProfileArn: `arn:aws:iam::${PRODUCTION}:instance-profile/app-ec2`,
    state: 'running',
  });
  t.true(relationshipExists(run, 'aws_instance_uses_iam_role', instance, `arn:aws:iam::${PRODUCTION}:role/app-ec2`));
  t.like(entity(run, `aws:${PRODUCTION}:service:ec2`), { 'ebsEncryptionByDefault.us-east-1': true, 'ebsEncryptionByDefault.eu-west-1': false });
  t.true(run.snapshot!.relationships.some((r) => r._type === 'aws_security_group_allows_internet' && r.fromPort === 22 && r.ingress === true));

  // Paginated lists were read page by page (the server pages by two).
  const pages = (action: string) => run.server.calls().filter((c) => c.action === action && c.region === 'us-east-1' && c.status === 200).length;
  t.is(pages('ec2:DescribeSubnets'), 2);
  t.is(pages('s3:ListBuckets'), 2);
  t.is(pages('kms:ListAliases'), 2);
  t.is(pages('kms:ListKeys'), 2);
  t.is(pages('iam:GetAccountAuthorizationDetails'), 1 + 1 + 1 + 2, 'users, groups and roles in one page each, the four policies in two');
  t.is(run.server.assumeRoleCount(PRODUCTION), 1, 'one-hour credentials are assumed once');
});

test('every call over the wire is declared by the collector that made it, every declared action is called', async (t) => {
  const run = await calm();
  // Per collector, as the server saw it in each request's User-Agent; the engine's calls too.
  const recorded = new Map<string, Set<string>>();
  for (const call of run.server.calls()) {
    const collector = call.collector ?? UNSCOPED;
    const operations = recorded.get(collector) ?? new Set<string>();
    operations.add(call.action);
    recorded.set(collector, operations);
  }
  const check = await checkCalls(recorded, allCollectors());
  t.deepEqual(check.unmapped, []);
  t.deepEqual(check.unknownCollectors, []);
  t.deepEqual(check.undeclared, [], 'called without being declared by the collector');
  t.deepEqual(check.unused, [], 'declared, not conditional, and never called by a full run');
  // The server's own record of the IAM action (fixtures) agrees with the shared operation table.
  const disagreements: string[] = [];
  for (const action of new Set(run.server.calls().map((c) => `${c.action} ${c.iamAction}`))) {
    const [operation = '', fixtureAction = ''] = action.split(' ');
    const [service = '', name = ''] = operation.split(':');
    const mapped = await iamActionOfOperation(service, name);
    if ('action' in mapped && mapped.action !== null && mapped.action !== fixtureAction)
      disagreements.push(`${operation}: ${mapped.action} vs ${fixtureAction}`);
  }
  t.deepEqual(disagreements, []);
  t.false(
    run.server.calls().some((c) => c.iamAction === 'iam:GenerateCredentialReport'),
    'a recent report is read, not generated again',
  );
  t.true(
    run.server.calls().some((c) => c.iamAction === 's3:GetBucketLocation'),
    'a bucket without BucketRegion is located (a conditional permission)',
  );
});

let organizationRun: Promise<CliRun> | undefined;
const organization = () => (organizationRun ??= runIngest(scenario(), ['--organization', MANAGEMENT]));

test('organization mode: the tagged account and the suspended one are skipped and never entered', async (t) => {
  const run = await organization();
  assertCleanRun(t, run);
  const summary = run.summary!;
  t.deepEqual(summary.errors, []);
  t.deepEqual(
    summary.accounts.map((a) => a.accountId),
    [MANAGEMENT, PRODUCTION],
  );
  t.deepEqual(summary.skippedAccounts, [
    { accountId: SANDBOX_SKIPPED, name: 'Sandbox', reason: 'tagged j1-integration:SKIP' },
    { accountId: LEGACY_SUSPENDED, name: 'Legacy', reason: 'account status is SUSPENDED' },
  ]);
  for (const skipped of [SANDBOX_SKIPPED, LEGACY_SUSPENDED]) {
    t.is(run.server.assumeRoleCount(skipped), 0);
    t.deepEqual(
      run.server.calls().filter((c) => c.account === skipped),
      [],
    );
  }
  // The suspended account is left out before its tags are read.
  const tagsRead = run.server
    .calls()
    .filter((c) => c.action === 'organizations:ListTagsForResource')
    .map((c) => c.input.ResourceId);
  t.deepEqual([...new Set(tagsRead)].sort(), [MANAGEMENT, PRODUCTION, SANDBOX_SKIPPED]);
  t.is(run.server.calls().filter((c) => c.action === 'organizations:ListAccounts' && c.status === 200).length, 2, 'four accounts, two pages');
  t.like(entity(run, `aws:account:${PRODUCTION}`), { name: 'Production', alias: `example-${PRODUCTION}` });
  t.true(relationshipExists(run, 'aws_account_has_account', `aws:account:${MANAGEMENT}`, `aws:account:${PRODUCTION}`));
  for (const account of [MANAGEMENT, PRODUCTION]) t.truthy(entity(run, APP_KEY(account)));
});

test('throttling storm: each request throttled six times before it passes, and the graph is the calm one', async (t) => {
  // Six of every seven attempts throttled (the run lost entities at a rate of 0.9), AssumeRole included.
  const [stormy, quiet] = await Promise.all([runIngest(scenario({ throttle: { attempts: 6 } }), ['--accounts', PRODUCTION]), calm()]);
  assertCleanRun(t, stormy);
  t.deepEqual(stormy.summary!.errors, []);
  t.is(stormy.summary!.snapshot.sha256, quiet.summary!.snapshot.sha256);
  const throttled = stormy.server.calls().filter((c) => ['Throttling', 'ThrottlingException', 'RequestLimitExceeded', 'SlowDown'].includes(c.error ?? ''));
  // Every protocol's throttling answer was seen: awsQuery (IAM, STS), EC2, restXml (S3), JSON (KMS).
  t.deepEqual([...new Set(throttled.map((c) => c.error))].sort(), ['RequestLimitExceeded', 'SlowDown', 'Throttling', 'ThrottlingException']);
  t.true(stormy.summary!.throttledCalls >= throttled.filter((c) => c.action !== 'sts:AssumeRole').length, 'the summary counts the throttled attempts');
  // AssumeRole too was throttled, retried and paced (once: the credentials live an hour).
  t.is(throttled.filter((c) => c.action === 'sts:AssumeRole').length, 6);
  t.is(stormy.server.assumeRoleCount(PRODUCTION), 1);
  // Each distinct call was answered once it had been throttled six times: as many successes as in the calm run.
  const successes = (run: CliRun) => run.server.calls().filter((c) => c.status === 200).length;
  t.is(successes(stormy), successes(quiet));
});

test('2-second credentials: refreshed during the run, and the graph is the one of one-hour credentials', async (t) => {
  const short = scenario({
    credentialLifetimeSeconds: 2,
    // A safety net for a call signed just before expiry on a busy machine; the refresh itself is
    // proven by the AssumeRole count.
    expiryGraceMs: 600_000,
    // The account collector's first call is held back past the credentials' lifetime, so every
    // later call needs fresh credentials however fast the machine is; the first page of
    // DescribeSubnets too, so credentials expire between a collector's pages.
    delays: [
      { operation: 'iam:GetAccountSummary', ms: 2500 },
      { operation: 'ec2:DescribeSubnets', region: 'us-east-1', ms: 2500 },
    ],
  });
  const [run, quiet] = await Promise.all([runIngest(short, ['--accounts', PRODUCTION]), calm()]);
  assertCleanRun(t, run);
  t.deepEqual(run.summary!.errors, []);
  t.true(run.server.assumeRoleCount(PRODUCTION) >= 2, `AssumeRole was called ${run.server.assumeRoleCount(PRODUCTION)} time(s)`);
  // The second page was asked for with other credentials than the first, whose answer came after they expired.
  const pages = run.server.calls().filter((c) => c.action === 'ec2:DescribeSubnets' && c.region === 'us-east-1' && c.status === 200);
  t.is(pages.length, 2);
  t.not(pages[0].accessKeyId, pages[1].accessKeyId);
  t.is(run.summary!.snapshot.sha256, quiet.summary!.snapshot.sha256);
});

test('worker threads with 2-second credentials: each worker gets fresh credentials from the parent, same graph', async (t) => {
  const short = scenario({
    credentialLifetimeSeconds: 2,
    expiryGraceMs: 600_000,
    delays: [{ operation: 'iam:GetAccountSummary', ms: 2500 }],
  });
  const [run, single] = await Promise.all([runIngest(short, ['--organization', MANAGEMENT, '--workers', '2']), organization()]);
  assertCleanRun(t, run);
  t.deepEqual(run.summary!.errors, []);
  for (const account of [MANAGEMENT, PRODUCTION]) {
    t.true(run.server.assumeRoleCount(account) >= 2, `${account}: AssumeRole was called ${run.server.assumeRoleCount(account)} time(s)`);
  }
  // Only the parent assumes roles: every AssumeRole is signed with the ingester's own key.
  t.true(
    run.server
      .calls()
      .filter((c) => c.action === 'sts:AssumeRole')
      .every((c) => c.accessKeyId === BASE_CREDENTIALS.accessKeyId),
  );
  t.is(run.summary!.snapshot.sha256, single.summary!.snapshot.sha256);
});

test('credentials refused as expired before their Expiration: the calls are sent again with new ones', async (t) => {
  // Every key stops working after 20 calls: about six times in a run, at whatever call, in whatever
  // protocol, with more calls in flight than a key serves (some are refused again with the next key).
  // ACM is left out: its ListCertificates bucket (1 call/s) makes a refused call wait for its token
  // while the others use up the next key, so whether four retries suffice would depend on timing.
  const services = ['--services', 'iam,ec2,s3,kms'];
  const [run, quiet] = await Promise.all([
    runIngest(scenario({ revokeAfterCalls: 20 }), ['--accounts', PRODUCTION, ...services]),
    runIngest(scenario(), ['--accounts', PRODUCTION, ...services]),
  ]);
  assertCleanRun(t, run);
  t.deepEqual(run.summary!.errors, []);
  const refused = run.server.calls().filter((c) => ['ExpiredToken', 'RequestExpired', 'ExpiredTokenException'].includes(c.error ?? ''));
  t.true(refused.length > 0);
  t.true(run.server.assumeRoleCount(PRODUCTION) >= 5, `AssumeRole was called ${run.server.assumeRoleCount(PRODUCTION)} time(s)`);
  t.is(run.summary!.snapshot.sha256, quiet.summary!.snapshot.sha256);
});

test('a partly denied role: the denied calls are recorded, the primary entities are all there', async (t) => {
  const denied = scenario({
    deny: [
      { operation: 'kms:ListAliases', account: PRODUCTION },
      { operation: 'iam:GenerateCredentialReport', account: PRODUCTION },
      { operation: 'ec2:DescribeRegions', account: PRODUCTION },
    ],
    // The existing report is older than four hours, so a new one is asked for (and denied).
    values: { credentialReportTime: new Date(Date.now() - 6 * 3600_000).toISOString() },
  });
  // After the calm run, whose snapshot is the previous one: what the denied calls would have set is put back from it.
  const quiet = await calm();
  const run = await runIngest(denied, ['--accounts', PRODUCTION, '--regions', 'us-east-1,eu-west-1'], { previousOutput: quiet.outDir });
  assertCleanRun(t, run);
  const failed = new Set(run.summary!.errors.map((e) => `${e.operation}:${e.code}`));
  t.true(failed.has('kms:ListAliases:AccessDenied'), [...failed].join(', '));
  t.true(failed.has('ec2:DescribeRegions:AccessDenied'), [...failed].join(', '));
  // The report is older than four hours and a new one is refused: recorded (under the optional call that reads the report).
  t.true(
    run.summary!.errors.some((e) => e.code === 'AccessDenied' && e.message.includes('iam:GenerateCredentialReport')),
    [...failed].join(', '),
  );
  t.true(
    run.server.calls().some((c) => c.action === 'iam:GetCredentialReport' && c.status === 200),
    'the existing report was read first',
  );
  // Same entities as the calm run: keys without their alias names, users with the existing report,
  // the account's regions from the configuration.
  t.deepEqual(entityKeys(run), entityKeys(quiet));
  const key = entity(run, APP_KEY(PRODUCTION));
  t.like(key, { keyRotationEnabled: true, keyManager: 'CUSTOMER' });
  // The alias-derived properties are the previous snapshot's, and named as such.
  const stale = key._staleProperties ?? [];
  t.true(stale.length > 0, 'the properties ListAliases would have set are named in _staleProperties');
  for (const property of stale) t.deepEqual(key[property], entity(quiet, APP_KEY(PRODUCTION))[property], property);
  t.like(entity(run, `arn:aws:iam::${PRODUCTION}:user/alice`), { passwordEnabled: true, mfaEnabled: true });
  t.deepEqual(run.summary!.notRefreshed, []);
});
