import type {
  ComplianceByConfigRule,
  ConfigRule,
  ConfigurationRecorder,
  ConfigurationRecorderStatus,
  DeliveryChannel,
  EvaluationResult,
} from '@aws-sdk/client-config-service';
import { createEntity, createRelationship, mappedEntity, RelationshipVerb, type Entity, type Relationship } from '../../graph';
import { serviceEntityRef } from '../../graph';
import { CONFIG_RESOURCE_PLACEHOLDER_TYPE, configResourcePlaceholderKey } from './resources';
import { ConfigEntities } from './schema';

export interface ConfigScope {
  accountId: string;
  region: string;
}

/** `aws_config_rule` from DescribeConfigRules, with its compliance (DescribeComplianceByConfigRule). */
export function convertConfigRule(rule: ConfigRule, scope: ConfigScope, compliance?: ComplianceByConfigRule): Entity {
  const arn = rule.ConfigRuleArn ?? `arn:aws:config:${scope.region}:${scope.accountId}:config-rule/${rule.ConfigRuleId}`;
  return createEntity({
    _key: arn,
    schema: ConfigEntities.RULE,
    name: rule.ConfigRuleName,
    properties: {
      arn,
      configRuleId: rule.ConfigRuleId,
      configRuleName: rule.ConfigRuleName,
      description: rule.Description,
      accountId: scope.accountId,
      region: scope.region,
      state: rule.ConfigRuleState,
      active: rule.ConfigRuleState === 'ACTIVE',
      sourceOwner: rule.Source?.Owner,
      sourceIdentifier: rule.Source?.SourceIdentifier,
      scopeResourceTypes: rule.Scope?.ComplianceResourceTypes?.length ? [...rule.Scope.ComplianceResourceTypes] : undefined,
      maximumExecutionFrequency: rule.MaximumExecutionFrequency,
      createdBy: rule.CreatedBy,
      evaluationModes: rule.EvaluationModes?.map((mode) => mode.Mode ?? ''),
      // COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE or INSUFFICIENT_DATA; undefined when it could not be read.
      complianceState: compliance?.Compliance?.ComplianceType,
      nonCompliantResourceCount: compliance?.Compliance?.ComplianceContributorCount?.CappedCount,
      nonCompliantResourceCountCapped: compliance?.Compliance?.ComplianceContributorCount?.CapExceeded,
      webLink: `https://console.aws.amazon.com/config/home?region=${scope.region}#/rules/details?configRuleName=${encodeURIComponent(rule.ConfigRuleName ?? '')}`,
    },
  });
}

/** Key of a configuration recorder (older recorders have no `arn`). */
export function recorderKey(scope: ConfigScope, name: string): string {
  return `arn:aws:config:${scope.region}:${scope.accountId}:configuration-recorder/${name}`;
}

/**
 * `aws_config_recorder` from DescribeConfigurationRecorders and its status: what CIS 4.3 reads
 * (`recording`, `allSupported`, `includeGlobalResourceTypes`, `lastStatus`).
 */
export function convertRecorder(recorder: ConfigurationRecorder, scope: ConfigScope, status?: ConfigurationRecorderStatus): Entity {
  const name = recorder.name ?? 'default';
  const group = recorder.recordingGroup;
  const strategy = group?.recordingStrategy?.useOnly;
  return createEntity({
    _key: recorder.arn ?? recorderKey(scope, name),
    schema: ConfigEntities.RECORDER,
    name,
    properties: {
      arn: recorder.arn ?? recorderKey(scope, name),
      accountId: scope.accountId,
      region: scope.region,
      roleArn: recorder.roleARN,
      // AWS's default recording group records every supported type when none is given.
      allSupported: group ? group.allSupported === true || strategy === 'ALL_SUPPORTED_RESOURCE_TYPES' : true,
      includeGlobalResourceTypes: group?.includeGlobalResourceTypes === true,
      recordingStrategy: strategy,
      resourceTypes: group?.resourceTypes?.length ? [...group.resourceTypes] : undefined,
      recordingFrequency: recorder.recordingMode?.recordingFrequency,
      servicePrincipal: recorder.servicePrincipal,
      recording: status ? status.recording === true : undefined,
      lastStatus: status?.lastStatus,
      lastErrorCode: status?.lastErrorCode,
      lastStartedOn: status?.lastStartTime,
      lastStoppedOn: status?.lastStopTime,
      lastStatusChangedOn: status?.lastStatusChangeTime,
      active: status ? status.recording === true && status.lastStatus !== 'Failure' : undefined,
    },
  });
}

/** `aws_config_delivery_channel` from DescribeDeliveryChannels. */
export function convertDeliveryChannel(channel: DeliveryChannel, scope: ConfigScope): Entity {
  const name = channel.name ?? 'default';
  const key = `arn:aws:config:${scope.region}:${scope.accountId}:delivery-channel/${name}`;
  return createEntity({
    _key: key,
    schema: ConfigEntities.DELIVERY_CHANNEL,
    name,
    properties: {
      accountId: scope.accountId,
      region: scope.region,
      s3BucketName: channel.s3BucketName,
      s3KeyPrefix: channel.s3KeyPrefix,
      s3KmsKeyArn: channel.s3KmsKeyArn,
      snsTopicArn: channel.snsTopicARN,
      deliveryFrequency: channel.configSnapshotDeliveryProperties?.deliveryFrequency,
    },
  });
}

export function configServiceHas(accountId: string, entity: Entity): Relationship {
  return createRelationship({ from: serviceEntityRef(accountId, 'config'), verb: RelationshipVerb.HAS, to: entity });
}

/** `aws_config_rule EVALUATES <resource>`, with the evaluation's result on the edge. */
export function ruleEvaluates(rule: Entity, target: { _key: string; _type: string }, result: EvaluationResult): Relationship {
  return createRelationship({
    from: rule,
    verb: RelationshipVerb.EVALUATES,
    to: target,
    properties: {
      complianceState: result.ComplianceType,
      resourceType: result.EvaluationResultIdentifier?.EvaluationResultQualifier?.ResourceType,
      resourceId: result.EvaluationResultIdentifier?.EvaluationResultQualifier?.ResourceId,
      annotation: result.Annotation,
      evaluatedOn: result.ResultRecordedTime,
    },
  });
}

/** A placeholder for an evaluated resource that the graph does not hold (a type not collected). */
export function mappedConfigResource(resourceType: string, resourceId: string, scope: ConfigScope): Entity {
  return mappedEntity(
    createEntity({
      _key: configResourcePlaceholderKey(resourceType, resourceId, scope.accountId, scope.region),
      _type: CONFIG_RESOURCE_PLACEHOLDER_TYPE,
      _class: ['Resource'],
      name: resourceId,
      properties: { resourceType, resourceId, accountId: scope.accountId, region: scope.region },
    }),
  );
}
