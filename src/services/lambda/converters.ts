import type { EventSourceMappingConfiguration, FunctionConfiguration } from '@aws-sdk/client-lambda';
import { createEntity, createRelationship, RelationshipVerb, type Entity, type Relationship } from '../../graph';
import type { EntityRef } from '../cross-service';
import { readResourcePolicy, servicePrincipals, sourceArns } from '../resource-policy';
import { serviceEntityRef } from '../../graph';
import { LambdaEntities, LambdaTargets } from './schema';

export interface LambdaScope {
  accountId: string;
  region: string;
}

/** Lambda's `LastModified` (`2019-08-14T22:26:11.234+0000`) as epoch ms. */
export function lambdaTimestamp(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const ms = Date.parse(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * `aws_lambda_function` from ListFunctions' FunctionConfiguration and ListTags. Environment
 * variable values are never stored (they often hold secrets); only their names.
 */
export function convertLambdaFunction(fn: FunctionConfiguration, scope: LambdaScope, tags?: Record<string, string>): Entity {
  const name = fn.FunctionName ?? '';
  const arn = fn.FunctionArn ?? `arn:aws:lambda:${scope.region}:${scope.accountId}:function:${name}`;
  const logging = fn.LoggingConfig;
  return createEntity({
    _key: arn,
    schema: LambdaEntities.FUNCTION,
    name,
    tags,
    properties: {
      id: arn,
      arn,
      functionName: name,
      accountId: scope.accountId,
      region: scope.region,
      description: fn.Description || undefined,
      runtime: fn.Runtime,
      handler: fn.Handler,
      packageType: fn.PackageType,
      architectures: fn.Architectures ? [...fn.Architectures] : undefined,
      version: fn.Version,
      codeSize: fn.CodeSize === undefined ? undefined : String(fn.CodeSize),
      codeSha256: fn.CodeSha256,
      codeHash: fn.CodeSha256,
      timeout: fn.Timeout,
      // The data model's Function.memorySize and codeSize are strings.
      memorySize: fn.MemorySize === undefined ? undefined : String(fn.MemorySize),
      ephemeralStorageSize: fn.EphemeralStorage?.Size,
      state: fn.State,
      lastUpdateStatus: fn.LastUpdateStatus,
      updatedOn: lambdaTimestamp(fn.LastModified),
      role: fn.Role,
      vpcId: fn.VpcConfig?.VpcId || undefined,
      subnetIds: fn.VpcConfig?.SubnetIds?.length ? [...fn.VpcConfig.SubnetIds] : undefined,
      securityGroupIds: fn.VpcConfig?.SecurityGroupIds?.length ? [...fn.VpcConfig.SecurityGroupIds] : undefined,
      kmsKeyArn: fn.KMSKeyArn,
      tracingMode: fn.TracingConfig?.Mode,
      deadLetterTargetArn: fn.DeadLetterConfig?.TargetArn,
      environmentVariableNames: fn.Environment?.Variables ? Object.keys(fn.Environment.Variables).sort() : undefined,
      // Lambda sends logs to CloudWatch Logs; the logging configuration names the group (absent in
      // responses of functions Lambda has not migrated to the logging configuration).
      loggingEnabled: Boolean(logging?.LogGroup),
      logGroup: logging?.LogGroup,
      logFormat: logging?.LogFormat,
      layers: fn.Layers?.length ? fn.Layers.map((layer) => layer.Arn ?? '').filter(Boolean) : undefined,
      // Code signing: the signing profile of the function's code and of each layer, when signed.
      signingProfileVersionArn: fn.SigningProfileVersionArn,
      signingJobArn: fn.SigningJobArn,
      layerSigningProfileVersionArns: fn.Layers?.some((layer) => layer.SigningProfileVersionArn)
        ? fn.Layers.map((layer) => layer.SigningProfileVersionArn ?? '').filter(Boolean)
        : undefined,
      webLink: `https://console.aws.amazon.com/lambda/home?region=${scope.region}#/functions/${encodeURIComponent(name)}`,
    },
  });
}

export function lambdaFunctionPolicyKey(functionArn: string): string {
  return `${functionArn}|policy`;
}

/** `aws_lambda_function_policy` from GetPolicy's `Policy` text: an AccessPolicy whose `document` the policy analysis reads. */
export function convertLambdaFunctionPolicy(fn: Entity, policyText: string): Entity {
  const policy = readFunctionPolicy(policyText);
  return createEntity({
    _key: lambdaFunctionPolicyKey(fn._key),
    schema: LambdaEntities.FUNCTION_POLICY,
    name: `${String(fn.functionName)}-policy`,
    properties: {
      functionArn: fn._key,
      accountId: fn.accountId as string,
      region: fn.region as string,
      document: policy.compact,
      statementCount: policy.parsed ? policy.statements.length : undefined,
      public: policy.parsed ? policy.public : undefined,
    },
  });
}

/** The function policy, read with the shared resource-policy helpers (one place to switch to the unified model). */
export function readFunctionPolicy(text: string) {
  return readResourcePolicy(text);
}

/**
 * The event sources a function policy lets invoke the function, from `aws:SourceArn` conditions
 * of service principals: S3 buckets, SNS topics, EventBridge rules and API Gateway REST APIs.
 * Keys are the sources' ARNs (a REST API's `arn:aws:apigateway:<region>::/restapis/<id>`).
 */
export function policyEventSources(policyText: string): EntityRef[] {
  const sources = new Map<string, EntityRef>();
  for (const statement of readFunctionPolicy(policyText).statements) {
    const services = servicePrincipals(statement);
    for (const arn of sourceArns(statement)) {
      if (arn.includes('*') && !arn.startsWith('arn:aws:execute-api:')) continue;
      const parts = arn.split(':');
      if (services.includes('s3.amazonaws.com') && parts[2] === 's3') sources.set(arn, { _key: arn, _type: 'aws_s3_bucket' });
      else if (services.includes('sns.amazonaws.com') && parts[2] === 'sns') sources.set(arn, { _key: arn, _type: 'aws_sns_topic' });
      else if (services.includes('events.amazonaws.com') && parts[2] === 'events') sources.set(arn, { _key: arn, _type: 'aws_cloudwatch_event_rule' });
      else if (services.includes('apigateway.amazonaws.com') && parts[2] === 'execute-api') {
        const apiId = parts[5]?.split('/')[0];
        if (apiId && apiId !== '*') {
          const key = `arn:aws:apigateway:${parts[3]}::/restapis/${apiId}`;
          sources.set(key, { _key: key, _type: 'aws_api_gateway_rest_api' });
        }
      }
    }
  }
  return [...sources.values()];
}

/** The entity an event-source mapping reads from: queue, table (for its stream) or stream; others generic. */
export function eventSourceRef(mapping: EventSourceMappingConfiguration): EntityRef | undefined {
  const arn = mapping.EventSourceArn;
  if (!arn) return undefined;
  const service = arn.split(':')[2];
  if (service === 'sqs') return { _key: arn, _type: LambdaTargets.SQS_QUEUE };
  if (service === 'dynamodb') return { _key: arn.replace(/\/stream\/.*$/, ''), _type: LambdaTargets.DYNAMODB_TABLE };
  if (service === 'kinesis') return { _key: arn, _type: LambdaTargets.KINESIS_STREAM };
  return { _key: arn, _type: LambdaTargets.GENERIC };
}

export function lambdaServiceHasFunction(accountId: string, fn: Entity): Relationship {
  return createRelationship({ from: serviceEntityRef(accountId, 'lambda'), verb: RelationshipVerb.HAS, to: fn });
}

export function lambdaEdge(
  from: EntityRef,
  verb: RelationshipVerb,
  to: EntityRef,
  properties?: Record<string, string | number | boolean | undefined>,
  keySuffix?: string,
): Relationship {
  return createRelationship({ from, verb, to, properties, keySuffix });
}
