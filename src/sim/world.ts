import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv, { type ErrorObject } from 'ajv';
import { LineCounter, parseDocument, stringify, type Document } from 'yaml';
import { positionOf, readablePath } from '../util/yaml-position';
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
      const position = positionOf(document.contents, pointer, lineCounter);
      return `${file}:${position || '?'}: ${readablePath(pointer)}: ${describeError(error)}`;
    });
    throw new WorldError(`invalid world description\n  ${problems.join('\n  ')}`);
  }
  checkReferences(data, file);
  checkResourceReferences(
    data,
    file,
    document,
    lineCounter,
    simulators.flatMap((simulator) => simulator.idFields ?? []),
  );
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

/**
 * AWS resource ids a world refers to (`subnet-...`, `sg-...`): each must be the `id` (or
 * `allocationId`) of a resource somewhere in the world, or the simulated AWS answers with data that
 * names nothing and the ingestion reports it as unexpected errors, far from the typo.
 * Simulators built with the service kit add their records' id fields (`KeyPairId`) as defining keys.
 * Not checked: ids AWS owns (public AMIs, managed prefix lists), ids in an object that names an
 * account outside the world (a partner's VPC), and the network interface a NAT gateway creates.
 */
const RESOURCE_ID = /^(vpc|subnet|igw|eigw|vgw|cgw|nat|rtb|acl|sg|eni|i|vol|snap|pcx|eipalloc|fl|key|vpce|tgw|lt|dopt)-[0-9a-f]{8,17}$/;
const DEFINING_KEYS = new Set(['id', 'allocationId']);

export function resourceReferenceProblems(world: World, idFields: readonly string[] = []): Array<{ pointer: string; id: string }> {
  const definingKeys = new Set([...DEFINING_KEYS, ...idFields]);
  const accounts = new Set(world.accounts.map((account) => account.id));
  const defined = new Set<string>();
  const references: Array<{ pointer: string; id: string }> = [];
  const walk = (value: unknown, pointer: string, key: string | undefined, parentKey: string | undefined): void => {
    if (Array.isArray(value)) {
      for (let index = 0; index < value.length; index++) walk(value[index], `${pointer}/${index}`, key, parentKey);
    } else if (value !== null && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      // A partner's resources are outside the world by design (`OwnerId`: in an SDK-shaped record).
      const owner = record.account ?? record.OwnerId;
      if (typeof owner === 'string' && !accounts.has(owner)) return;
      for (const [name, child] of Object.entries(record)) walk(child, `${pointer}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`, name, key);
    } else if (typeof value === 'string' && RESOURCE_ID.test(value)) {
      // `collection.Field` defines ids only in that collection's records (EC2's `subnets.SubnetId`).
      if (definingKeys.has(key ?? '') || definingKeys.has(`${parentKey}.${key}`) || (key === 'eni' && parentKey === 'natGateways')) defined.add(value);
      else references.push({ pointer, id: value });
    }
  };
  world.accounts.forEach((account, index) => {
    walk(account.global, `/accounts/${index}/global`, undefined, undefined);
    walk(account.regions, `/accounts/${index}/regions`, undefined, undefined);
  });
  return references.filter((reference) => !defined.has(reference.id));
}

function checkResourceReferences(world: World, file: string, document: Document, lineCounter: LineCounter, idFields: readonly string[]): void {
  const problems = resourceReferenceProblems(world, idFields);
  if (!problems.length) return;
  const lines = problems
    .slice(0, 20)
    .map(
      ({ pointer, id }) =>
        `${file}:${positionOf(document.contents, pointer, lineCounter) || '?'}: ${readablePath(pointer)}: ${id} is not the id of any resource in this world`,
    );
  if (problems.length > 20) lines.push(`... and ${problems.length - 20} more`);
  throw new WorldError(`invalid world description\n  ${lines.join('\n  ')}`);
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
