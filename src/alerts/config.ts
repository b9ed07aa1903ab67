/** The `alerts` section of the configuration file (see docs/alerts.md). */

export type AlertLevel = 'INFO' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
export const ALERT_LEVELS: readonly AlertLevel[] = ['INFO', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
export type AlertStatus = 'NEW' | 'ONGOING' | 'RESOLVED';
export const ALERT_STATUSES: readonly AlertStatus[] = ['NEW', 'ONGOING', 'RESOLVED'];

/** Which alerts an action delivers: their status (default NEW) and lowest level (default INFO). */
interface DeliveryFilter {
  on?: AlertStatus[];
  minLevel?: AlertLevel;
  /** Region of the client (default: from the topic ARN or queue URL). */
  region?: string;
}

export type SnsAction = DeliveryFilter & { type: 'SEND_SNS_NOTIFICATION'; topicArn: string };
export type SqsAction = DeliveryFilter & { type: 'SEND_SQS_MESSAGE'; queueUrl: string };
export type DeliveryAction = SnsAction | SqsAction;

export interface AlertsConfig {
  /** Evaluate rules after every ingestion (default true). */
  enabled?: boolean;
  /** Built-in packs: `jupiterone` (the published `@jupiterone/jupiterone-alert-rules`) and `aws` (ours). Default both. */
  packs?: Array<'jupiterone' | 'aws'>;
  /** Rule files of your own (JSON or YAML lists of rules in JupiterOne's format), relative to the configuration file. */
  rules?: string[];
  /** Names of rules not to evaluate. */
  disabled?: string[];
  /** Actions for every rule's alerts, beside those a rule's operations name. */
  actions?: DeliveryAction[];
  /** Evidence kept per rule (default 5,000); `total` always counts every match. */
  evidenceLimit?: number;
}

const LEVEL = { type: 'string', enum: ALERT_LEVELS } as const;
const FILTER = {
  on: { type: 'array', items: { type: 'string', enum: ALERT_STATUSES }, minItems: 1 },
  minLevel: LEVEL,
  region: { type: 'string', pattern: '^[a-z]{2}(-[a-z]+)+-\\d$' },
} as const;

export const SNS_ACTION_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['type', 'topicArn'],
  properties: {
    type: { const: 'SEND_SNS_NOTIFICATION' },
    topicArn: { type: 'string', pattern: '^arn:aws[a-z-]*:sns:[a-z0-9-]+:\\d{12}:[\\w-]{1,256}$' },
    ...FILTER,
  },
} as const;

export const SQS_ACTION_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['type', 'queueUrl'],
  properties: { type: { const: 'SEND_SQS_MESSAGE' }, queueUrl: { type: 'string', pattern: '^https?://[^/]+/\\d{12}/[\\w-]{1,80}(\\.fifo)?$' }, ...FILTER },
} as const;

export const ALERTS_CONFIG_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    enabled: { type: 'boolean' },
    packs: { type: 'array', items: { type: 'string', enum: ['jupiterone', 'aws'] }, uniqueItems: true },
    rules: { type: 'array', items: { type: 'string', minLength: 1 } },
    disabled: { type: 'array', items: { type: 'string', minLength: 1 } },
    actions: { type: 'array', items: { oneOf: [SNS_ACTION_SCHEMA, SQS_ACTION_SCHEMA] } },
    evidenceLimit: { type: 'integer', minimum: 1 },
  },
} as const;
