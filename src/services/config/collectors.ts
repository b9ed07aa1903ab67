import {
  ConfigServiceClient,
  DescribeConfigurationRecordersCommand,
  DescribeConfigurationRecorderStatusCommand,
  DescribeDeliveryChannelsCommand,
  paginateDescribeComplianceByConfigRule,
  paginateDescribeConfigRules,
  paginateGetComplianceDetailsByConfigRule,
  type ComplianceByConfigRule,
  type ConfigRule,
  type EvaluationResult,
} from '@aws-sdk/client-config-service';
import { mapConcurrent } from '../../collectors/concurrency';
import type { Collector, CollectorContext } from '../../collectors/types';
import type { Entity } from '../../graph';
import { regionalFlagEnrichment, setRegionalFlag, type RegionalFlag } from '../regional-flags';
import {
  configServiceHas,
  convertConfigRule,
  convertDeliveryChannel,
  convertRecorder,
  mappedConfigResource,
  ruleEvaluates,
  type ConfigScope,
} from './converters';
import { CONFIG_RESOURCE_TYPES } from './resources';
import { ConfigEntities, ConfigRelationships } from './schema';

/** `recording.<region>` on `aws_config`, and `notRecordingRegions`: Config off in a region has no recorder to say so. */
export const CONFIG_RECORDING: RegionalFlag = { service: 'config', property: 'recording', summary: 'notRecordingRegions' };

/** Finds an evaluated resource among the graph's entities of the account (by key or by id property). */
class ResourceFinder {
  private readonly byId = new Map<string, Map<string, Entity>>();

  constructor(
    private readonly context: CollectorContext,
    private readonly scope: ConfigScope,
  ) {}

  find(resourceType: string, resourceId: string): Entity | undefined {
    const mapping = CONFIG_RESOURCE_TYPES[resourceType];
    if (!mapping) return undefined;
    if (mapping.key) return this.context.graph.getEntity(mapping.key(resourceId, this.scope.accountId, this.scope.region));
    const property = mapping.idProperty ?? 'id';
    let index = this.byId.get(resourceType);
    if (!index) {
      index = new Map();
      for (const entity of this.context.graph.entitiesOfTypeInAccount(mapping._type, this.scope.accountId)) {
        const id = entity[property];
        if (typeof id === 'string' && entity._source !== 'system-mapper') index.set(id, entity);
      }
      this.byId.set(resourceType, index);
    }
    return index.get(resourceId);
  }
}

/**
 * Config rules with their compliance and the resources they evaluate, the configuration recorders
 * with their status, and the delivery channels. A region without a recorder is recorded as
 * `recording.<region> = false` on the account's `aws_config` entity.
 */
export const configCollector: Collector = {
  id: 'config-rules',
  service: 'config',
  scope: 'regional',
  entities: [ConfigEntities.RULE, ConfigEntities.RECORDER, ConfigEntities.DELIVERY_CHANNEL],
  relationships: [
    ConfigRelationships.SERVICE_HAS_RULE,
    ConfigRelationships.SERVICE_HAS_RECORDER,
    ConfigRelationships.SERVICE_HAS_DELIVERY_CHANNEL,
    ConfigRelationships.RULE_EVALUATES_RESOURCE,
  ],
  permissions: [
    'config:DescribeConfigurationRecorders',
    'config:DescribeConfigurationRecorderStatus',
    'config:DescribeDeliveryChannels',
    'config:DescribeConfigRules',
    'config:DescribeComplianceByConfigRule',
    'config:GetComplianceDetailsByConfigRule',
  ],
  events: [
    {
      source: 'config.amazonaws.com',
      names: [
        'PutConfigurationRecorder',
        'DeleteConfigurationRecorder',
        'StartConfigurationRecorder',
        'StopConfigurationRecorder',
        'PutDeliveryChannel',
        'DeleteDeliveryChannel',
        'PutConfigRule',
        'DeleteConfigRule',
        'PutEvaluations',
        'StartConfigRulesEvaluation',
        'DeleteEvaluationResults',
      ],
    },
  ],
  optionalCalls: [
    {
      operation: 'config:DescribeConfigurationRecorderStatus',
      per: 'scope',
      properties: [
        {
          _type: ConfigEntities.RECORDER._type,
          properties: ['recording', 'lastStatus', 'lastErrorCode', 'lastStartedOn', 'lastStoppedOn', 'lastStatusChangedOn', 'active'],
        },
      ],
      cost: 'recorders have no `recording` status (CIS 4.3 cannot be answered)',
    },
    { operation: 'config:DescribeDeliveryChannels', per: 'scope', cost: 'no delivery channels' },
    {
      operation: 'config:DescribeComplianceByConfigRule',
      per: 'scope',
      properties: [{ _type: ConfigEntities.RULE._type, properties: ['complianceState', 'nonCompliantResourceCount', 'nonCompliantResourceCountCapped'] }],
      cost: 'rules have no `complianceState`',
    },
    { operation: 'config:GetComplianceDetailsByConfigRule', cost: 'rules have no EVALUATES edges to the resources they evaluate' },
  ],
  dependsOn: [
    'account',
    'iam-users',
    'iam-roles',
    'iam-groups',
    'iam-policies',
    'ec2-instances',
    'ec2-volumes',
    'ec2-firewalls',
    's3-buckets',
    'kms-keys',
    'cloudwatch-alarms',
  ],
  enriches: [regionalFlagEnrichment(CONFIG_RECORDING)],
  async run(context) {
    const client = context.client(ConfigServiceClient);
    const scope: ConfigScope = { accountId: context.account.accountId, region: context.region };

    const recorders = (await client.send(new DescribeConfigurationRecordersCommand({}))).ConfigurationRecorders ?? [];
    // A status belongs to a recorder ("Returns the current status of the specified configuration
    // recorder ... If a configuration recorder is not specified, this operation returns the status
    // for the customer managed configuration recorder configured for the account",
    // DescribeConfigurationRecorderStatus API Reference): with no recorder there is none to read.
    const statuses =
      recorders.length === 0
        ? []
        : await context.optional('config:DescribeConfigurationRecorderStatus', async () => {
            return (await client.send(new DescribeConfigurationRecorderStatusCommand({}))).ConfigurationRecordersStatus ?? [];
          });
    let recording = false;
    for (const recorder of recorders) {
      const status = statuses?.find((s) => s.name === recorder.name);
      const entity = context.addEntity(convertRecorder(recorder, scope, status));
      context.addRelationship(configServiceHas(scope.accountId, entity));
      if (entity.recording === true) recording = true;
    }
    // Without the status, a region with a recorder is not known to record; one without is known not to.
    if (recorders.length === 0 || statuses) setRegionalFlag(context, CONFIG_RECORDING, recording);

    const channels = await context.optional(
      'config:DescribeDeliveryChannels',
      async () => (await client.send(new DescribeDeliveryChannelsCommand({}))).DeliveryChannels ?? [],
    );
    for (const channel of channels ?? []) context.addRelationship(configServiceHas(scope.accountId, context.addEntity(convertDeliveryChannel(channel, scope))));

    const rules: ConfigRule[] = [];
    for await (const page of paginateDescribeConfigRules({ client }, {})) rules.push(...(page.ConfigRules ?? []));
    if (rules.length === 0) return;
    const compliance = await context.optional('config:DescribeComplianceByConfigRule', async () => {
      const byRule = new Map<string, ComplianceByConfigRule>();
      for await (const page of paginateDescribeComplianceByConfigRule({ client }, {})) {
        for (const item of page.ComplianceByConfigRules ?? []) if (item.ConfigRuleName) byRule.set(item.ConfigRuleName, item);
      }
      return byRule;
    });

    const finder = new ResourceFinder(context, scope);
    await mapConcurrent(rules, 4, async (rule) => {
      const entity = context.addEntity(convertConfigRule(rule, scope, compliance?.get(rule.ConfigRuleName ?? '')));
      context.addRelationship(configServiceHas(scope.accountId, entity));
      const results = await context.optional('config:GetComplianceDetailsByConfigRule', async () => {
        const all: EvaluationResult[] = [];
        for await (const page of paginateGetComplianceDetailsByConfigRule({ client }, { ConfigRuleName: rule.ConfigRuleName, Limit: 100 })) {
          all.push(...(page.EvaluationResults ?? []));
        }
        return all;
      });
      for (const result of results ?? []) {
        const qualifier = result.EvaluationResultIdentifier?.EvaluationResultQualifier;
        if (!qualifier?.ResourceType || !qualifier.ResourceId) continue;
        let target: { _key: string; _type: string } | undefined = finder.find(qualifier.ResourceType, qualifier.ResourceId);
        if (!target) {
          const placeholder = mappedConfigResource(qualifier.ResourceType, qualifier.ResourceId, scope);
          if (!context.graph.getEntity(placeholder._key)) context.addEntity(placeholder);
          target = placeholder;
        }
        context.addRelationship(ruleEvaluates(entity, target, result));
      }
    });
  },
};
