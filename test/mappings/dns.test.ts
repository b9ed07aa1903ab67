import test from 'ava';
import { createMappingCollectors, MAPPING_COLLECTOR_IDS } from '../../src/analysis/mappings';
import { createEntity, GraphStore, SpilledGraph, type Entity } from '../../src/graph';
import { awsServices } from '../../src/services';
import { temporaryDirectory } from '../helpers/simulate';
import { contextFor, put } from './helpers';

const PRODUCTION = '222222222222';
const DNS_ACCOUNT = '111111111111';

function record(name: string, properties: Record<string, string>): Entity {
  return createEntity({
    _key: `arn:aws:route53:::hostedzone/Z1|${name}|A`,
    _type: 'aws_route53_record',
    _class: ['DomainRecord'],
    name,
    properties: { domainName: name, ...properties },
  });
}

function instance(id: string, publicIpAddress: string): Entity {
  return createEntity({
    _key: `arn:aws:ec2:us-east-1:${PRODUCTION}:instance/${id}`,
    _type: 'aws_instance',
    _class: ['Host'],
    name: id,
    properties: { instanceId: id, publicIpAddress, publicDnsName: `ec2-${publicIpAddress.replace(/\./g, '-')}.compute-1.amazonaws.com` },
  });
}

/** A shared DNS account naming production's hosts, and a production account with its own record. */
function organization(graph: GraphStore): void {
  put(graph, instance('i-0a1', '203.0.113.10'), PRODUCTION);
  put(graph, instance('i-0b2', '203.0.113.20'), PRODUCTION);
  put(graph, record('app.example.com', { value: '203.0.113.10' }), DNS_ACCOUNT);
  put(graph, record('api.example.com', { aliasTarget: 'ec2-203-0-113-20.compute-1.amazonaws.com.' }), DNS_ACCOUNT);
  put(graph, record('cdn.example.com', { value: 'd111111abcdef8.cloudfront.net' }), DNS_ACCOUNT);
  put(graph, record('internal.example.com', { value: '203.0.113.20' }), PRODUCTION);
}

/** Runs the DNS mapping in each account as one run does: one value per key shared by its tasks. */
async function mapDns(graph: GraphStore): Promise<{ edges: string[][]; builds: number }> {
  const dns = createMappingCollectors(awsServices).find((collector) => collector.id === MAPPING_COLLECTOR_IDS.dns)!;
  const shared = new Map<string, Promise<unknown>>();
  let builds = 0;
  for (const accountId of [DNS_ACCOUNT, PRODUCTION]) {
    const context = contextFor(graph, accountId, [DNS_ACCOUNT, PRODUCTION], dns.id);
    context.shared = <T>(key: string, compute: () => Promise<T>): Promise<T> => {
      if (!shared.has(key)) {
        builds++;
        shared.set(key, compute());
      }
      return shared.get(key) as Promise<T>;
    };
    await dns.run(context);
    graph.settle();
  }
  const edges = [...graph.allRelationships()].filter((r) => r._class === 'CONNECTS').map((r) => [r._fromEntityKey.split('|')[1], r._toEntityKey]);
  return { edges: edges.sort(), builds };
}

test('records of every account reach the hosts of every account through one index of their addresses per run', async (t) => {
  const memory = new GraphStore();
  organization(memory);
  const { edges, builds } = await mapDns(memory);
  t.deepEqual(edges, [
    ['api.example.com', `arn:aws:ec2:us-east-1:${PRODUCTION}:instance/i-0b2`],
    ['app.example.com', `arn:aws:ec2:us-east-1:${PRODUCTION}:instance/i-0a1`],
    ['cdn.example.com', 'dns:d111111abcdef8.cloudfront.net'],
    ['internal.example.com', `arn:aws:ec2:us-east-1:${PRODUCTION}:instance/i-0b2`],
  ]);
  t.is(builds, 1, 'the second account used the first one’s index');

  // The same on a graph kept on disk, which reads only the hosts a record names and keeps none of them.
  const disk = new SpilledGraph(temporaryDirectory());
  try {
    organization(disk);
    t.deepEqual((await mapDns(disk)).edges, edges);
    t.like(disk.held(), { cached: 0, atPeak: { pinned: 0 } });
  } finally {
    disk.close();
  }
});
