import test from 'ava';
import { captureWireCalls, measureFloors, FloorProbe, mixSchedule, weightFloors, type CannedCall, type OperationFloor } from '../../bench/sdk-floor';

// The SDK floor of the ingestion benchmark (issue 22): what it captures and how it weights.

test('floors are weighted by the run mix, by simulator action (OpenSearch is `es`), and unknown actions are reported', (t) => {
  const floors: OperationFloor[] = [
    { action: 'EC2Client.DescribeVpcsCommand', fullMs: 0.6, simulatedMs: 0.3 },
    { action: 'OpenSearchClient.ListDomainNamesCommand', fullMs: 0.3, simulatedMs: 0.2 },
  ];
  const report = weightFloors(floors, { 'ec2:DescribeVpcs': 3, 'es:ListDomainNames': 1, 'ec2:DescribeNothing': 4 });
  t.is(report.totalCalls, 8);
  t.is(report.coveredCalls, 4);
  t.deepEqual(report.uncovered, ['ec2:DescribeNothing']);
  t.is(report.fullFloorMs.toFixed(3), ((3 * 0.6 + 0.3) / 4).toFixed(3));
  t.is(report.simulatedFloorMs.toFixed(3), ((3 * 0.3 + 0.2) / 4).toFixed(3));
});

test('the capture replays real answers: every collected operation of the wire fixtures, parsed again by its SDK client', async (t) => {
  const canned = await captureWireCalls();
  const names = canned.map((call) => `${call.clientName}.${call.commandName}`);
  for (const expected of [
    'STSClient.AssumeRoleCommand',
    'OrganizationsClient.ListAccountsCommand',
    'EC2Client.DescribeVpcsCommand',
    'S3Client.GetBucketPolicyCommand',
  ]) {
    t.true(names.includes(expected), expected);
  }
  t.is(new Set(names).size, names.length, 'one capture per operation');
  // The body is the server's bytes (EC2 speaks XML), kept after the SDK read it.
  const vpcs = canned.find((call) => call.commandName === 'DescribeVpcsCommand')!;
  t.regex(vpcs.body.toString('utf8'), /<DescribeVpcsResponse[^>]*>/);
  const [floor] = await measureFloors([vpcs], 5);
  t.true(floor.fullMs > 0 && floor.simulatedMs > 0);
});

test('every captured client is found among the installed SDK packages, hyphenated ones and S3 Control (an account-prefixed host) included', async (t) => {
  const canned = await captureWireCalls();
  const clients = new Set(canned.map((call) => call.clientName));
  for (const expected of ['APIGatewayClient', 'ElasticLoadBalancingV2Client', 'Route53DomainsClient', 'CloudWatchLogsClient', 'S3ControlClient']) {
    t.true(clients.has(expected), expected);
  }
  // One operation of each client, sent once: each client class and command resolves and parses its captured answer.
  const onePerClient = [...clients].map((client) => canned.find((call) => call.clientName === client)!);
  const floors = await measureFloors(onePerClient, 1);
  t.deepEqual(floors.map((floor) => floor.action.split('.')[0]).sort(), [...clients].sort());
});

/** Two captures, as the mix schedule needs them (only the client and command names matter to it). */
function named(clientName: string, commandName: string): CannedCall {
  return { clientName, commandName, input: {}, status: 200, headers: {}, body: Buffer.alloc(0) };
}

test('the mix becomes a schedule of sends in its proportions, interleaved the same way every time', (t) => {
  const canned = [named('EC2Client', 'DescribeVpcsCommand'), named('OpenSearchClient', 'ListDomainNamesCommand')];
  const mix = { 'ec2:DescribeVpcs': 2, 'es:ListDomainNames': 1, 'ec2:DescribeNothing': 5 };
  const schedule = mixSchedule(canned, mix, 100);
  t.is(schedule.sends.length, 100);
  // 66.67 and 33.33 sends: the larger remainder gets the last one.
  t.is(schedule.sends.filter((index) => index === 0).length, 67);
  t.is(schedule.sends.filter((index) => index === 1).length, 33);
  t.deepEqual(schedule.uncovered, ['ec2:DescribeNothing']);
  t.deepEqual([schedule.coveredCalls, schedule.totalCalls], [3, 8]);
  t.deepEqual(mixSchedule(canned, mix, 100).sends, schedule.sends, 'seeded');
  // Interleaved, not in two blocks.
  t.true(schedule.sends.slice(0, 20).includes(1) && schedule.sends.slice(0, 20).includes(0));
});

test("the floor probe samples while a run goes, in a process of its own, and turns its samples into the run's mix after it", async (t) => {
  const probe = await FloorProbe.start({ intervalMs: 100, batch: 1, rounds: 3, calls: 40 });
  // The run: samples are taken while it goes (waited for by count, not by the clock).
  await probe.sampled(3);
  const floor = await probe.stop({ 'ec2:DescribeVpcs': 3, 'organizations:ListAccounts': 1, 'ec2:DescribeNothing': 1 });
  t.true(floor.during.length >= 3, `${floor.during.length} samples`);
  t.true(floor.during.every((sample) => sample.fullMs > 0 && sample.simulatedMs > 0));
  t.deepEqual([floor.coveredCalls, floor.totalCalls, floor.uncovered], [4, 5, ['ec2:DescribeNothing']]);
  t.is(floor.after.rounds, 3);
  t.true(floor.fromSamples);
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  t.is(floor.fullFloorMs, median(floor.during.map((sample) => sample.fullMs)) * floor.mixOverUniform.full);
  t.is(floor.simulatedFloorMs, median(floor.during.map((sample) => sample.simulatedMs)) * floor.mixOverUniform.simulated);
});
