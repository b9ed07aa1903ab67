import { defineEntities, defineRelationships, RelationshipVerb, serviceEntitySchema } from '../../graph';
import { CONFIG_RESOURCE_TARGET_TYPES } from './resources';

/** AWS Config's entity types: the one place they are spelled. */
export const ConfigEntities = defineEntities({
  SERVICE: serviceEntitySchema('config', 'Config'),
  RULE: { _type: 'aws_config_rule', _class: ['ControlPolicy'], resourceName: 'Config Rule' },
  /** Not in JupiterOne's data model: CIS 4.3 reads whether each region records (all resources, global types). */
  RECORDER: { _type: 'aws_config_recorder', _class: ['Configuration'], resourceName: 'Configuration Recorder' },
  DELIVERY_CHANNEL: { _type: 'aws_config_delivery_channel', _class: ['Configuration'], resourceName: 'Delivery Channel' },
});

export const ConfigRelationships = defineRelationships({
  SERVICE_HAS_RULE: { from: ConfigEntities.SERVICE._type, verb: RelationshipVerb.HAS, to: ConfigEntities.RULE._type },
  SERVICE_HAS_RECORDER: { from: ConfigEntities.SERVICE._type, verb: RelationshipVerb.HAS, to: ConfigEntities.RECORDER._type },
  SERVICE_HAS_DELIVERY_CHANNEL: { from: ConfigEntities.SERVICE._type, verb: RelationshipVerb.HAS, to: ConfigEntities.DELIVERY_CHANNEL._type },
  /** The account itself (`AWS::::Account` evaluations) or a resource of the graph, or a placeholder. */
  RULE_EVALUATES_RESOURCE: { from: ConfigEntities.RULE._type, verb: RelationshipVerb.EVALUATES, to: CONFIG_RESOURCE_TARGET_TYPES },
});
