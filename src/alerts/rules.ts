import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { parameterNames, parseQuery, QueryError, type Parameters, type Query } from '../query';
import { ALERT_LEVELS, SNS_ACTION_SCHEMA, SQS_ACTION_SCHEMA, type AlertLevel, type AlertsConfig, type DeliveryAction } from './config';
import { checkCondition, checkTemplate, TemplateError } from './template';
import Ajv from 'ajv';

export interface RuleQuery {
  name: string;
  query: string;
  version?: string;
}

export interface RuleAction {
  type: string;
  [property: string]: unknown;
}

export interface RuleOperation {
  when?: unknown;
  actions: RuleAction[];
}

/** A rule in JupiterOne's format, completed (pack defaults applied) and checked. */
export interface AlertRule {
  name: string;
  description?: string;
  /** Where it comes from: `jupiterone:aws-config`, `aws`, or the file. */
  pack: string;
  queries: RuleQuery[];
  operations: RuleOperation[];
  /** The queries, parsed once. */
  parsed: Query[];
  /** Delivery actions its operations name (SNS, SQS), checked. */
  deliveries: DeliveryAction[];
  /** The level its operations set (`SET_PROPERTY alertLevel`), HIGH when none does. */
  alertLevel: AlertLevel;
  /** Values of the `${ param.name }` its queries use, from the rule's `params`. */
  params?: Parameters;
}

/** A rule file that cannot be used: names the file, line and field. Exit code 2 on the command line. */
export class RuleError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly field: string,
    problem: string,
  ) {
    super(`${file}${line ? `:${line}` : ''}: ${field}: ${problem}`);
    this.name = 'RuleError';
  }
}

/** JupiterOne's pack defaults (the package's `defaultAlertSettings`): alert when query0 finds anything, at HIGH. */
interface PackDefaults {
  operations: RuleOperation[];
}

function publishedPackDirectory(): string {
  return path.join(path.dirname(require.resolve('@jupiterone/jupiterone-alert-rules/package.json')), 'rule-packs');
}

function publishedDefaults(): PackDefaults {
  // The package's index.js holds the settings every pack rule inherits.
  const settings = (require('@jupiterone/jupiterone-alert-rules') as { defaultAlertSettings: PackDefaults }).defaultAlertSettings;
  return { operations: settings.operations };
}

/** Our AWS pack, shipped beside this file (copied to dist/ by the build). */
export const AWS_PACK_FILE = path.join(__dirname, 'packs', 'aws.yaml');

const KNOWN = new Set([
  'name',
  'description',
  'params',
  'queries',
  'question',
  'operations',
  'alertLevel',
  'specVersion',
  'pollingInterval',
  'outputs',
  'templates',
  'tags',
  'id',
  'version',
  'notifyOnFailure',
  'triggerActionsOnNewEntitiesOnly',
  'ignorePreviousResults',
]);

const ajv = new Ajv({ allErrors: true, strict: false });
const checkSns = ajv.compile(SNS_ACTION_SCHEMA);
const checkSqs = ajv.compile(SQS_ACTION_SCHEMA);

/** Reads one file of rules (a list, JSON or YAML) and checks every rule, naming the line of a bad field. */
export function loadRuleFile(file: string, pack: string, defaults?: PackDefaults): AlertRule[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new RuleError(file, undefined, '(file)', `cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter });
  if (document.errors.length) {
    const error = document.errors[0];
    throw new RuleError(file, error.linePos?.[0].line, '(syntax)', error.message.split('\n')[0]);
  }
  const lineOf = (field: Array<string | number>): number | undefined => {
    for (let length = field.length; length >= 0; length--) {
      const node = (document as Document).getIn(field.slice(0, length), true) as { range?: [number, number, number] } | undefined;
      if (node && typeof node === 'object' && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  const fail = (field: Array<string | number>, problem: string): never => {
    throw new RuleError(
      file,
      lineOf(field),
      field
        .map((part) => (typeof part === 'number' ? `[${part}]` : `.${part}`))
        .join('')
        .replace(/^\./, ''),
      problem,
    );
  };
  const contents = document.contents;
  if (!isSeq(contents) && !(isMap(contents) && Array.isArray((document.toJS() as { rules?: unknown }).rules)))
    fail([], 'a rule file is a list of rules (or { rules: [...] })');
  const data = document.toJS() as unknown;
  const list = (Array.isArray(data) ? data : (data as { rules: unknown[] }).rules) as unknown[];
  const base: Array<string | number> = Array.isArray(data) ? [] : ['rules'];
  const names = new Set<string>();
  return list.map((value, index) => {
    const at = [...base, index];
    if (!value || typeof value !== 'object' || Array.isArray(value)) return fail(at, 'a rule is an object');
    const raw = value as Record<string, unknown>;
    for (const key of Object.keys(raw)) if (!KNOWN.has(key)) fail([...at, key], `unknown property (JupiterOne rule properties: ${[...KNOWN].join(', ')})`);
    if (typeof raw.name !== 'string' || !raw.name) return fail([...at, 'name'], 'required, a non-empty string');
    if (names.has(raw.name)) fail([...at, 'name'], `"${raw.name}" is defined twice in this file`);
    names.add(raw.name);
    if (raw.description !== undefined && typeof raw.description !== 'string') fail([...at, 'description'], 'a string');
    const queriesField = raw.queries !== undefined ? [...at, 'queries'] : [...at, 'question', 'queries'];
    const queries = (raw.queries ?? (raw.question as { queries?: unknown } | undefined)?.queries) as unknown;
    if (!Array.isArray(queries) || queries.length === 0) return fail(queriesField, 'required: a list of { name, query, version }');
    const ruleQueries: RuleQuery[] = [];
    const parsed: Query[] = [];
    queries.forEach((query, queryIndex) => {
      const field = [...queriesField, queryIndex];
      if (!query || typeof query !== 'object' || typeof (query as RuleQuery).query !== 'string') return fail(field, 'a query is { name, query, version }');
      const { name = `query${queryIndex}`, query: text, version } = query as Partial<RuleQuery> & { query: string };
      try {
        parsed.push(parseQuery(text));
      } catch (error) {
        if (error instanceof QueryError) fail([...field, 'query'], `bad J1QL: ${error.message}`);
        throw error;
      }
      ruleQueries.push({ name, query: text, ...(version ? { version } : {}) });
    });
    // `${ param.name }` in a query takes its value from the rule's `params`; one left without a value fails now.
    const params = raw.params as Record<string, unknown> | undefined;
    if (params !== undefined && (typeof params !== 'object' || params === null || Array.isArray(params)))
      fail([...at, 'params'], 'a map of parameter names to values');
    const scalar = (value: unknown) => typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
    for (const [name, value] of Object.entries(params ?? {})) {
      if (!scalar(value) && !(Array.isArray(value) && value.length > 0 && value.every(scalar)))
        fail([...at, 'params', name], 'text, a number, true, false or a non-empty list of them');
    }
    parsed.forEach((query, queryIndex) => {
      const missing = parameterNames(query).filter((name) => !Object.hasOwn(params ?? {}, name));
      if (missing.length)
        fail(
          [...queriesField, queryIndex, 'query'],
          `uses ${missing.map((name) => `\${ param.${name} }`).join(', ')}: give ${missing.length > 1 ? 'them values' : 'it a value'} in the rule's params`,
        );
    });
    if (raw.alertLevel !== undefined && !ALERT_LEVELS.includes(raw.alertLevel as AlertLevel)) fail([...at, 'alertLevel'], `one of ${ALERT_LEVELS.join(', ')}`);
    let operations: RuleOperation[];
    if (raw.operations !== undefined) {
      if (!Array.isArray(raw.operations)) return fail([...at, 'operations'], 'a list of { when, actions }');
      operations = raw.operations as RuleOperation[];
    } else if (defaults) {
      operations = defaults.operations;
    } else {
      operations = [
        {
          when: { type: 'FILTER', condition: ['AND', ['queries.query0.total', '>', 0]] },
          actions: [{ type: 'SET_PROPERTY', targetProperty: 'alertLevel', targetValue: 'HIGH' }, { type: 'CREATE_ALERT' }],
        },
      ];
    }
    // `alertLevel` on a pack rule replaces the level its operations set (as provisioning a pack does).
    if (raw.alertLevel !== undefined) {
      operations = operations.map((operation) => ({
        ...operation,
        actions: operation.actions.map((action) =>
          action.type === 'SET_PROPERTY' && action.targetProperty === 'alertLevel' ? { ...action, targetValue: raw.alertLevel } : action,
        ),
      }));
    }
    const deliveries: DeliveryAction[] = [];
    operations.forEach((operation, operationIndex) => {
      const field = [...at, 'operations', operationIndex];
      if (!operation || typeof operation !== 'object' || !Array.isArray(operation.actions)) fail(field, 'an operation is { when, actions: [...] }');
      const whens =
        Array.isArray(operation.when) && operation.when.every((item) => item && typeof item === 'object' && !Array.isArray(item))
          ? operation.when
          : [operation.when];
      for (const when of whens) {
        if (when === undefined) continue;
        const condition = (when as { condition?: unknown }).condition;
        try {
          checkCondition(condition);
        } catch (error) {
          if (error instanceof TemplateError) fail([...field, 'when', 'condition'], error.message);
          throw error;
        }
      }
      operation.actions.forEach((action, actionIndex) => {
        const actionField = [...field, 'actions', actionIndex];
        if (!action || typeof action.type !== 'string') fail(actionField, 'an action has a type');
        if (action.type === 'SET_PROPERTY') {
          if (typeof action.targetProperty !== 'string') fail([...actionField, 'targetProperty'], 'required, a string');
          if (
            action.targetProperty === 'alertLevel' &&
            !(typeof action.targetValue === 'string' && (ALERT_LEVELS.includes(action.targetValue as AlertLevel) || action.targetValue.includes('{{')))
          ) {
            fail([...actionField, 'targetValue'], `one of ${ALERT_LEVELS.join(', ')}`);
          }
          if (typeof action.targetValue === 'string' && action.targetValue.includes('{{')) {
            try {
              checkTemplate(action.targetValue);
            } catch (error) {
              if (error instanceof TemplateError) fail([...actionField, 'targetValue'], error.message);
              throw error;
            }
          }
        } else if (action.type === 'SEND_SNS_NOTIFICATION' || action.type === 'SEND_SQS_MESSAGE') {
          const check = action.type === 'SEND_SNS_NOTIFICATION' ? checkSns : checkSqs;
          if (!check(action)) {
            const error = check.errors?.[0];
            fail(
              [...actionField, ...(error?.instancePath.split('/').filter(Boolean) ?? [])],
              `${error?.message ?? 'invalid'}${error?.keyword === 'additionalProperties' ? ` (${(error.params as { additionalProperty: string }).additionalProperty})` : ''}`,
            );
          }
          deliveries.push(action as unknown as DeliveryAction);
        }
        // Other JupiterOne actions (CREATE_ALERT, SEND_EMAIL, WEBHOOK, ...) are accepted: only
        // CREATE_ALERT, SET_PROPERTY and the two deliveries act here.
      });
    });
    const level = operations
      .flatMap((operation) => operation.actions)
      .find((action) => action.type === 'SET_PROPERTY' && action.targetProperty === 'alertLevel' && ALERT_LEVELS.includes(action.targetValue as AlertLevel))
      ?.targetValue as AlertLevel | undefined;
    return {
      name: raw.name,
      ...(raw.description ? { description: raw.description as string } : {}),
      pack,
      queries: ruleQueries,
      operations,
      parsed,
      deliveries,
      alertLevel: level ?? 'HIGH',
      ...(params ? { params: params as Parameters } : {}),
    };
  });
}

/** The published JupiterOne packs, unchanged, with the package's default settings. */
export function loadPublishedPacks(): AlertRule[] {
  const directory = publishedPackDirectory();
  const defaults = publishedDefaults();
  return readdirSync(directory)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .flatMap((file) => loadRuleFile(path.join(directory, file), `jupiterone:${path.basename(file, '.json')}`, defaults));
}

/** Our AWS pack. */
export function loadAwsPack(): AlertRule[] {
  return loadRuleFile(AWS_PACK_FILE, 'aws');
}

/**
 * Every rule a configuration asks for: the built-in packs (both by default), the user's files, less
 * the disabled ones. A later rule with the name of an earlier one replaces it (a user may redefine a
 * pack rule). Throws {@link RuleError} on a bad file: before any work.
 */
export function loadAlertRules(config: AlertsConfig = {}): AlertRule[] {
  const packs = config.packs ?? ['jupiterone', 'aws'];
  const rules = new Map<string, AlertRule>();
  const add = (list: AlertRule[]) => list.forEach((rule) => rules.set(rule.name, rule));
  if (packs.includes('jupiterone')) add(loadPublishedPacks());
  if (packs.includes('aws')) add(loadAwsPack());
  for (const file of config.rules ?? []) add(loadRuleFile(file, path.basename(file)));
  const disabled = new Set(config.disabled ?? []);
  for (const name of disabled) if (!rules.has(name)) throw new RuleError('configuration', undefined, 'alerts.disabled', `no rule is named "${name}"`);
  return [...rules.values()].filter((rule) => !disabled.has(rule.name));
}
