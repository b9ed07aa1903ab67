import type { RateLimitRule } from '../aws/rate-limits';
import type { Collector } from '../collectors/types';
import type { EntitySchema } from '../graph/schema';
import type { ServiceSimulator } from '../sim/types';

/**
 * Everything one AWS service contributes: its collectors (with their declarations), its part of the
 * simulated AWS, and its part of the built-in simulated organization.
 */
export interface ServiceModule {
  /** Service id as in the service entity `aws_<service>`: `ec2`, `iam`, `s3`. */
  service: string;
  /** Human name for docs. */
  title: string;
  /** `function` values of the `aws_<service>` Service entity (JupiterOne data model). */
  serviceFunctions: string[];
  /** AWS's request buckets for this service's calls (the access layer paces by them, the simulator throttles by them). */
  rateLimits?: readonly RateLimitRule[];
  collectors: Collector[];
  simulators: ServiceSimulator[];
  /** Absolute path of this service's fragment of the built-in world (YAML), if any. */
  demoWorldFragment?: string;
}

/** An AWS service: it has an `aws_<service>` entity in every account, of this schema (its `SERVICE`). */
export interface AwsServiceModule extends ServiceModule {
  serviceEntity: EntitySchema;
}
