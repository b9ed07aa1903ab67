import { AwsAccess, type AwsAccessOptions } from '../../src/aws/access';
import { fastRetryStrategy } from '../../src/ingest';
import { allSimulators } from '../../src/services';
import { SIMULATED_BASE_CREDENTIALS, SimulatedAws } from '../../src/sim/simulator';
import type { World } from '../../src/sim/types';

/** An access layer answered by a simulated organization, as `ingest --simulate` builds it. */
export function simulatedAccess(
  world: World,
  options: Partial<AwsAccessOptions> = {},
  /** Monotonic milliseconds the simulated buckets refill with (a virtual clock: deterministic throttling). */
  bucketClock?: { now(): number },
): { access: AwsAccess; simulated: SimulatedAws } {
  const clock = options.credentialsClock;
  const simulated = new SimulatedAws(world, allSimulators(), { now: clock && (() => clock.now()), bucketClock: bucketClock && (() => bucketClock.now()) });
  const access = new AwsAccess({
    roleName: world.organization.roleName,
    externalId: world.organization.externalId,
    baseCredentials: SIMULATED_BASE_CREDENTIALS,
    plugins: ({ region }) => [simulated.plugin(region)],
    stsPlugins: () => [simulated.stsPlugin()],
    retryStrategy: fastRetryStrategy(),
    ...options,
  });
  return { access, simulated };
}
