import { mappedResource } from '../analysis/mapped-entities';
import { parseArn } from '../analysis/arn';
import { createEntity, mappedEntity, type Entity } from '../graph';
import type { CollectorContext } from '../collectors/types';
import { edgeTarget, type EntityRef } from './cross-service';

/**
 * Types of the resources that event-rule targets, alarm actions and findings name by ARN. Their
 * keys are the resources' ARNs (as the services that ingest them key them), so an edge drawn to
 * the ARN reaches the real entity when its service is collected, and a placeholder otherwise.
 */
const TARGET_TYPES: Array<{ service: string; resource: RegExp; _type: string; _class: string[]; key?: (arn: string) => string }> = [
  // A function ARN may carry a version or alias qualifier; the function entity is the unqualified ARN.
  { service: 'lambda', resource: /^function:/, _type: 'aws_lambda_function', _class: ['Function'], key: (arn) => arn.split(':').slice(0, 7).join(':') },
  { service: 'sns', resource: /^[^:/]+$/, _type: 'aws_sns_topic', _class: ['Channel'] },
  { service: 'sqs', resource: /^[^:/]+$/, _type: 'aws_sqs_queue', _class: ['Queue'] },
  // Logs' ARNs sometimes end in `:*` (all streams); the log group entity is keyed without it.
  { service: 'logs', resource: /^log-group:/, _type: 'aws_cloudwatch_log_group', _class: ['Logs'], key: (arn) => arn.replace(/:\*$/, '') },
];

/** Every `_type` an ARN target can have (for relationship declarations). */
export const ARN_TARGET_TYPES: readonly string[] = [...TARGET_TYPES.map((t) => t._type), 'aws_resource'];

/** The graph key of the resource an ARN names (qualifiers dropped), or undefined for a non-ARN. */
export function arnTargetKey(arn: string): string | undefined {
  const parts = parseArn(arn);
  if (!parts) return undefined;
  const known = TARGET_TYPES.find((t) => t.service === parts.service && t.resource.test(parts.resource));
  return known?.key ? known.key(arn) : arn;
}

/** A placeholder for a resource named by ARN that the graph does not hold (`_source: system-mapper`). */
export function mappedArnTarget(arn: string): Entity {
  const parts = parseArn(arn);
  const known = parts ? TARGET_TYPES.find((t) => t.service === parts.service && t.resource.test(parts.resource)) : undefined;
  if (!parts || !known) return mappedResource(arn, false);
  const key = known.key ? known.key(arn) : arn;
  const name = parts.resource.replace(/^(function|log-group):/, '').split(':')[0] || key;
  return mappedEntity(
    createEntity({
      _key: key,
      _type: known._type,
      _class: known._class,
      name,
      properties: { arn: key, accountId: parts.account || undefined, region: parts.region || undefined },
    }),
  );
}

/**
 * The entity an ARN names, for an edge: the graph's own, the key when its collector or another
 * ingested account reports it (see `edgeTarget`), else a placeholder added to the graph. Undefined
 * when the text is not an ARN.
 */
export async function resolveArnTarget(context: CollectorContext, arn: string): Promise<EntityRef | undefined> {
  const key = arnTargetKey(arn);
  if (!key) return undefined;
  const placeholder = mappedArnTarget(arn);
  return edgeTarget(context, { _key: key, _type: placeholder._type }, () => placeholder);
}
