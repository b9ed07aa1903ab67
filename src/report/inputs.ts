/**
 * What the report shows of compliance and alerts, as plain data. The compliance and alert modules
 * produce these (or a JSON file of them, `orggraph report --inputs`); the report never evaluates
 * controls or rules itself, and says "not evaluated in this report" for what it was not given.
 */
import Ajv, { type ErrorObject } from 'ajv';

export const CONTROL_STATUSES = ['PASS', 'FAIL', 'NOT_EVALUATED', 'MANUAL'] as const;
export type ControlStatus = (typeof CONTROL_STATUSES)[number];

export const ALERT_LEVELS = ['INFO', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type AlertLevel = (typeof ALERT_LEVELS)[number];

export const ALERT_STATES = ['NEW', 'ONGOING', 'RESOLVED'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

export interface ControlResultInput {
  /** Control id as the framework numbers it, e.g. `5.3`. */
  id: string;
  title: string;
  /** Section title or number; by default the id's first number (`5` for `5.3`). */
  section?: string;
  status: ControlStatus;
  /** Why it is NOT_EVALUATED (input not collected, input stale), or guidance for MANUAL. */
  reason?: string;
  /** `_key`s of the entities and relationships that make it fail (or pass). */
  evidenceKeys: string[];
}

export interface ComplianceInput {
  /** Framework id, e.g. `cis-aws-7.0`. */
  framework: string;
  title?: string;
  controls: ControlResultInput[];
}

export interface AlertInput {
  /** Rule id or name. */
  rule: string;
  title?: string;
  level: AlertLevel;
  state: AlertState;
  evidenceKeys: string[];
}

export interface ReportInputs {
  compliance?: ComplianceInput[];
  alerts?: AlertInput[];
}

const evidenceKeys = { type: 'array', items: { type: 'string', minLength: 1 } } as const;

export const reportInputsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    compliance: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['framework', 'controls'],
        properties: {
          framework: { type: 'string', minLength: 1 },
          title: { type: 'string' },
          controls: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['id', 'title', 'status', 'evidenceKeys'],
              properties: {
                id: { type: 'string', minLength: 1 },
                title: { type: 'string' },
                section: { type: 'string' },
                status: { enum: CONTROL_STATUSES },
                reason: { type: 'string' },
                evidenceKeys,
              },
            },
          },
        },
      },
    },
    alerts: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['rule', 'level', 'state', 'evidenceKeys'],
        properties: {
          rule: { type: 'string', minLength: 1 },
          title: { type: 'string' },
          level: { enum: ALERT_LEVELS },
          state: { enum: ALERT_STATES },
          evidenceKeys,
        },
      },
    },
  },
} as const;

const validate = new Ajv({ allErrors: true, strict: false }).compile(reportInputsSchema);

function describe(error: ErrorObject): string {
  const where = error.instancePath
    .split('/')
    .slice(1)
    .map((part, index) => (/^\d+$/.test(part) ? `[${part}]` : index === 0 ? part : `.${part}`))
    .join('');
  if (error.keyword === 'additionalProperties')
    return `${where || '(top level)'}: unknown property "${(error.params as { additionalProperty: string }).additionalProperty}"`;
  if (error.keyword === 'required') return `${where || '(top level)'}: "${(error.params as { missingProperty: string }).missingProperty}" is required`;
  if (error.keyword === 'enum') return `${where}: must be one of ${(error.params as { allowedValues: string[] }).allowedValues.join(', ')}`;
  return `${where || '(top level)'}: ${error.message ?? error.keyword}`;
}

/** Checks parsed report inputs; returns one message per problem, naming the field (empty when valid). */
export function checkReportInputs(value: unknown): string[] {
  if (validate(value)) return [];
  return (validate.errors ?? []).map(describe);
}

/** The section a control belongs to: its own, or the first number of its id. */
export function controlSection(control: ControlResultInput): string {
  return control.section ?? control.id.split('.')[0];
}
