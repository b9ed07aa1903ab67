import * as path from 'node:path';
import { loadPeopleFile, type PersonRecord } from '../analysis/people';
import { AwsAccess, type ThrottleRetryOptions } from '../aws/access';
import { silentLogger } from '../collectors/runner';
import type { Logger } from '../collectors/types';
import { checkExternalId, completeConfig, InputError, serviceNameProblems, type IngestConfig, type InputProblem } from '../config';
import { allSimulators, serviceModules } from '../services';
import { fastRetryStrategy } from '../sim/retry';
import { SIMULATED_BASE_CREDENTIALS, SimulatedAws } from '../sim/simulator';
import type { World } from '../sim/types';
import { SnapshotStoreError } from '../snapshot';
import { FileStorage } from '../store/files';
import type { GraphStorage, SnapshotRef } from '../store/types';
import { readablePath } from '../util/yaml-position';
import type { IngestOptions } from './types';

/**
 * Input checks that need the file system or the service registry, made before the first AWS call:
 * the services exist, the snapshot directory can be written, and `latest.json` can be read. Throws
 * an {@link InputError} naming every problem; resolves to the previous snapshots to compare with.
 */
export async function preflight(config: IngestConfig, store: GraphStorage): Promise<{ candidates: SnapshotRef[]; passedOver: string[] }> {
  const problems: InputProblem[] = [];
  const known = serviceModules.map((module) => module.service);
  for (const bad of serviceNameProblems(config.services, known)) {
    problems.push({ source: 'configuration', field: readablePath(bad.pointer), message: bad.message });
  }
  const writeProblem = await store.writeProblem();
  if (writeProblem) {
    problems.push(
      store.kind === 'files'
        ? { source: path.resolve(config.outputDir), field: 'outputDir', message: writeProblem }
        : { source: store.description, field: 'store', message: writeProblem },
    );
  }
  if (config.shard && store.kind !== 'postgres') {
    problems.push({
      source: 'configuration',
      field: 'shard',
      message: 'sharded runs write to one shared graph: they need a PostgreSQL store (store: postgres)',
    });
  }
  let found = { candidates: [] as SnapshotRef[], passedOver: [] as string[] };
  try {
    if (!writeProblem) found = await store.previousCandidates();
  } catch (error) {
    if (!(error instanceof SnapshotStoreError)) throw error;
    problems.push({ source: error.file, message: error.problem });
  }
  if (problems.length) throw new InputError(problems);
  return found;
}

/** What a run works with, all of it set up (and the inputs checked) before its first AWS call. */
export interface RunSetup {
  logger: Logger;
  clock: () => Date;
  startedAt: Date;
  /** `performance.now()` when the run started, for its duration. */
  started: number;
  world?: World;
  config: IngestConfig;
  people?: PersonRecord[];
  store: GraphStorage;
  /** The previous snapshots to compare with, best first, and those passed over (see {@link preflight}). */
  previousSnapshots: { candidates: SnapshotRef[]; passedOver: string[] };
  throttleRetries: ThrottleRetryOptions;
  access: AwsAccess;
}

/** The run's configuration, checked inputs and access layer: everything before the first AWS call. */
export async function setUpRun(options: IngestOptions): Promise<RunSetup> {
  const logger = options.logger ?? silentLogger;
  const clock = options.clock ?? (() => new Date());
  const startedAt = clock();
  const started = performance.now();
  const world = options.simulate;
  const config = completeConfig({
    ...(world ? { roleName: world.organization.roleName, organization: { managementAccountId: world.organization.managementAccountId } } : {}),
    ...options.config,
  });
  // Read before any AWS call, so a bad people file fails the run at once.
  const people = config.people ? loadPeopleFile(config.people) : undefined;
  const externalId = options.secrets?.externalId ?? world?.organization.externalId;
  if (externalId !== undefined) checkExternalId(externalId);
  const store: GraphStorage = options.store ?? new FileStorage(config.outputDir);
  const previousSnapshots = await preflight(config, store);
  // A database store claims this run's place in the next snapshot (or shard of it) before any AWS call.
  await store.begin?.(config.shard);

  // A virtual clock given for the credentials is the simulated organization's clock too (tests).
  const credentialsClock = options.access?.credentialsClock;
  const simulated = world ? new SimulatedAws(world, allSimulators(), { now: credentialsClock && (() => credentialsClock.now()) }) : undefined;
  // Throttled calls are retried until this run's deadline (config `throttleRetryMinutes`), then recorded.
  const throttleRetries = {
    ...options.access?.throttleRetries,
    ...(options.access?.throttleRetries?.deadlineMs === undefined && config.throttleRetryMinutes ? { deadlineMs: config.throttleRetryMinutes * 60_000 } : {}),
  };
  const access = new AwsAccess({
    roleName: config.roleName,
    rolePath: config.rolePath,
    externalId,
    sessionName: config.sessionName,
    ...(simulated
      ? {
          baseCredentials: SIMULATED_BASE_CREDENTIALS,
          plugins: ({ region }) => [simulated.plugin(region)],
          stsPlugins: () => [simulated.stsPlugin()],
          retryStrategy: fastRetryStrategy(),
        }
      : {}),
    ...options.access,
    throttleRetries,
  });
  return { logger, clock, startedAt, started, world, config, people, store, previousSnapshots, throttleRetries, access };
}
