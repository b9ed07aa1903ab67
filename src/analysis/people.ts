import { readFileSync } from 'node:fs';
import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { ConfigError } from '../config';
import { createEntity, createRelationship, mappedEntity, RelationshipVerb, type Entity, type Relationship } from '../graph';
import { AnalysisEntities } from './schema';

/** One entry of the people file. */
export interface PersonRecord {
  name: string;
  email: string;
}

export const peopleFileSchema = {
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'email'],
    properties: {
      name: { type: 'string', minLength: 1, pattern: '\\S' },
      email: { type: 'string', format: 'email' },
    },
  },
} as const;

const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
addFormats(ajv);
const validatePeople = ajv.compile(peopleFileSchema);

/** `/2/email` -> `[2].email`. */
function where(instancePath: string): string {
  if (!instancePath) return '(top level)';
  return instancePath
    .split('/')
    .slice(1)
    .map((part, index) => (/^\d+$/.test(part) ? `[${part}]` : index === 0 ? part : `.${part}`))
    .join('');
}

function describe(error: ErrorObject): string {
  if (error.keyword === 'additionalProperties') {
    return `unknown property "${(error.params as { additionalProperty: string }).additionalProperty}" (a person has name and email)`;
  }
  if (error.keyword === 'required') return `missing ${(error.params as { missingProperty: string }).missingProperty}`;
  if (error.keyword === 'type' && !error.instancePath) return 'must be a list of { name, email }';
  const got = typeof error.data === 'string' || typeof error.data === 'number' ? ` (got ${JSON.stringify(error.data)})` : '';
  return `${error.message ?? 'is invalid'}${got}`;
}

/**
 * Validates the parsed people file: a list of `{ name, email }` with distinct emails. The error
 * names the source, the place in it and the problem, e.g. `people.yaml: [2].email: must match
 * format "email" (got "bob@")`.
 */
export function checkPeople(data: unknown, source: string): PersonRecord[] {
  if (!validatePeople(data)) {
    const problems = (validatePeople.errors ?? []).map((error) => `${where(error.instancePath)}: ${describe(error)}`);
    throw new ConfigError(`${source}: invalid people file: ${[...new Set(problems)].join('; ')}`);
  }
  const people = data as PersonRecord[];
  const seen = new Map<string, number>();
  people.forEach((person, index) => {
    const email = person.email.toLowerCase();
    const first = seen.get(email);
    if (first !== undefined) throw new ConfigError(`${source}: invalid people file: [${index}].email: ${person.email} is already the email of [${first}]`);
    seen.set(email, index);
  });
  return people.map((person) => ({ name: person.name.trim(), email: person.email.trim() }));
}

/** Reads and validates a people file (YAML). */
export function loadPeopleFile(file: string): PersonRecord[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`${file}: cannot read the people file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let data: unknown;
  try {
    data = parse(text);
  } catch (error) {
    throw new ConfigError(`${file}: people file is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  return checkPeople(data ?? [], file);
}

export function personKey(email: string): string {
  return `person:${email.toLowerCase()}`;
}

/** A mapped `Person` (`_source: 'system-mapper'`): people are not read from AWS. */
export function personEntity(person: PersonRecord): Entity {
  const [firstName, ...rest] = person.name.split(/\s+/);
  const email = person.email.toLowerCase();
  return mappedEntity(
    createEntity({
      _key: personKey(email),
      schema: AnalysisEntities.PERSON,
      name: person.name,
      properties: { firstName, lastName: rest.join(' '), email: [email] },
    }),
  );
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function stringValues(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/**
 * The addresses an IAM user is known by, lower case, each with how it was found: its `email`
 * property or `Email` tag, or a user name that is itself an address.
 */
export function userAddresses(user: Entity): Array<{ email: string; matchedBy: 'email' | 'username' }> {
  const found = new Map<string, 'email' | 'username'>();
  const tagged = Object.entries(user)
    .filter(([key]) => key.toLowerCase() === 'tag.email')
    .flatMap(([, value]) => stringValues(value));
  for (const value of [...stringValues(user.email), ...tagged]) {
    const email = value.trim().toLowerCase();
    if (EMAIL.test(email) && !found.has(email)) found.set(email, 'email');
  }
  const names = [...stringValues(user.username), ...stringValues(user.userName), user.name];
  for (const value of names) {
    const email = value.trim().toLowerCase();
    if (EMAIL.test(email) && !found.has(email)) found.set(email, 'username');
  }
  return [...found].map(([email, matchedBy]) => ({ email, matchedBy }));
}

/** `aws_iam_user IS Person`, matched case-insensitively on the user's addresses. */
export function userPersonEdges(users: Iterable<Entity>, people: readonly PersonRecord[]): Relationship[] {
  const byEmail = new Map(people.map((person) => [person.email.toLowerCase(), person]));
  const relationships: Relationship[] = [];
  for (const user of users) {
    for (const { email, matchedBy } of userAddresses(user)) {
      if (!byEmail.has(email)) continue;
      relationships.push(
        createRelationship({
          from: user,
          verb: RelationshipVerb.IS,
          to: { _key: personKey(email), _type: AnalysisEntities.PERSON._type },
          properties: { email, matchedBy },
        }),
      );
    }
  }
  return relationships;
}
