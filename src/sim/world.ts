import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv, { type ErrorObject } from 'ajv';
import { isMap, isSeq, LineCounter, parseDocument, stringify, type Node as YamlNode } from 'yaml';
import type { ServiceSimulator, World, WorldAccount } from './types';

export class WorldError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorldError';
  }
}

const ACCOUNT_ID = { type: 'string', pattern: '^\\d{12}$' };

function coreSchema(globalSections: Record<string, object>, regionalSections: Record<string, object>): object {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['organization', 'regions', 'accounts'],
    properties: {
      organization: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'managementAccountId', 'roleName', 'externalId'],
        properties: {
          id: { type: 'string', pattern: '^o-[a-z0-9]{10,32}$' },
          managementAccountId: ACCOUNT_ID,
          roleName: { type: 'string', pattern: '^[\\w+=,.@-]{1,64}$' },
          externalId: { type: 'string', pattern: '^[\\w+=,.@:/-]{2,1224}$' },
        },
      },
      regions: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['name'],
          properties: {
            name: { type: 'string', pattern: '^[a-z]{2}(-[a-z]+)+-\\d$' },
            optInStatus: { enum: ['opt-in-not-required', 'opted-in', 'not-opted-in'] },
          },
        },
      },
      accounts: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'name', 'email'],
          properties: {
            id: ACCOUNT_ID,
            name: { type: 'string', minLength: 1 },
            email: { type: 'string', pattern: '^[^@\\s]+@[^@\\s]+$' },
            status: { enum: ['ACTIVE', 'SUSPENDED', 'PENDING_CLOSURE'] },
            joinedMethod: { enum: ['CREATED', 'INVITED'] },
            joinedAt: { type: 'string', format: 'date-time' },
            tags: { type: 'object', additionalProperties: { type: 'string' } },
            auditRole: { type: 'boolean' },
            optedInRegions: { type: 'array', items: { type: 'string' } },
            global: { type: 'object', additionalProperties: false, properties: globalSections },
            regions: {
              type: 'object',
              propertyNames: { pattern: '^[a-z]{2}(-[a-z]+)+-\\d$' },
              additionalProperties: { type: 'object', additionalProperties: false, properties: regionalSections },
            },
          },
        },
      },
      behaviour: {
        type: 'object',
        additionalProperties: false,
        properties: {
          pageSize: { type: 'integer', minimum: 1 },
          latencyMs: { type: 'number', minimum: 0 },
          throttling: { type: 'boolean' },
          throttleRate: { type: 'number', minimum: 0, maximum: 0.95 },
          seed: { type: 'integer' },
          credentialLifetimeSeconds: { type: 'number', exclusiveMinimum: 0 },
        },
      },
      faults: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['error'],
          properties: {
            account: ACCOUNT_ID,
            region: { type: 'string' },
            service: { type: 'string' },
            operation: { type: 'string' },
            error: { enum: ['AccessDenied', 'ScpDenied', 'OptInRequired', 'Throttling', 'InternalError'] },
            probability: { type: 'number', minimum: 0, maximum: 1 },
          },
        },
      },
    },
  };
}

function addDateTimeFormat(ajv: Ajv): void {
  ajv.addFormat('date-time', { type: 'string', validate: (value: string) => !Number.isNaN(Date.parse(value)) });
}

function compileValidator(simulators: readonly ServiceSimulator[]) {
  const globalSections: Record<string, object> = {};
  const regionalSections: Record<string, object> = {};
  for (const simulator of simulators) {
    if (!simulator.schema || Object.keys(simulator.schema).length === 0) continue;
    (simulator.scope === 'global' ? globalSections : regionalSections)[simulator.service] = simulator.schema;
  }
  const ajv = new Ajv({ allErrors: true, strict: false });
  addDateTimeFormat(ajv);
  return ajv.compile<World>(coreSchema(globalSections, regionalSections));
}

function describeError(error: ErrorObject): string {
  switch (error.keyword) {
    case 'additionalProperties':
      return `unknown property "${(error.params as { additionalProperty: string }).additionalProperty}"`;
    case 'required':
      return `missing required property "${(error.params as { missingProperty: string }).missingProperty}"`;
    case 'enum':
      return `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'propertyNames':
      return `property name "${(error.params as { propertyName: string }).propertyName}" is not valid`;
    default:
      return error.message ?? 'is not valid';
  }
}

/** `accounts[2].regions.us-east-1.ec2` from `/accounts/2/regions/us-east-1/ec2`. */
function readablePath(pointer: string): string {
  if (!pointer) return '(top level)';
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((text, part) => (/^\d+$/.test(part) ? `${text}[${part}]` : text ? `${text}.${part}` : part), '');
}

function lineOf(root: YamlNode | null, pointer: string, lineCounter: LineCounter): string {
  let node: unknown = root;
  for (const part of pointer.split('/').slice(1)) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    if (isMap(node)) node = node.get(key, true);
    else if (isSeq(node)) node = node.get(Number(key), true);
    else break;
  }
  const range = (node as { range?: [number, number, number] } | undefined)?.range;
  if (!range) return '';
  const { line, col } = lineCounter.linePos(range[0]);
  return `${line}:${col}`;
}

/**
 * Parses and validates a world description. Errors name the file, the line, the path inside the
 * document and the problem, e.g. `world.yaml:14:9: accounts[1].regions.us-east-1.ec2.instances[0].state: must be one of ...`.
 */
export function parseWorld(text: string, file: string, simulators: readonly ServiceSimulator[]): World {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: true });
  if (document.errors.length) {
    const first = document.errors[0];
    const position = first.linePos?.[0];
    throw new WorldError(`${file}:${position ? `${position.line}:${position.col}` : '?'}: YAML syntax error: ${first.message.split('\n')[0]}`);
  }
  const data = document.toJS() as unknown;
  const validate = compileValidator(simulators);
  if (!validate(data)) {
    // Ajv reports a bad property name twice (the pattern, then propertyNames): keep the second.
    const errors = (validate.errors ?? []).filter((error) => error.propertyName === undefined);
    const problems = errors.slice(0, 10).map((error) => {
      const pointer = error.instancePath;
      const position = lineOf(document.contents, pointer, lineCounter);
      return `${file}:${position || '?'}: ${readablePath(pointer)}: ${describeError(error)}`;
    });
    throw new WorldError(`invalid world description\n  ${problems.join('\n  ')}`);
  }
  checkReferences(data, file);
  return data;
}

function checkReferences(world: World, file: string): void {
  const ids = new Set<string>();
  for (const account of world.accounts) {
    if (ids.has(account.id)) throw new WorldError(`${file}: accounts: account ${account.id} is listed twice`);
    ids.add(account.id);
  }
  if (!ids.has(world.organization.managementAccountId)) {
    throw new WorldError(`${file}: organization.managementAccountId: ${world.organization.managementAccountId} is not one of the accounts`);
  }
  const regionNames = new Set(world.regions.map((r) => r.name));
  world.accounts.forEach((account, index) => {
    for (const region of Object.keys(account.regions ?? {})) {
      if (!regionNames.has(region)) throw new WorldError(`${file}: accounts[${index}].regions.${region}: region is not declared in regions`);
    }
  });
}

export function loadWorldFile(file: string, simulators: readonly ServiceSimulator[]): World {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new WorldError(`${file}: cannot read the world file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return parseWorld(text, file, simulators);
}

// Beside this module in sources and in the compiled output (the build copies the YAML assets).
export const BUILTIN_WORLD_BASE = path.join(__dirname, 'worlds', 'demo-base.yaml');

interface WorldFragment {
  accounts?: Array<Pick<WorldAccount, 'id' | 'global' | 'regions'>>;
  faults?: World['faults'];
}

/**
 * The built-in simulated organization: the base (organization, accounts, regions) with each
 * service's own fragment merged in, so every service keeps its demo data beside its code.
 */
export function builtinWorldText(fragments: readonly string[]): string {
  const base = parseDocument(readFileSync(BUILTIN_WORLD_BASE, 'utf8')).toJS() as World;
  for (const fragmentFile of fragments) {
    const fragment = parseDocument(readFileSync(fragmentFile, 'utf8')).toJS() as WorldFragment;
    for (const part of fragment.accounts ?? []) {
      const account = base.accounts.find((a) => a.id === part.id);
      if (!account) throw new WorldError(`${fragmentFile}: account ${part.id} is not in ${BUILTIN_WORLD_BASE}`);
      for (const [service, section] of Object.entries(part.global ?? {})) (account.global ??= {})[service] = section;
      for (const [region, sections] of Object.entries(part.regions ?? {})) {
        const target = ((account.regions ??= {})[region] ??= {});
        Object.assign(target, sections);
      }
    }
    if (fragment.faults) base.faults = [...(base.faults ?? []), ...fragment.faults];
  }
  return stringify(base, { lineWidth: 0 });
}
