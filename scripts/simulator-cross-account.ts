/**
 * The CPU per call of EC2's handlers that look across accounts (not a test), on a generated
 * organization of N accounts x R regions: each handler is called in `samples` account-regions
 * spread over the regions, as the collectors call it (`OwnerIds`/`Owners: ['self']`), once to warm
 * up (models, indexes, JIT), then three times timed with `process.cpuUsage`. `DescribeVpcs` stands
 * for any EC2 call. A call concerns one account and region, so these should not grow with N.
 * Usage: node --import tsx scripts/simulator-cross-account.ts 1000 16 64
 */
import { allSimulators } from '../src/services';
import { generateWorld } from '../src/sim/generate';
import type { SimCallContext, WorldAccount } from '../src/sim/types';

async function main(): Promise<void> {
  const [accounts = '200', regions = '16', samplesArg = '64'] = process.argv.slice(2);
  const simulators = allSimulators();
  const world = generateWorld({ accounts: Number(accounts), regions: Number(regions), resourcesPerRegion: 20, mix: 'realistic', seed: 42 }, simulators);
  const ec2 = simulators.find((simulator) => simulator.service === 'ec2' && simulator.handlers.DescribeSnapshotsCommand);
  if (!ec2) throw new Error('no EC2 simulator');
  const contextOf = (account: WorldAccount, region: string): SimCallContext => ({
    world,
    account,
    region,
    now: () => Date.now(),
    section: <T>() => account.regions?.[region]?.ec2 as T | undefined,
    sectionOf: <T>(service: string, other?: string) =>
      (other === 'global' ? account.global?.[service] : (account.regions?.[other ?? region]?.[service] ?? account.global?.[service])) as T | undefined,
    pageSize: (requested?: number, awsMax?: number) => Math.max(1, Math.min(100, requested ?? Infinity, awsMax ?? Infinity)),
    notFound: (name: string, message: string) => {
      throw new Error(`${name}: ${message}`);
    },
  });
  const samples = Number(samplesArg);
  const places = Array.from({ length: samples }, (_, index) => ({
    account: world.accounts[Math.floor((index * world.accounts.length) / samples)],
    region: world.regions[index % world.regions.length].name,
  }));
  const calls: Array<[string, object]> = [
    ['DescribeSnapshotsCommand', { OwnerIds: ['self'], MaxResults: 1000 }],
    ['DescribeImagesCommand', { Owners: ['self'], MaxResults: 1000 }],
    ['DescribeVpcPeeringConnectionsCommand', { MaxResults: 1000 }],
    ['DescribeVpcsCommand', {}],
  ];
  const results: string[] = [];
  for (const [command, input] of calls) {
    const handler = ec2.handlers[command];
    for (const { account, region } of places) await handler(input as never, contextOf(account, region));
    const started = process.cpuUsage();
    for (let round = 0; round < 3; round++) for (const { account, region } of places) await handler(input as never, contextOf(account, region));
    const used = process.cpuUsage(started);
    results.push(`${command.replace(/Command$/, '')} ${((used.user + used.system) / (3 * places.length)).toFixed(1)} µs`);
  }
  console.log(`${accounts} x ${regions}: ${results.join(', ')} CPU per call`);
}

void main();
