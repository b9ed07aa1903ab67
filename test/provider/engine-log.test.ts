/**
 * `pulumi up` shows the ingestion's progress: inside Pulumi's own dynamic-provider host, the
 * provider sends a line at each phase and its result to the engine's Log service (a fake engine
 * here, over gRPC, at the address the host was started with).
 */
import test from 'ava';
import * as pulumi from '@pulumi/pulumi';
import { graphSnapshotProvider } from '../../provider/provider';
import { engineAddress } from '../../provider/engine-log';
import { temporaryDirectory } from '../helpers/simulate';
import { FakeEngine } from './helpers/fake-engine';
import { PROVIDER_KEY, ProviderHost, REPO_ROOT } from './helpers/host';

const INFO = 1;

test('only Pulumi’s dynamic-provider host has an engine to talk to', (t) => {
  const host = '/x/node_modules/@pulumi/pulumi/cmd/dynamic-provider/index.js';
  t.is(engineAddress(['node', host, '127.0.0.1:41234']), '127.0.0.1:41234');
  t.is(engineAddress(['node', host]), undefined);
  t.is(engineAddress(['node', '/x/node_modules/ava/entrypoints/cli.mjs', '127.0.0.1:41234']), undefined);
  t.is(engineAddress(['node', host, '--flag']), undefined);
});

test('inside the host, each phase of the run and its snapshot reach the engine’s log', async (t) => {
  const engine = await FakeEngine.start();
  const host = await ProviderHost.start(REPO_ROOT, engine.address);
  try {
    const provider = graphSnapshotProvider;
    const providerText = (await pulumi.runtime.serializeFunction(() => provider)).text;
    const destination = temporaryDirectory();
    const created = await host.create({ [PROVIDER_KEY]: providerText, simulate: true, destination });
    const lines = engine.messages.filter((m) => m.severity === INFO).map((m) => m.message);
    for (const phase of ['accounts', 'regions', 'collect', 'write']) {
      t.true(
        lines.some((line) => line.startsWith(`aws-org-graph: progress: ${phase},`)),
        `a line for the ${phase} phase in ${JSON.stringify(lines)}`,
      );
    }
    const written = lines.find((line) => line.startsWith('aws-org-graph: snapshot '));
    const totals = created.properties.totals as { entities: number; relationships: number };
    t.regex(written ?? '', new RegExp(`: ${totals.entities} entities, ${totals.relationships} relationships, 0 errors$`));
    // The collect line counts the collectors, as the CLI's progress line does.
    t.regex(lines.filter((line) => line.includes('progress: write')).at(-1) ?? '', /collectors (\d+)\/\1, \d+ calls/);
  } finally {
    await host.stop();
    await engine.stop();
  }
});
