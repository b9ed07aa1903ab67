import {
  DescribeKeyPairsCommand,
  DescribeVolumesCommand,
  EC2Client,
  type DescribeKeyPairsCommandInput,
  type DescribeKeyPairsCommandOutput,
  type DescribeVolumesCommandInput,
  type DescribeVolumesCommandOutput,
  type KeyPairInfo,
  type Volume,
} from '@aws-sdk/client-ec2';
import {
  GetFunctionConfigurationCommand,
  GetPolicyCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
  ListFunctionsCommand,
  ListTagsCommand,
  paginateListFunctions,
  type FunctionConfiguration,
  type GetFunctionConfigurationCommandInput,
  type GetPolicyCommandInput,
  type GetPolicyCommandOutput,
  type ListEventSourceMappingsCommandInput,
  type ListEventSourceMappingsCommandOutput,
  type ListFunctionsCommandInput,
  type ListFunctionsCommandOutput,
  type ListTagsCommandInput,
  type ListTagsCommandOutput,
} from '@aws-sdk/client-lambda';
import test from 'ava';
import { stringify } from 'yaml';
import { coreSimulators } from '../../src/sim/core-services';
import { roleAccessKeyId } from '../../src/sim/identity';
import { collection, defineSimulatedService, get, list, tags } from '../../src/sim/service-kit';
import { SimulatedAws } from '../../src/sim/simulator';
import type { ServiceSimulator, World } from '../../src/sim/types';
import { parseWorld, WorldError } from '../../src/sim/world';

const ACCOUNT = '222222222222';
const REGION = 'us-east-1';

/** A Lambda-shaped service declared with the kit, as a new service would be. */
const lambdaSimulator = defineSimulatedService({
  service: 'lambda',
  clientName: 'LambdaClient',
  scope: 'regional',
  errors: { accessDenied: 'AccessDeniedException', throttling: 'TooManyRequestsException', invalidToken: 'InvalidParameterValueException' },
  bucket: { capacity: 2, refillPerSecond: 1 },
  collections: {
    functions: collection<FunctionConfiguration & { Tags?: Record<string, string> }>({
      id: 'FunctionName',
      fields: { Runtime: { type: 'string' }, MemorySize: { type: 'integer', minimum: 128 } },
      arn: (fn, context) => `arn:aws:lambda:${context.region}:${context.account.id}:function:${fn.FunctionName}`,
      arnField: 'FunctionArn',
      worldOnly: ['Tags'],
      notFound: {
        error: 'ResourceNotFoundException',
        message: (id, context) => `Function not found: arn:aws:lambda:${context.region}:${context.account.id}:function:${id}`,
      },
    }),
    eventSourceMappings: collection({
      id: 'UUID',
      dates: ['LastModified'],
      notFound: { error: 'ResourceNotFoundException', message: (id) => `The resource you requested does not exist. (Service: Lambda; UUID: ${id})` },
    }),
  },
  operations: {
    ListFunctions: list<ListFunctionsCommandInput, ListFunctionsCommandOutput>('functions', {
      items: 'Functions',
      token: { input: 'Marker', output: 'NextMarker' },
      maxResults: 'MaxItems',
      awsMax: 50,
    }),
    GetFunctionConfiguration: get<GetFunctionConfigurationCommandInput>('functions', { id: 'FunctionName' }),
    // A part some records lack: its own not-found error.
    GetPolicy: get<GetPolicyCommandInput, GetPolicyCommandOutput, { Policy?: string }>('functions', {
      id: 'FunctionName',
      item: (_view, fn) => fn.Policy && { Policy: fn.Policy, RevisionId: '1' },
      absent: { error: 'ResourceNotFoundException', message: 'The resource you requested does not exist.' },
    }),
    ListTags: tags<ListTagsCommandInput, ListTagsCommandOutput>('functions', { id: 'Resource', shape: 'map' }),
    ListEventSourceMappings: list<ListEventSourceMappingsCommandInput, ListEventSourceMappingsCommandOutput, { FunctionArn?: string }>('eventSourceMappings', {
      items: 'EventSourceMappings',
      token: { input: 'Marker', output: 'NextMarker' },
      maxResults: 'MaxItems',
      awsMax: 100,
      filter: (mapping, input) => !input.FunctionName || mapping.FunctionArn?.endsWith(`:${input.FunctionName}`) === true,
    }),
  },
});

/** An EC2-shaped collection: describe by a list of ids, one response, tags inside the records. */
const keyPairSimulator = defineSimulatedService({
  service: 'ec2',
  clientName: 'EC2Client',
  scope: 'regional',
  errors: { accessDenied: 'UnauthorizedOperation', throttling: 'RequestLimitExceeded' },
  collections: {
    keyPairs: collection<KeyPairInfo>({
      id: 'KeyName',
      idFields: ['KeyPairId'],
      dates: ['CreateTime'],
      derive: (pair) => ({ KeyType: pair.KeyType ?? 'rsa' }),
      notFound: { error: 'InvalidKeyPair.NotFound', message: (id) => `The key pair '${id}' does not exist` },
    }),
    volumes: collection<Volume>({
      id: 'VolumeId',
      notFound: { error: 'InvalidVolume.NotFound', message: (id) => `The volume '${id}' does not exist` },
    }),
  },
  operations: {
    DescribeKeyPairs: list<DescribeKeyPairsCommandInput, DescribeKeyPairsCommandOutput>('keyPairs', { items: 'KeyPairs', token: false, ids: 'KeyNames' }),
    // EC2's ids, filters and paging on the served items.
    DescribeVolumes: list<DescribeVolumesCommandInput, DescribeVolumesCommandOutput>('volumes', {
      items: 'Volumes',
      lookups: [{ input: 'VolumeIds', field: 'VolumeId', withoutMaxResults: true }],
      filters: { names: { 'volume-type': (volume: Volume) => volume.VolumeType, encrypted: (volume: Volume) => volume.Encrypted } },
      maxResults: 'MaxResults',
      minResults: 5,
      awsMax: 500,
      onePageByDefault: true,
    }),
  },
});

const simulators: ServiceSimulator[] = [...coreSimulators, lambdaSimulator, keyPairSimulator];

function world(extra: Partial<World> = {}): World {
  return {
    organization: { id: 'o-abcdefghij', managementAccountId: ACCOUNT, roleName: 'Audit', externalId: 'external-id' },
    regions: [{ name: REGION }],
    accounts: [
      {
        id: ACCOUNT,
        name: 'prod',
        email: 'prod@example.com',
        regions: {
          [REGION]: {
            lambda: {
              functions: Array.from({ length: 5 }, (_, index) => ({
                FunctionName: `fn-${index}`,
                Runtime: 'nodejs20.x',
                Role: `arn:aws:iam::${ACCOUNT}:role/fn-${index}`,
                ...(index === 0 ? { Tags: { team: 'payments', Name: 'first' }, Policy: '{"Version":"2012-10-17","Statement":[]}' } : {}),
              })),
              eventSourceMappings: [
                {
                  UUID: '14e0db71-5d35-4eb5-b481-8945cf9d10c2',
                  FunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:fn-1`,
                  LastModified: '2024-03-01T10:00:00Z',
                  State: 'Enabled',
                },
                {
                  UUID: '0b1f6d1e-3c56-4bd6-9f5e-08a9f3b1e0d4',
                  FunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:fn-2`,
                  LastModified: '2024-03-02T10:00:00Z',
                  State: 'Disabled',
                },
              ],
            },
            ec2: {
              volumes: [
                { VolumeId: 'vol-0a1b2c3d4e5f60701', VolumeType: 'gp3', Encrypted: true, Tags: [{ Key: 'Name', Value: 'web-root' }] },
                { VolumeId: 'vol-0a1b2c3d4e5f60702', VolumeType: 'gp2', Encrypted: false, Tags: [{ Key: 'Name', Value: 'web-data' }] },
                { VolumeId: 'vol-0a1b2c3d4e5f60703', VolumeType: 'io2', Encrypted: true },
              ],
              keyPairs: [
                { KeyName: 'bastion', KeyPairId: 'key-0a1b2c3d4e5f60718', CreateTime: '2023-05-01T12:00:00Z', Tags: [{ Key: 'Name', Value: 'bastion key' }] },
                { KeyName: 'deploy', KeyPairId: 'key-0a1b2c3d4e5f60719', KeyType: 'ed25519' },
              ],
            },
          },
        },
      },
    ],
    ...extra,
  };
}

function clients(simulated: World, bucketClock?: () => number) {
  const aws = new SimulatedAws(simulated, simulators, { bucketClock });
  const credentials = { accessKeyId: roleAccessKeyId(ACCOUNT), secretAccessKey: 'test' };
  const lambda = new LambdaClient({ region: REGION, credentials, maxAttempts: 1 });
  lambda.middlewareStack.use(aws.plugin(REGION));
  const ec2 = new EC2Client({ region: REGION, credentials, maxAttempts: 1 });
  ec2.middlewareStack.use(aws.plugin(REGION));
  return { aws, lambda, ec2 };
}

test('list operations page with the declared tokens, the world page size and AWS maximum', async (t) => {
  const { lambda } = clients(world({ behaviour: { pageSize: 2 } }));
  const pages: ListFunctionsCommandOutput[] = [];
  for await (const page of paginateListFunctions({ client: lambda }, {})) pages.push(page);
  t.deepEqual(
    pages.map((page) => page.Functions?.map((fn) => fn.FunctionName)),
    [['fn-0', 'fn-1'], ['fn-2', 'fn-3'], ['fn-4']],
  );
  t.true(typeof pages[0].NextMarker === 'string');
  t.is(pages[2].NextMarker, undefined);
  // Derived ARN; world-only tags are not served in the configuration.
  t.like(pages[0].Functions?.[0], { FunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:fn-0`, Runtime: 'nodejs20.x' });
  t.false('Tags' in (pages[0].Functions?.[0] ?? {}));
  // MaxItems smaller than the world's page size wins.
  const one = await lambda.send(new ListFunctionsCommand({ MaxItems: 1 }));
  t.is(one.Functions?.length, 1);
});

test('AWS maximum bounds the page size', async (t) => {
  const big = world({ behaviour: { pageSize: 500 } });
  (big.accounts[0].regions?.[REGION]?.lambda as { functions: unknown[] }).functions = Array.from({ length: 120 }, (_, index) => ({
    FunctionName: `f${index}`,
  }));
  const { lambda } = clients(big);
  t.is((await lambda.send(new ListFunctionsCommand({}))).Functions?.length, 50);
  t.is((await lambda.send(new ListFunctionsCommand({ MaxItems: 500 }))).Functions?.length, 50);
});

test('a token the service did not issue is rejected with the declared error', async (t) => {
  const { lambda } = clients(world());
  await t.throwsAsync(lambda.send(new ListFunctionsCommand({ Marker: 'not-a-token' })), { name: 'InvalidParameterValueException', message: /token/ });
});

test('get finds a record by id or ARN, and answers AWS not-found error otherwise', async (t) => {
  const { lambda } = clients(world());
  t.is((await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'fn-3' }))).Role, `arn:aws:iam::${ACCOUNT}:role/fn-3`);
  const byArn = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:fn-4` }));
  t.is(byArn.FunctionName, 'fn-4');
  const error = await t.throwsAsync(lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'missing' })), { name: 'ResourceNotFoundException' });
  t.regex(error?.message ?? '', /Function not found: .*function:missing/);
  t.is((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode, 404);
});

test('get answers the declared not-found error for a record without the part asked for', async (t) => {
  const { lambda } = clients(world());
  t.is((await lambda.send(new GetPolicyCommand({ FunctionName: 'fn-0' }))).Policy, '{"Version":"2012-10-17","Statement":[]}');
  const error = await t.throwsAsync(lambda.send(new GetPolicyCommand({ FunctionName: 'fn-1' })), {
    name: 'ResourceNotFoundException',
    message: 'The resource you requested does not exist.',
  });
  t.is((error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode, 404);
  await t.throwsAsync(lambda.send(new GetPolicyCommand({ FunctionName: 'ghost' })), { message: /Function not found/ });
});

test('tags are served from the record, in the shape the operation declares', async (t) => {
  const { lambda } = clients(world());
  const tagged = await lambda.send(new ListTagsCommand({ Resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:fn-0` }));
  t.deepEqual(tagged.Tags, { team: 'payments', Name: 'first' });
  t.deepEqual((await lambda.send(new ListTagsCommand({ Resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:fn-1` }))).Tags, {});
  await t.throwsAsync(lambda.send(new ListTagsCommand({ Resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:nope` })), {
    name: 'ResourceNotFoundException',
  });
});

test('ISO strings become Dates where the SDK returns dates; filters select records', async (t) => {
  const { lambda } = clients(world());
  const all = await lambda.send(new ListEventSourceMappingsCommand({}));
  t.is(all.EventSourceMappings?.length, 2);
  t.true(all.EventSourceMappings?.[0].LastModified instanceof Date);
  t.is(all.EventSourceMappings?.[0].LastModified?.toISOString(), '2024-03-01T10:00:00.000Z');
  const forFn2 = await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: 'fn-2' }));
  t.deepEqual(
    forFn2.EventSourceMappings?.map((mapping) => mapping.State),
    ['Disabled'],
  );
  // The world keeps its strings.
  const stored = (world().accounts[0].regions?.[REGION]?.lambda as { eventSourceMappings: Array<{ LastModified: unknown }> }).eventSourceMappings[0];
  t.is(typeof stored.LastModified, 'string');
});

test('describe by a list of ids keeps their order and fails on an unknown id; derived defaults fill in', async (t) => {
  const { ec2 } = clients(world({ behaviour: { pageSize: 1 } }));
  const all = await ec2.send(new DescribeKeyPairsCommand({}));
  t.deepEqual(
    all.KeyPairs?.map((pair) => [pair.KeyName, pair.KeyType]),
    [
      ['bastion', 'rsa'],
      ['deploy', 'ed25519'],
    ],
    'one response, whatever the page size',
  );
  t.is(all.KeyPairs?.[0].CreateTime?.toISOString(), '2023-05-01T12:00:00.000Z');
  t.deepEqual(all.KeyPairs?.[0].Tags, [{ Key: 'Name', Value: 'bastion key' }]);
  const chosen = await ec2.send(new DescribeKeyPairsCommand({ KeyNames: ['deploy', 'bastion'] }));
  t.deepEqual(
    chosen.KeyPairs?.map((pair) => pair.KeyName),
    ['deploy', 'bastion'],
  );
  await t.throwsAsync(ec2.send(new DescribeKeyPairsCommand({ KeyNames: ['bastion', 'ghost'] })), {
    name: 'InvalidKeyPair.NotFound',
    message: "The key pair 'ghost' does not exist",
  });
});

test('EC2-style lookups, filters and paging: ids in order, wildcard and tag filters, one page without MaxResults', async (t) => {
  const { ec2 } = clients(world({ behaviour: { pageSize: 1 } }));
  const volumeIds = (output: DescribeVolumesCommandOutput) => output.Volumes?.map((volume) => volume.VolumeId?.slice(-2));
  t.deepEqual(volumeIds(await ec2.send(new DescribeVolumesCommand({}))), ['01', '02', '03'], 'without MaxResults, one page');
  const first = await ec2.send(new DescribeVolumesCommand({ MaxResults: 5 }));
  t.deepEqual(volumeIds(first), ['01'], 'with MaxResults, the world page size');
  t.deepEqual(volumeIds(await ec2.send(new DescribeVolumesCommand({ MaxResults: 5, NextToken: first.NextToken }))), ['02']);
  t.deepEqual(volumeIds(await ec2.send(new DescribeVolumesCommand({ VolumeIds: ['vol-0a1b2c3d4e5f60703', 'vol-0a1b2c3d4e5f60701'] }))), ['03', '01']);
  t.deepEqual(
    volumeIds(
      await ec2.send(
        new DescribeVolumesCommand({
          Filters: [
            { Name: 'volume-type', Values: ['gp*', 'io1'] },
            { Name: 'encrypted', Values: ['true'] },
          ],
        }),
      ),
    ),
    ['01'],
    'every filter must match, any of its values',
  );
  t.deepEqual(volumeIds(await ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: 'tag:Name', Values: ['web-?ata'] }] }))), ['02']);
  t.deepEqual(volumeIds(await ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: 'tag-key', Values: ['Name'] }] }))), ['01', '02']);
  await t.throwsAsync(ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: 'colour', Values: ['blue'] }] })), {
    name: 'InvalidParameterValue',
    message: "The filter 'colour' is invalid",
  });
  await t.throwsAsync(ec2.send(new DescribeVolumesCommand({ MaxResults: 501 })), {
    name: 'InvalidParameterValue',
    message: 'Value (501) for parameter maxResults is invalid. Expecting a value between 5 and 500.',
  });
  await t.throwsAsync(ec2.send(new DescribeVolumesCommand({ VolumeIds: ['vol-0a1b2c3d4e5f60701'], MaxResults: 5 })), { name: 'InvalidParameterCombination' });
  await t.throwsAsync(ec2.send(new DescribeVolumesCommand({ VolumeIds: ['vol-0a1b2c3d4e5f60799'] })), {
    name: 'InvalidVolume.NotFound',
    message: "The volume 'vol-0a1b2c3d4e5f60799' does not exist",
  });
});

test('world faults and token buckets answer with the service error names', async (t) => {
  const denied = clients(world({ faults: [{ service: 'lambda', operation: 'ListFunctions', error: 'AccessDenied' }] }));
  const error = await t.throwsAsync(denied.lambda.send(new ListFunctionsCommand({})), { name: 'AccessDeniedException' });
  t.regex(error?.message ?? '', /not authorized to perform: lambda:ListFunctions/);
  t.is((await denied.lambda.send(new ListEventSourceMappingsCommand({}))).EventSourceMappings?.length, 2, 'other operations are served');

  let now = 0;
  const throttled = clients(world({ behaviour: { throttling: true } }), () => now);
  await throttled.lambda.send(new ListFunctionsCommand({}));
  await throttled.lambda.send(new ListFunctionsCommand({}));
  await t.throwsAsync(throttled.lambda.send(new ListFunctionsCommand({})), { name: 'TooManyRequestsException' });
  now += 1000; // one token back at one per second
  await t.notThrowsAsync(throttled.lambda.send(new ListFunctionsCommand({})));
  t.deepEqual(
    throttled.aws.bucketUsage().map(({ key, capacity, taken, throttled: refused }) => ({ key, capacity, taken, refused })),
    [{ key: `${ACCOUNT}|${REGION}|lambda:ListFunctions`, capacity: 2, taken: 3, refused: 1 }],
  );
});

test('the section schema checks ids and declared fields, with file and line', (t) => {
  const bad = world();
  const section = bad.accounts[0].regions?.[REGION]?.lambda as { functions: Array<Record<string, unknown>> };
  section.functions[1] = { Runtime: 'nodejs20.x' };
  section.functions[2].MemorySize = 64;
  section.functions[3].Tags = 'team=payments';
  (bad.accounts[0].regions?.[REGION] as Record<string, unknown>).lambda = { ...section, layers: [] };
  const error = t.throws(() => parseWorld(stringify(bad), 'world.yaml', simulators), { instanceOf: WorldError });
  const message = error?.message ?? '';
  t.regex(message, /world\.yaml:\d+:\d+: accounts\[0\]\.regions\.us-east-1\.lambda\.functions\[1\]: missing required property "FunctionName"/);
  t.regex(message, /world\.yaml:\d+:\d+: accounts\[0\]\.regions\.us-east-1\.lambda\.functions\[2\]\.MemorySize: must be >= 128/);
  t.regex(message, /functions\[3\]\.Tags/);
  t.regex(message, /lambda: unknown property "layers"/);
  // SDK fields the declaration doesn't list stay open, and dates must parse.
  const open = world();
  (open.accounts[0].regions?.[REGION]?.lambda as { functions: Array<Record<string, unknown>> }).functions[0].Handler = 'index.handler';
  t.notThrows(() => parseWorld(stringify(open), 'world.yaml', simulators));
  // Ids a world names must be defined by some record's id field.
  const dangling = world();
  (dangling.accounts[0].regions?.[REGION]?.lambda as { functions: Array<Record<string, unknown>> }).functions[0].KeyPair = 'key-0a1b2c3d4e5f6071f';
  t.throws(() => parseWorld(stringify(dangling), 'world.yaml', simulators), {
    message: /functions\[0\]\.KeyPair: key-0a1b2c3d4e5f6071f is not the id of any resource/,
  });
  const badDate = world();
  (badDate.accounts[0].regions?.[REGION]?.lambda as { eventSourceMappings: Array<Record<string, unknown>> }).eventSourceMappings[0].LastModified = 'yesterday';
  t.throws(() => parseWorld(stringify(badDate), 'world.yaml', simulators), {
    message: /eventSourceMappings\[0\]\.LastModified: must match format "date-time"/,
  });
});
