/**
 * The root program's wiring under Pulumi's mocks: configuration -> GraphSnapshot inputs, resource
 * outputs -> stack outputs, and (with a stand-in onboarding module) the ingestion depending on the
 * audit roles and using their External ID. The register requests are recorded at the monitor, so
 * what is checked is what the engine would receive.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import test from 'ava';
import * as pulumi from '@pulumi/pulumi';
import { parse } from 'yaml';
import { validateInputs } from '../../provider/implementation';
import { graphSnapshotProvider } from '../../provider/provider';
import { createStack, settingsFromConfig, type OnboardingModule } from '../../provider/program';
import type { GraphSnapshotOutputs } from '../../provider/types';
import { REPO_ROOT } from './helpers/host';

const GRAPH_TYPE = 'pulumi-nodejs:dynamic/aws-org-graph:GraphSnapshot';
const EXTERNAL_ID = 'stack-external-id-1234';

interface Registration {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  urn?: string;
  dependencies: string[];
  additionalSecretOutputs: string[];
}
const registrations: Registration[] = [];

const FAKE_OUTPUTS: Omit<GraphSnapshotOutputs, 'destination' | 'removeSnapshotsOnDelete'> = {
  mode: 'simulated',
  entityCounts: { aws_account: 3, aws_kms_key: 7 },
  relationshipCounts: { aws_account_has_account: 2 },
  totals: { entities: 10, relationships: 2, staleEntities: 0 },
  accountsIngested: [{ accountId: '111111111111', name: 'acme-management' }],
  accountsSkipped: [{ accountId: '555555555555', reason: 'account status is SUSPENDED' }],
  regions: ['us-east-1'],
  errorCount: 0,
  errors: [],
  typesNotRefreshed: [],
  notRefreshedScopes: 0,
  snapshot: { uri: '.orggraph/demo/snapshots/x.json', sha256: 'a'.repeat(64) },
  changes: {
    created: 10,
    updated: 0,
    deleted: 0,
    relationships: { created: 2, updated: 0, deleted: 0 },
    keys: { created: ['aws:account:111111111111'], updated: [], deleted: [] },
  },
  alerts: {
    rules: 83,
    counts: { NEW: 1, ONGOING: 0, RESOLVED: 0 },
    newByLevel: { HIGH: 1 },
    openByLevel: { HIGH: 1 },
    new: [{ rule: 'aws-root-without-mfa', alertLevel: 'HIGH', key: 'aws:account:111111111111' }],
    ruleErrors: 0,
  },
  startedAt: '2026-01-01T00:00:00.000Z',
  durationMs: 1234,
  apiCalls: 99,
  throttledCalls: 0,
};

/** Stands for an audit role (an `aws:iam/role:Role`) under the mocks. */
class FakeRole extends pulumi.CustomResource {
  constructor(name: string, opts: pulumi.CustomResourceOptions) {
    super('aws:iam/role:Role', name, { name: 'JupiterOne' }, opts);
  }
}

function value<T>(output: pulumi.Output<T> | undefined): Promise<T | undefined> {
  return output ? new Promise((resolve) => output.apply(resolve)) : Promise.resolve(undefined);
}

/** A config object with the given `aws-org-graph:*` values (the scenario's own stack config). */
function stubConfig(values: Record<string, unknown>): pulumi.Config {
  const stub = {
    name: 'aws-org-graph',
    get: (key: string) => (values[key] === undefined ? undefined : String(values[key])),
    getBoolean: (key: string) => values[key] as boolean | undefined,
    getNumber: (key: string) => values[key] as number | undefined,
    getObject: (key: string) => values[key],
    getSecret: (key: string) => (values[key] === undefined ? undefined : pulumi.secret(String(values[key]))),
  };
  return stub as unknown as pulumi.Config;
}

test.before(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const state = args.type === GRAPH_TYPE ? { ...args.inputs, ...FAKE_OUTPUTS } : { ...args.inputs, arn: `arn:aws:iam::000000000000:role/${args.name}` };
        return { id: `${args.name}-id`, state };
      },
      call: (args) => args.inputs,
    },
    'aws-org-graph',
    'demo',
    false,
  );
  // Record what reaches the engine: dependencies and secret outputs are not given to the mocks.
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource: (request: RegisterRequest, callback: (error: unknown, response: { getUrn(): string }) => void) => void;
  };
  interface RegisterRequest {
    getType(): string;
    getName(): string;
    getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
    getDependenciesList(): string[];
    getAdditionalsecretoutputsList(): string[];
  }
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (request, callback) => {
    const registration: Registration = {
      type: request.getType(),
      name: request.getName(),
      inputs: request.getObject()?.toJavaScript() ?? {},
      dependencies: request.getDependenciesList(),
      additionalSecretOutputs: request.getAdditionalsecretoutputsList(),
    };
    registrations.push(registration);
    original(request, (error, response) => {
      if (response) registration.urn = response.getUrn();
      callback(error, response);
    });
  };
  pulumi.runtime.setAllConfig(
    {
      'aws-org-graph:simulate': 'true',
      'aws-org-graph:destination': '.orggraph/demo',
      'aws-org-graph:tags': JSON.stringify({ accountName: true, production: false }),
      'aws-org-graph:concurrency': '8',
      'aws-org-graph:regions': JSON.stringify({ exclude: ['eu-west-1'] }),
      'aws-org-graph:externalId': EXTERNAL_ID,
    },
    ['aws-org-graph:externalId'],
  );
});

test.serial('the root program (simulate) gives the resource its inputs and exports its outputs', async (t) => {
  // index.ts builds the stack when loaded, as under `pulumi up`.
  const program = require('../../index') as typeof import('../../index');
  const exported = {
    entityCounts: await value(program.entityCounts),
    relationshipCounts: await value(program.relationshipCounts),
    totals: await value(program.totals),
    errorCount: await value(program.errorCount),
    snapshot: await value(program.snapshot),
    changes: await value(program.changes),
    alerts: await value(program.alerts),
    accountsIngested: await value(program.accountsIngested),
    accountsSkipped: await value(program.accountsSkipped),
    durationMs: await value(program.durationMs),
    startedAt: await value(program.startedAt),
  };
  t.deepEqual(exported, {
    entityCounts: FAKE_OUTPUTS.entityCounts,
    relationshipCounts: FAKE_OUTPUTS.relationshipCounts,
    totals: FAKE_OUTPUTS.totals,
    errorCount: 0,
    snapshot: FAKE_OUTPUTS.snapshot,
    changes: FAKE_OUTPUTS.changes,
    alerts: FAKE_OUTPUTS.alerts,
    accountsIngested: FAKE_OUTPUTS.accountsIngested,
    accountsSkipped: FAKE_OUTPUTS.accountsSkipped,
    durationMs: FAKE_OUTPUTS.durationMs,
    startedAt: FAKE_OUTPUTS.startedAt,
  });
  t.is(await value(program.destination), '.orggraph/demo');
  t.is(program.onboardedRoleArns, undefined);
  t.is(program.externalId, undefined);

  const graph = registrations.filter((r) => r.type === GRAPH_TYPE);
  t.is(graph.length, 1);
  t.deepEqual(
    registrations.map((r) => r.type).filter((type) => type !== GRAPH_TYPE),
    [],
    'simulate: no onboarding, no AWS resources',
  );
  const inputs = graph[0].inputs;
  t.is(inputs.simulate, true);
  t.is(inputs.destination, '.orggraph/demo');
  t.deepEqual(inputs.tags, { accountName: true, production: false });
  t.is(inputs.concurrency, 8);
  t.deepEqual(inputs.regions, { exclude: ['eu-west-1'] });
  t.true(graph[0].additionalSecretOutputs.includes('externalId'));

  // The External ID travels as a secret and is nowhere in the provider text.
  const secret = inputs.externalId as Record<string, unknown>;
  t.is(secret[pulumi.runtime.specialSigKey], pulumi.runtime.specialSecretSig);
  t.is(secret.value, EXTERNAL_ID);
  const providerText = inputs.__provider as string;
  t.is(typeof providerText, 'string');
  t.false(providerText.includes(EXTERNAL_ID));
  // The same text as the one the provider-host test runs (but for the spacing of the outer
  // `() => provider`, which comes from Pulumi's compiled code here and from tsx's there).
  const provider = graphSnapshotProvider;
  const outer = (text: string) => text.replace(/return \(\)\s*=>\s*provider;/, 'return ()=>provider;');
  t.is(outer(providerText), outer((await pulumi.runtime.serializeFunction(() => provider)).text));
});

test.serial('with onboarding, the ingestion depends on the audit roles and uses their External ID', async (t) => {
  const seenConfig: pulumi.Config[] = [];
  const roleUrns: Array<pulumi.Output<string>> = [];
  const fake: OnboardingModule = {
    onboardingArgsFromConfig: (config) => {
      seenConfig.push(config);
      return { roleName: config.get('roleName') };
    },
    onboardOrganization: () => {
      const component = new pulumi.ComponentResource('aws-org-graph:onboarding:Organization', 'onboarding', {});
      const roles = Object.fromEntries(['111111111111', '222222222222'].map((id) => [id, new FakeRole(`audit-${id}`, { parent: component })]));
      for (const role of Object.values(roles)) roleUrns.push(role.urn);
      return {
        roleArns: pulumi.output({ '111111111111': 'arn:aws:iam::111111111111:role/JupiterOne' }),
        skippedAccounts: pulumi.output([]),
        externalId: pulumi.secret('generated-external-id-5678'),
        roles: Promise.resolve(roles),
        component,
      };
    },
  };
  const config = stubConfig({ managementAccountId: '111111111111', roleName: 'JupiterOne', accountIds: ['111111111111', '222222222222'] });
  const stack = createStack({ config, loadOnboarding: () => fake, name: 'graph-onboarded' });
  t.true(stack.settings.onboard);
  t.is(seenConfig[0], config);
  const urn = await value(stack.snapshot.urn);
  const registration = registrations.find((r) => r.urn === urn);
  t.truthy(registration);
  const expected = await Promise.all(roleUrns.map((u) => value(u)));
  for (const roleUrn of expected) t.true(registration!.dependencies.includes(roleUrn!), `depends on ${roleUrn}`);
  const externalId = registration!.inputs.externalId as Record<string, unknown>;
  t.is(externalId.value, 'generated-external-id-5678');
  t.is(registration!.inputs.managementAccountId, '111111111111');
  t.deepEqual(registration!.inputs.accounts, ['111111111111', '222222222222']);
  t.is(registration!.inputs.simulate, undefined);
});

test.serial('with onboarding and no accounts configured, the management account comes from onboarding', async (t) => {
  const fake: OnboardingModule = {
    onboardingArgsFromConfig: () => ({}),
    onboardOrganization: () => {
      const component = Object.assign(new pulumi.ComponentResource('aws-org-graph:onboarding:Organization', 'onboarding-2', {}), {
        ready: Promise.resolve({ view: { managementAccountId: '999999999999' } }),
      });
      return {
        roleArns: pulumi.output({}),
        skippedAccounts: pulumi.output([]),
        externalId: pulumi.secret('generated-external-id-5678'),
        roles: Promise.resolve({}),
        component,
      };
    },
  };
  const stack = createStack({ config: stubConfig({}), loadOnboarding: () => fake, name: 'graph-derived' });
  const urn = await value(stack.snapshot.urn);
  const registration = registrations.find((r) => r.urn === urn)!;
  t.is(registration.inputs.managementAccountId, '999999999999');
  t.is(registration.inputs.accounts, undefined);
});

test('the demo stack configuration gives valid inputs, without onboarding', (t) => {
  const file = path.join(REPO_ROOT, 'examples', 'simulated-stack', 'Pulumi.demo.yaml');
  const { config } = parse(readFileSync(file, 'utf8')) as { config: Record<string, unknown> };
  const values = Object.fromEntries(Object.entries(config).map(([key, item]) => [key.replace(/^aws-org-graph:/, ''), item]));
  const settings = settingsFromConfig(stubConfig(values));
  t.is(settings.simulate, true);
  t.false(settings.onboard);
  t.deepEqual(validateInputs(settings.args as Record<string, unknown>), []);
});
