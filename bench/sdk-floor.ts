/**
 * The AWS SDK's own CPU per call, as a floor for the ingester's (issue 22, point 2).
 *
 * A real run pays, per call, the SDK (build the request, sign it, send it, parse the answer) and
 * what is ours (pacing, retries, accounting, converters, graph, snapshot). A simulated run pays part
 * of the SDK (up to signing: the simulator answers in `finalizeRequest` with an output object, so no
 * bytes are sent or parsed), the simulator, and ours. To compare with the SDK on any machine:
 *
 *  1. capture: the fixtures' organization is ingested over HTTP from the loopback AWS of the end-to-end tests
 *     (test/wire, answers shaped as the API Reference documents them); each operation's input and
 *     its answer's bytes are kept;
 *  2. full floor: the run's mix of operations (its calls by operation, in proportion) is sent, interleaved, through one
 *     real SDK client per service whose HTTP handler hands back the captured bytes at once (no socket), so only
 *     the SDK's work is timed; in a worker thread with the collection workers' young generation, in rounds,
 *     the median taken (the CPU of one round moves by 15% from minute to minute on a shared 2-core VM);
 *  3. simulated floor: the same, but answered like the simulator answers (an output object in
 *     `finalizeRequest`): what the SDK costs inside a simulated run.
 *
 * The earlier way, each operation alone a few hundred times in a row ({@link measureFloors}), is still
 * printed beside it: it keeps the SDK's code hot on one operation, which a run never does (the two
 * are compared in docs/benchmarks.md).
 *
 * Then, per call:
 *   ours = run CPU - simulator handlers - simulated floor, and
 *   production estimate = ours + full floor; ratio = production estimate / full floor.
 * Operations of the mix without a capture (none today) are weighted out and reported.
 */
import { Readable } from 'node:stream';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fork, type ChildProcess } from 'node:child_process';
import { isMainThread, parentPort, Worker, workerData, type MessagePort } from 'node:worker_threads';
import type { MiddlewareStack } from '@smithy/types';
import { ingest } from '../src/ingest';
import { WORKER_YOUNG_GENERATION_MB } from '../src/parallel/pool';
import { allSimulators } from '../src/services';
import { BASE_CREDENTIALS, EXTERNAL_ID, MANAGEMENT, ROLE_NAME, scenario } from '../test/e2e/helpers';
import { WireServer } from '../test/wire/server';

/** One operation as the capture saw it: the SDK input, and the answer's bytes. */
export interface CannedCall {
  clientName: string;
  commandName: string;
  input: unknown;
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** The SDK's HttpResponse as the deserializers duck-type it (statusCode, headers, body). */
interface CapturedResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: unknown;
}

interface SdkClient {
  send(command: unknown): Promise<unknown>;
  middlewareStack: MiddlewareStack<object, object>;
  destroy(): void;
}
type SdkModule = Record<string, new (input: unknown) => unknown>;

const ENV_KEYS = [
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_S3_CONTROL',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_REGION',
  'AWS_EC2_METADATA_DISABLED',
] as const;

async function bufferOf(body: unknown): Promise<Buffer> {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string' || body instanceof Uint8Array) return Buffer.from(body);
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Buffer | string>) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** Ingests the wire fixtures' organization over loopback HTTP and keeps the first successful call of each operation. */
export async function captureWireCalls(): Promise<CannedCall[]> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- resolves `<account>.localhost` (only such names) to the loopback
  require(path.join(projectRoot(), 'test', 'wire', 'localhost-dns.cjs'));
  const server = await new WireServer(scenario({ verifySignatures: false })).start();
  const saved = Object.fromEntries(ENV_KEYS.map((key) => [key, process.env[key]]));
  const outputDir = mkdtempSync(path.join(tmpdir(), 'orggraph-sdk-floor-'));
  const canned = new Map<string, CannedCall>();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: server.url,
    // S3 Control puts the account id in front of the host, which an IP address cannot take: a host
    // name that the wire tests' preloaded lookup resolves to the loopback (loaded below).
    AWS_ENDPOINT_URL_S3_CONTROL: server.url.replace('127.0.0.1', 'localhost'),
    AWS_ACCESS_KEY_ID: BASE_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: BASE_CREDENTIALS.secretAccessKey,
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  delete process.env.AWS_SESSION_TOKEN;
  const capture = {
    applyToStack(stack: MiddlewareStack<object, object>) {
      stack.add(
        (next, context) => async (args) => {
          const result = await next(args);
          const key = `${context.clientName}.${context.commandName}`;
          const response = result.response as CapturedResponse;
          // The body is a stream the deserializer reads next: read it here and hand on a copy.
          const body = await bufferOf(response.body);
          response.body = Readable.from([body]);
          if (!canned.has(key) && response.statusCode < 300) {
            canned.set(key, {
              clientName: context.clientName ?? '',
              commandName: context.commandName ?? '',
              input: structuredClone((args as { input: unknown }).input),
              status: response.statusCode,
              headers: { ...response.headers },
              body,
            });
          }
          return result;
        },
        { step: 'deserialize', priority: 'low', name: 'orggraphBenchCapture' },
      );
    },
  };
  try {
    await ingest({
      config: { roleName: ROLE_NAME, organization: { managementAccountId: MANAGEMENT }, outputDir },
      secrets: { externalId: EXTERNAL_ID },
      access: { plugins: () => [capture], stsPlugins: () => [capture] },
    });
  } finally {
    for (const key of ENV_KEYS) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
    await server.stop();
    rmSync(outputDir, { recursive: true, force: true });
  }
  return [...canned.values()];
}

/** The SDK client and command classes of a capture (`EC2Client` lives in `@aws-sdk/client-ec2`). */
function sdkClasses(call: CannedCall): { Client: new (config: unknown) => SdkClient; Command: new (input: unknown) => unknown } {
  const sdk = sdkModuleOf(call.clientName);
  return {
    Client: sdk[call.clientName] as unknown as new (config: unknown) => SdkClient,
    Command: sdk[call.commandName],
  };
}

const modulesByClient = new Map<string, SdkModule>();

/**
 * The installed package that exports a client class. Most packages are the client's name in lower
 * case (`@aws-sdk/client-ec2`); others are hyphenated in no derivable way (`client-api-gateway`,
 * `client-elastic-load-balancing-v2`, `client-route-53-domains`), so those are found among the
 * project's `@aws-sdk/client-*` dependencies: a new service's client is covered without a list here.
 */
function sdkModuleOf(clientName: string): SdkModule {
  const known = modulesByClient.get(clientName);
  if (known) return known;
  const guessed = tryRequire(`@aws-sdk/client-${clientName.replace(/Client$/, '').toLowerCase()}`);
  if (guessed?.[clientName]) {
    modulesByClient.set(clientName, guessed);
    return guessed;
  }
  for (const name of sdkClientPackages()) {
    const sdk = tryRequire(name);
    if (sdk?.[clientName]) {
      modulesByClient.set(clientName, sdk);
      return sdk;
    }
  }
  throw new Error(`no installed @aws-sdk/client-* package exports ${clientName}`);
}

function tryRequire(packageName: string): SdkModule | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the package is chosen by the captured client's name
    return require(packageName) as SdkModule;
  } catch {
    return undefined;
  }
}

/** The directory of the project's package.json, found upwards (the benchmark runs from bench/ or dist/bench/). */
function projectRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${__dirname}`);
  }
}

/** The `@aws-sdk/client-*` dependencies of the project's package.json. */
function sdkClientPackages(): string[] {
  const manifest = JSON.parse(readFileSync(path.join(projectRoot(), 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  return Object.keys(manifest.dependencies ?? {}).filter((name) => name.startsWith('@aws-sdk/client-'));
}

const CREDENTIALS = { accessKeyId: 'ASIAFLOORBENCH000000', secretAccessKey: 'floor-bench-secret', sessionToken: 'floor-bench-session' };

export interface OperationFloor {
  action: string;
  /** CPU ms per call through the whole SDK, answer parsed from bytes. */
  fullMs: number;
  /** CPU ms per call of the part of the SDK a simulated run pays (answered with an object in `finalizeRequest`). */
  simulatedMs: number;
}

/** Each captured operation's floors, measured in this process: each alone, `iterations` times after a warm-up, with clients of its own. */
export async function measureFloors(canned: readonly CannedCall[], iterations = 300): Promise<OperationFloor[]> {
  const floors: OperationFloor[] = [];
  for (const call of canned) {
    const sender = new FloorSender([call]);
    try {
      const warmUp = new Array<number>(Math.min(50, iterations)).fill(0);
      const sends = new Array<number>(iterations).fill(0);
      await sender.time(warmUp, false);
      const fullMs = await sender.time(sends, false);
      await sender.time(warmUp, true);
      const simulatedMs = await sender.time(sends, true);
      floors.push({ action: `${call.clientName}.${call.commandName}`, fullMs, simulatedMs });
    } finally {
      sender.destroy();
    }
  }
  return floors;
}

export interface SdkFloorReport {
  /** Calls of the run whose operation was measured, of all its calls. */
  coveredCalls: number;
  totalCalls: number;
  /** Operations of the run without a capture. */
  uncovered: string[];
  /** Weighted by the run's mix: CPU ms per call. */
  fullFloorMs: number;
  simulatedFloorMs: number;
}

/**
 * The floors weighted by a run's mix. `mix` counts the run's calls by simulator action
 * (`ec2:DescribeVpcs`, as SimulatorStats.byOperation does); simulators map actions to client commands.
 */
export function weightFloors(floors: readonly OperationFloor[], mix: Readonly<Record<string, number>>): SdkFloorReport {
  const byClientCommand = new Map(floors.map((floor) => [floor.action, floor]));
  const byAction = new Map<string, OperationFloor>();
  for (const simulator of allSimulators()) {
    for (const commandName of Object.keys(simulator.handlers)) {
      const floor = byClientCommand.get(`${simulator.clientName}.${commandName}`);
      if (floor) byAction.set(`${simulator.service}:${commandName.replace(/Command$/, '')}`, floor);
    }
  }
  let covered = 0;
  let total = 0;
  let full = 0;
  let simulated = 0;
  const uncovered: string[] = [];
  for (const [action, count] of Object.entries(mix)) {
    total += count;
    const floor = byAction.get(action);
    if (!floor) {
      uncovered.push(action);
      continue;
    }
    covered += count;
    full += floor.fullMs * count;
    simulated += floor.simulatedMs * count;
  }
  return {
    coveredCalls: covered,
    totalCalls: total,
    uncovered: uncovered.sort(),
    fullFloorMs: covered ? full / covered : 0,
    simulatedFloorMs: covered ? simulated / covered : 0,
  };
}

/** The run's mix as a list of sends: which captured call each is, interleaved as a run's are. */
export interface MixSchedule {
  /** Indexes into the captured calls, in the order they are sent. */
  sends: number[];
  coveredCalls: number;
  totalCalls: number;
  uncovered: string[];
}

/** A seeded shuffle, so that every run of the benchmark sends the same sequence. */
function shuffle<T>(items: T[], seed: number): T[] {
  let state = seed >>> 0;
  for (let i = items.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = state % (i + 1);
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/**
 * `length` sends in the proportions of the run's mix (largest remainders, so they add up), shuffled:
 * a run sends its operations interleaved through shared clients, not each a few hundred times in a
 * row, and the SDK's code runs colder that way (measured: see docs/benchmarks.md).
 */
export function mixSchedule(canned: readonly CannedCall[], mix: Readonly<Record<string, number>>, length: number): MixSchedule {
  const byClientCommand = new Map(canned.map((call, index) => [`${call.clientName}.${call.commandName}`, index]));
  const byAction = new Map<string, number>();
  for (const simulator of allSimulators()) {
    for (const commandName of Object.keys(simulator.handlers)) {
      const index = byClientCommand.get(`${simulator.clientName}.${commandName}`);
      if (index !== undefined) byAction.set(`${simulator.service}:${commandName.replace(/Command$/, '')}`, index);
    }
  }
  let covered = 0;
  let total = 0;
  const uncovered: string[] = [];
  const weights: Array<{ index: number; count: number }> = [];
  for (const [action, count] of Object.entries(mix)) {
    total += count;
    const index = byAction.get(action);
    if (index === undefined) uncovered.push(action);
    else {
      covered += count;
      weights.push({ index, count });
    }
  }
  const shares = weights.map(({ index, count }) => ({ index, exact: covered ? (count * length) / covered : 0 }));
  const sends: number[] = [];
  for (const share of shares) for (let n = 0; n < Math.floor(share.exact); n++) sends.push(share.index);
  const byRemainder = [...shares].sort((a, b) => b.exact - Math.floor(b.exact) - (a.exact - Math.floor(a.exact)) || a.index - b.index);
  for (const share of byRemainder.slice(0, Math.max(0, length - sends.length))) sends.push(share.index);
  return { sends: shuffle(sends, 22), coveredCalls: covered, totalCalls: total, uncovered: uncovered.sort() };
}

/**
 * Sends captured calls through real SDK clients, one per service (as the access layer shares one per
 * region), answered from the captured bytes (full) or, like the simulator, with the parsed output
 * object in `finalizeRequest` (simulated), and times them.
 */
class FloorSender {
  private current: CannedCall;
  private output: unknown;
  private readonly outputs = new Map<number, unknown>();
  private readonly full = new Map<string, SdkClient>();
  private readonly simulated = new Map<string, SdkClient>();
  private readonly handler = {
    handle: async (): Promise<{ response: CapturedResponse }> => ({
      response: { statusCode: this.current.status, headers: { ...this.current.headers }, body: Readable.from([this.current.body]) },
    }),
  };

  constructor(private readonly canned: readonly CannedCall[]) {
    this.current = canned[0];
  }

  private clientOf(call: CannedCall, simulated: boolean): SdkClient {
    const clients = simulated ? this.simulated : this.full;
    let client = clients.get(call.clientName);
    if (!client) {
      client = new (sdkClasses(call).Client)({ region: 'us-east-1', credentials: CREDENTIALS, requestHandler: this.handler, maxAttempts: 1 });
      // As src/sim/simulator.ts answers: the output object, in finalizeRequest, after signing.
      if (simulated)
        client.middlewareStack.add(() => async () => ({ output: { ...(this.output as object) }, response: undefined }), {
          step: 'finalizeRequest',
          priority: 'low',
          name: 'orggraphBenchSimulatedAnswer',
        });
      clients.set(call.clientName, client);
    }
    return client;
  }

  private async send(index: number, simulated: boolean): Promise<unknown> {
    this.current = this.canned[index];
    if (simulated && !this.outputs.has(index)) await this.send(index, false);
    this.current = this.canned[index];
    this.output = this.outputs.get(index);
    const output = await this.clientOf(this.current, simulated).send(new (sdkClasses(this.current).Command)(structuredClone(this.current.input)));
    if (!simulated && !this.outputs.has(index)) this.outputs.set(index, output);
    return output;
  }

  /** CPU ms per call of these sends, in this order. */
  async time(sends: readonly number[], simulated: boolean): Promise<number> {
    for (const index of new Set(sends)) if (!this.outputs.has(index)) await this.send(index, false);
    const before = process.cpuUsage();
    for (const index of sends) await this.send(index, simulated);
    const used = process.cpuUsage(before);
    return (used.user + used.system) / 1000 / Math.max(1, sends.length);
  }

  destroy(): void {
    for (const client of [...this.full.values(), ...this.simulated.values()]) client.destroy();
  }
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** The SDK floor measured while a run goes, and after it (see {@link FloorProbe}). */
export interface FloorDuringRun extends SdkFloorReport {
  /** Samples taken while the run went: CPU ms per call of every captured operation once, full and simulated. */
  during: Array<{ fullMs: number; simulatedMs: number }>;
  /** Measured after the run, alternately with the same samples: the run's mix over every operation once. */
  mixOverUniform: { full: number; simulated: number };
  /** The run's mix measured after the run (the medians of those alternating rounds). */
  after: { fullMs: number; simulatedMs: number; rounds: number };
  /** Whether the floors come from the samples; a run too short for 3 samples gets {@link after}'s. */
  fromSamples: boolean;
}

interface ProbeOptions {
  /** Between two samples, ms. */
  intervalMs: number;
  /** How many times a sample sends every captured operation. */
  batch: number;
  /** Rounds after the run, and the calls of the mix's schedule. */
  rounds: number;
  calls: number;
}

const PROBE_THREAD = 'orggraph-sdk-floor-probe';
const PROBE_ARGUMENT = '--sdk-floor-probe';

type ProbeMessage = { type: 'ready' } | { type: 'sample'; count: number } | { type: 'floor'; floor: FloorDuringRun } | { type: 'failed'; message: string };

/**
 * The SDK's floor, measured in another process while the run goes: every `intervalMs`, every captured
 * operation is sent `batch` times (full, then simulated) and timed. On a shared VM the CPU a given
 * piece of work takes moves by 15% from minute to minute; measured after the run only, the floor
 * and the run's own CPU are taken in different minutes. The samples span the run's minutes, and
 * after it the run's mix is measured against the same sample alternately (which cancels the drift)
 * to turn them into the run's mix: floor = median(samples) x (mix / sample).
 *
 * Its own process, so that neither its CPU nor its memory count in the run's; its calls go through a
 * thread with the collection workers' young generation. About 5% of one core at the defaults.
 */
export class FloorProbe {
  private readonly arrived: ProbeMessage[] = [];
  private waiting: ((message: ProbeMessage) => void) | undefined;
  private samples = 0;
  private readonly sampleWaiters: Array<{ count: number; resolve: () => void }> = [];

  private constructor(private readonly child: ChildProcess) {
    const deliver = (message: ProbeMessage) => {
      if (message.type === 'sample') {
        this.samples = message.count;
        for (const waiter of this.sampleWaiters.filter((w) => w.count <= this.samples)) waiter.resolve();
        return;
      }
      // A probe that failed takes no more samples: whoever waits for them hears of it from `stop`.
      if (message.type === 'failed') for (const waiter of this.sampleWaiters) waiter.resolve();
      const waiting = this.waiting;
      this.waiting = undefined;
      if (waiting) waiting(message);
      else this.arrived.push(message);
    };
    child.on('message', (message: ProbeMessage) => deliver(message));
    child.on('exit', (code) => deliver({ type: 'failed', message: `its process exited with ${code}` }));
  }

  static async start(options: Partial<ProbeOptions> = {}): Promise<FloorProbe> {
    const settings: ProbeOptions = { intervalMs: 10_000, batch: 5, rounds: 9, calls: 2000, ...options };
    const child = fork(__filename, [PROBE_ARGUMENT, JSON.stringify(settings)], {
      execArgv: __filename.endsWith('.ts') ? ['--import', 'tsx'] : [],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    const probe = new FloorProbe(child);
    await probe.expect('ready');
    return probe;
  }

  private async expect<T extends ProbeMessage['type']>(type: T): Promise<Extract<ProbeMessage, { type: T }>> {
    const message = this.arrived.shift() ?? (await new Promise<ProbeMessage>((resolve) => (this.waiting = resolve)));
    if (message.type === 'failed') throw new Error(`the SDK floor probe failed: ${message.message}`);
    if (message.type !== type) throw new Error(`the SDK floor probe answered ${message.type}, not ${type}`);
    return message as Extract<ProbeMessage, { type: T }>;
  }

  /** Resolves once the probe has taken this many samples (tests: no wait on the clock). */
  sampled(count: number): Promise<void> {
    if (this.samples >= count) return Promise.resolve();
    return new Promise((resolve) => this.sampleWaiters.push({ count, resolve }));
  }

  /** Stops sampling, measures the run's mix against the sample, and answers the floor. */
  async stop(mix: Readonly<Record<string, number>>): Promise<FloorDuringRun> {
    this.child.send({ mix });
    try {
      return (await this.expect('floor')).floor;
    } finally {
      this.abandon();
    }
  }

  /** Stops without measuring (a run that failed). */
  abandon(): void {
    this.child.removeAllListeners('exit');
    this.child.kill();
  }
}

/** In the probe's thread: samples until told the mix, then measures the mix against the sample. */
async function probeThread(port: MessagePort, canned: readonly CannedCall[], options: ProbeOptions): Promise<void> {
  const sender = new FloorSender(canned);
  let mix: Readonly<Record<string, number>> | undefined;
  let wake: (() => void) | undefined;
  port.on('message', (message: { mix: Record<string, number> }) => {
    mix = message.mix;
    wake?.();
  });
  const every = canned.map((_, index) => index);
  const sample = Array.from({ length: options.batch }, (_, round) => shuffle([...every], round + 1)).flat();
  const take = async () => ({ fullMs: await sender.time(sample, false), simulatedMs: await sender.time(sample, true) });
  for (let round = 0; round < 2; round++) await take();
  port.postMessage({ type: 'ready' });
  const during: FloorDuringRun['during'] = [];
  while (!mix) {
    await new Promise<void>((resolve) => {
      wake = resolve;
      setTimeout(resolve, options.intervalMs).unref();
    });
    if (mix) break;
    during.push(await take());
    port.postMessage({ type: 'sample', count: during.length });
  }
  const schedule = mixSchedule(canned, mix, options.calls);
  await sender.time(schedule.sends, false);
  await sender.time(schedule.sends, true);
  const rounds: Array<{ sample: { fullMs: number; simulatedMs: number }; mix: { fullMs: number; simulatedMs: number } }> = [];
  for (let round = 0; round < options.rounds; round++) {
    const fullSample = await sender.time(sample, false);
    const fullMix = await sender.time(schedule.sends, false);
    const simulatedSample = await sender.time(sample, true);
    const simulatedMix = await sender.time(schedule.sends, true);
    rounds.push({ sample: { fullMs: fullSample, simulatedMs: simulatedSample }, mix: { fullMs: fullMix, simulatedMs: simulatedMix } });
  }
  sender.destroy();
  const after = { fullMs: median(rounds.map((r) => r.mix.fullMs)), simulatedMs: median(rounds.map((r) => r.mix.simulatedMs)), rounds: rounds.length };
  const mixOverUniform = {
    full: median(rounds.map((r) => r.mix.fullMs / r.sample.fullMs)),
    simulated: median(rounds.map((r) => r.mix.simulatedMs / r.sample.simulatedMs)),
  };
  // A run shorter than a few samples: the floor after it.
  const enough = during.length >= 3;
  const floor: FloorDuringRun = {
    coveredCalls: schedule.coveredCalls,
    totalCalls: schedule.totalCalls,
    uncovered: schedule.uncovered,
    fullFloorMs: enough ? median(during.map((d) => d.fullMs)) * mixOverUniform.full : after.fullMs,
    simulatedFloorMs: enough ? median(during.map((d) => d.simulatedMs)) * mixOverUniform.simulated : after.simulatedMs,
    during,
    mixOverUniform,
    after,
    fromSamples: enough,
  };
  port.postMessage({ type: 'floor', floor });
}

/** The probe process: captures the calls, then runs {@link probeThread} in a thread like the workers. */
async function probeProcess(options: ProbeOptions): Promise<void> {
  const send = (message: ProbeMessage) => process.send?.(message);
  try {
    const canned = await captureWireCalls();
    const thread = startThread({ kind: PROBE_THREAD, canned, options });
    thread.on('message', (message: ProbeMessage) => send(message));
    thread.on('error', (error) => send({ type: 'failed', message: String(error) }));
    process.on('message', (message) => thread.postMessage(message));
  } catch (error) {
    send({ type: 'failed', message: String(error) });
  }
}

/** A thread on this module with the collection workers' young generation (src/parallel/pool.ts). */
interface ProbeThreadData {
  kind: typeof PROBE_THREAD;
  canned: readonly CannedCall[];
  options: ProbeOptions;
}

function startThread(data: ProbeThreadData): Worker {
  const settings = { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } };
  return __filename.endsWith('.ts')
    ? new Worker(`require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(__filename)});`, { ...settings, eval: true })
    : new Worker(__filename, settings);
}

const threadSetup = workerData as ProbeThreadData | undefined;
if (!isMainThread && parentPort && threadSetup?.kind === PROBE_THREAD) {
  // Buffers arrive as Uint8Arrays.
  const canned = threadSetup.canned.map((call) => ({ ...call, body: Buffer.from(call.body) }));
  void probeThread(parentPort, canned, threadSetup.options);
}
if (isMainThread && process.argv[2] === PROBE_ARGUMENT && process.send) void probeProcess(JSON.parse(process.argv[3]) as ProbeOptions);
