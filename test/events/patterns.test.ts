import test from 'ava';
import { checkEventDeclarations, CLOUDTRAIL_DETAIL_TYPE, EVENT_PATTERN_MAX_LENGTH, eventPatterns, valuesAt } from '../../src/events/declarations';

const ec2Names = ['AuthorizeSecurityGroupIngress', 'RevokeSecurityGroupIngress', 'RunInstances', 'TerminateInstances', 'CreateVolume', 'DeleteVolume'];

test('one pattern per set of services that fits, each event name under its own service', (t) => {
  const patterns = eventPatterns([
    { id: 'ec2-a', events: [{ source: 'ec2.amazonaws.com', names: ec2Names.slice(0, 3) }] },
    { id: 'ec2-b', events: [{ source: 'ec2.amazonaws.com', names: ec2Names.slice(2) }] },
    { id: 'iam-roles', events: [{ source: 'iam.amazonaws.com', names: ['CreateRole', 'DeleteRole'] }] },
  ]);
  t.is(patterns.length, 1);
  t.deepEqual(patterns[0], {
    source: ['aws.ec2', 'aws.iam'],
    'detail-type': [CLOUDTRAIL_DETAIL_TYPE],
    detail: { eventSource: ['ec2.amazonaws.com', 'iam.amazonaws.com'], eventName: [...[...ec2Names].sort(), 'CreateRole', 'DeleteRole'] },
  });
});

test('patterns stay under EventBridge’s size limit: services are split over rules, and a big one over several', (t) => {
  // 60 services of 20 write operations each: far beyond one 2,048-character pattern.
  const collectors = Array.from({ length: 60 }, (_, service) => ({
    id: `svc${service}-things`,
    events: [{ source: `svc${service}.amazonaws.com`, names: Array.from({ length: 20 }, (_, op) => `PutThingNumber${op}Of${service}`) }],
  }));
  collectors.push({ id: 'huge', events: [{ source: 'huge.amazonaws.com', names: Array.from({ length: 200 }, (_, op) => `ModifyResourceAttribute${op}`) }] });
  const patterns = eventPatterns(collectors);
  t.true(patterns.length > 10);
  for (const pattern of patterns) t.true(JSON.stringify(pattern).length <= EVENT_PATTERN_MAX_LENGTH, `${JSON.stringify(pattern).length} characters`);
  // Every declared (source, name) is matched by some pattern, and no pattern matches a name under another service's source only.
  const matched = new Set(patterns.flatMap((p) => p.detail.eventSource.flatMap((source) => p.detail.eventName.map((name) => `${source} ${name}`))));
  for (const collector of collectors)
    for (const d of collector.events) for (const name of d.names) t.true(matched.has(`${d.source} ${name}`), `${d.source} ${name}`);
  const hugePatterns = patterns.filter((p) => p.detail.eventSource.includes('huge.amazonaws.com'));
  t.true(hugePatterns.length >= 2, 'the big service is split');
  for (const p of hugePatterns) t.deepEqual(p.detail.eventSource, ['huge.amazonaws.com'], 'a split service shares its patterns with no other');
  t.deepEqual(eventPatterns([{ id: 'none' }]), []);
});

test('declarations are checked: service source, operation names, and no read-only calls', (t) => {
  t.deepEqual(checkEventDeclarations([{ id: 'ok', events: [{ source: 'ec2.amazonaws.com', names: ['RunInstances'] }] }]), []);
  t.deepEqual(checkEventDeclarations([{ id: 'bad', events: [{ source: 'ec2', names: ['DescribeInstances', 'run-instances'] }] }]), [
    'bad: event source "ec2" is not <service>.amazonaws.com',
    'bad: DescribeInstances is a read operation; EventBridge does not deliver it',
    'bad: event name "run-instances" is not an API operation name',
  ]);
});

test('resource ids are read from the event detail by path, through lists', (t) => {
  // Shaped as CloudTrail records RunInstances and AuthorizeSecurityGroupIngress.
  const runInstances = { responseElements: { instancesSet: { items: [{ instanceId: 'i-0abc' }, { instanceId: 'i-0def' }] } } };
  t.deepEqual(valuesAt(runInstances, 'responseElements.instancesSet.items[].instanceId'), ['i-0abc', 'i-0def']);
  t.deepEqual(valuesAt({ requestParameters: { groupId: 'sg-0123' } }, 'requestParameters.groupId'), ['sg-0123']);
  t.deepEqual(valuesAt({ requestParameters: null }, 'requestParameters.groupId'), []);
  t.deepEqual(valuesAt({}, 'responseElements.instancesSet.items[].instanceId'), []);
});
