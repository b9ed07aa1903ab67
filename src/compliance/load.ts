import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv, { type ErrorObject } from 'ajv';
import { isMap, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import { GraphIndex, parseQuery, QueryError, runQuery } from '../query';
import type { Control, ControlInput, ControlQuery, ControlRule, Framework, Section } from './types';

/** A framework file that cannot be used; the message names the file, line and field. */
export class FrameworkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FrameworkError';
  }
}

/** The built-in frameworks' files (`<id>.yaml`). */
export const BUILTIN_DIRECTORY = path.join(__dirname, 'frameworks');

const ID = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' };
const TEXT = { type: 'string', minLength: 1 };
const QUERY = { type: 'string', minLength: 4 };

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['framework', 'title', 'controls'],
  properties: {
    framework: ID,
    title: TEXT,
    version: { type: ['string', 'number'] },
    description: TEXT,
    mapsOnto: ID,
    sections: {
      type: 'array',
      items: { type: 'object', additionalProperties: false, required: ['id', 'title'], properties: { id: ID, title: TEXT } },
    },
    controls: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id'],
        properties: {
          id: ID,
          section: ID,
          title: TEXT,
          mode: { enum: ['automated', 'manual'] },
          level: { type: 'integer', minimum: 1, maximum: 9 },
          guidance: TEXT,
          same: ID,
          inputs: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['type'],
              properties: {
                type: { type: 'string', pattern: '^[a-z][a-z0-9_]*$' },
                where: TEXT,
                properties: { type: 'array', items: { type: 'string', pattern: '^[A-Za-z0-9_.{}-]+$' } },
                source: TEXT,
              },
            },
          },
          queries: {
            type: 'array',
            items: {
              anyOf: [QUERY, { type: 'object', additionalProperties: false, required: ['query'], properties: { query: QUERY, except: QUERY } }],
            },
          },
          rule: {
            anyOf: [
              { const: 'no-rows' },
              {
                type: 'object',
                additionalProperties: false,
                required: ['count'],
                properties: {
                  count: {
                    type: 'object',
                    additionalProperties: false,
                    minProperties: 1,
                    properties: { min: { type: 'integer', minimum: 0 }, max: { type: 'integer', minimum: 0 } },
                  },
                },
              },
              {
                type: 'object',
                additionalProperties: false,
                required: ['every', 'match'],
                properties: { every: QUERY, match: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } } },
              },
            ],
          },
        },
      },
    },
  },
} as const;

interface RawInput {
  type: string;
  where?: string;
  properties?: string[];
  source?: string;
}
type RawRule = 'no-rows' | { count: { min?: number; max?: number } } | { every: string; match: string[] };
interface RawControl {
  id: string;
  section?: string;
  title?: string;
  mode?: 'automated' | 'manual';
  level?: number;
  guidance?: string;
  same?: string;
  inputs?: RawInput[];
  queries?: Array<string | ControlQuery>;
  rule?: RawRule;
}
interface RawFramework {
  framework: string;
  title: string;
  version?: string | number;
  description?: string;
  mapsOnto?: string;
  sections?: Section[];
  controls: RawControl[];
}

const validate = new Ajv({ allErrors: true, strict: false }).compile<RawFramework>(schema);

function nodeAt(root: unknown, pointer: string): YamlNode | undefined {
  let node: unknown = root;
  for (const part of pointer.split('/').slice(1)) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    if (isMap(node)) node = node.get(key, true);
    else if (isSeq(node)) node = node.get(Number(key), true);
    else break;
  }
  return node as YamlNode | undefined;
}

function readablePath(pointer: string): string {
  if (!pointer) return '(top level)';
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((text, part) => (/^\d+$/.test(part) ? `${text}[${part}]` : text ? `${text}.${part}` : part), '');
}

function describe(error: ErrorObject): string {
  switch (error.keyword) {
    case 'additionalProperties':
      return `unknown field "${(error.params as { additionalProperty: string }).additionalProperty}"`;
    case 'required':
      return `missing required field "${(error.params as { missingProperty: string }).missingProperty}"`;
    case 'enum':
      return `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'anyOf':
      return 'is not one of the accepted forms (see docs/compliance.md)';
    default:
      return error.message ?? 'is not valid';
  }
}

/** Positions in one YAML document, for messages. */
class Locator {
  constructor(
    private readonly file: string,
    private readonly document: Document,
    private readonly lines: LineCounter,
  ) {}

  /** `file:line:col: field` for a JSON pointer into the document. */
  at(pointer: string): string {
    const range = (nodeAt(this.document.contents, pointer) as { range?: [number, number, number] } | undefined)?.range;
    const position = range ? this.lines.linePos(range[0]) : undefined;
    return `${this.file}:${position ? `${position.line}:${position.col}` : '?'}: ${readablePath(pointer)}`;
  }

  /**
   * The file line of a line of a query string: block scalars start on the line after their `|` or
   * `>`; a literal block (`|`) keeps the query's lines, a folded one (`>`) joins them, so only its
   * first line is known.
   */
  line(pointer: string, queryLine: number): number | undefined {
    const node = nodeAt(this.document.contents, pointer) as { range?: [number, number, number]; type?: string } | undefined;
    if (!node?.range) return undefined;
    const start = this.lines.linePos(node.range[0]).line;
    if (node.type === 'BLOCK_LITERAL') return start + queryLine;
    if (node.type === 'BLOCK_FOLDED') return start + 1;
    return start + queryLine - 1;
  }
}

const EMPTY_INDEX = new GraphIndex([], []);

/** Parses a query and runs it on an empty graph, which also resolves its aliases; no RETURN. */
function checkQuery(text: string, where: string, locator: Locator, pointer: string): void {
  try {
    const parsed = parseQuery(text);
    if (parsed.return) throw new FrameworkError(`${where}: RETURN is not allowed: a control's queries find entities, which are its evidence`);
    runQuery(EMPTY_INDEX, parsed);
  } catch (error) {
    if (error instanceof QueryError) {
      const fileLine = locator.line(pointer, error.line);
      const line = fileLine !== undefined ? ` (file line ${fileLine})` : '';
      throw new FrameworkError(`${where}: bad J1QL${line}: ${error.message}`);
    }
    throw error;
  }
}

function toRule(raw: RawRule | undefined): ControlRule {
  if (raw === undefined || raw === 'no-rows') return { kind: 'no-rows' };
  if ('count' in raw) return { kind: 'count', ...raw.count };
  return { kind: 'every', every: raw.every, match: raw.match };
}

/** Resolves `mapsOnto` names: built-in ids, or frameworks already loaded. */
export type FrameworkResolver = (id: string) => Framework | undefined;

/**
 * Reads and checks a framework file. Every problem (YAML, schema, J1QL, references) is reported as
 * `file:line:col: field: problem`, before any snapshot is read.
 */
export function parseFramework(text: string, file: string, resolve: FrameworkResolver = builtinFramework): Framework {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: true });
  if (document.errors.length) {
    const first = document.errors[0];
    const position = first.linePos?.[0];
    throw new FrameworkError(`${file}:${position ? `${position.line}:${position.col}` : '?'}: YAML syntax error: ${first.message.split('\n')[0]}`);
  }
  const locator = new Locator(file, document, lines);
  const data = document.toJS() as unknown;
  if (!validate(data)) {
    // An alternative that matched none of its forms: one message, not one per form tried.
    const alternatives = (validate.errors ?? []).filter((error) => error.keyword === 'anyOf').map((error) => error.instancePath);
    const errors = (validate.errors ?? []).filter(
      (error) => error.keyword === 'anyOf' || !alternatives.some((pointer) => error.instancePath === pointer || error.instancePath.startsWith(`${pointer}/`)),
    );
    const problems = errors.slice(0, 10).map((error) => `${locator.at(error.instancePath)}: ${describe(error)}`);
    throw new FrameworkError(`invalid framework file\n  ${problems.join('\n  ')}`);
  }

  const target = data.mapsOnto !== undefined ? resolve(data.mapsOnto) : undefined;
  if (data.mapsOnto !== undefined && !target) throw new FrameworkError(`${locator.at('/mapsOnto')}: unknown framework "${data.mapsOnto}"`);

  const sections = data.sections ?? [];
  const sectionIds = new Set(sections.map((section) => section.id));
  const seen = new Set<string>();
  const controls = data.controls.map((raw, index): Control => {
    const pointer = `/controls/${index}`;
    const where = locator.at(pointer);
    if (seen.has(raw.id)) throw new FrameworkError(`${locator.at(`${pointer}/id`)}: control "${raw.id}" is defined twice`);
    seen.add(raw.id);
    const section = raw.section ?? raw.id.split('.')[0];
    if (sections.length && !sectionIds.has(section)) throw new FrameworkError(`${where}: section "${section}" is not in sections`);

    if (raw.same !== undefined) {
      if (!target) throw new FrameworkError(`${locator.at(`${pointer}/same`)}: "same" needs mapsOnto at the top of the file`);
      const mapped = target.controls.find((control) => control.id === raw.same);
      if (!mapped) throw new FrameworkError(`${locator.at(`${pointer}/same`)}: ${target.id} has no control "${raw.same}"`);
      for (const field of ['inputs', 'queries', 'rule', 'mode'] as const) {
        if (raw[field] !== undefined)
          throw new FrameworkError(`${locator.at(`${pointer}/${field}`)}: not allowed with "same" (the check is ${target.id} ${raw.same}'s)`);
      }
      return {
        ...mapped,
        id: raw.id,
        section,
        title: raw.title ?? mapped.title,
        level: raw.level ?? mapped.level,
        guidance: raw.guidance ?? mapped.guidance,
        checkedBy: mapped.checkedBy ?? { framework: target.id, control: mapped.id },
        origin: where,
      };
    }

    if (raw.title === undefined) throw new FrameworkError(`${where}: missing required field "title"`);
    const mode = raw.mode ?? 'automated';
    const queries = (raw.queries ?? []).map((query) => (typeof query === 'string' ? { query } : query));
    if (mode === 'automated' && queries.length === 0) throw new FrameworkError(`${where}: an automated control needs at least one query`);
    if (mode === 'manual' && !raw.guidance) throw new FrameworkError(`${where}: a manual control needs guidance`);
    queries.forEach((query, queryIndex) => {
      const queryPointer = `${pointer}/queries/${queryIndex}`;
      const isText = typeof raw.queries?.[queryIndex] === 'string';
      checkQuery(query.query, locator.at(isText ? queryPointer : `${queryPointer}/query`), locator, isText ? queryPointer : `${queryPointer}/query`);
      if (query.except) checkQuery(query.except, locator.at(`${queryPointer}/except`), locator, `${queryPointer}/except`);
    });
    const rule = toRule(raw.rule);
    if (rule.kind === 'every') checkQuery(rule.every, locator.at(`${pointer}/rule/every`), locator, `${pointer}/rule/every`);
    if (rule.kind === 'count' && rule.min !== undefined && rule.max !== undefined && rule.min > rule.max) {
      throw new FrameworkError(`${locator.at(`${pointer}/rule/count`)}: min is greater than max`);
    }
    const inputs: ControlInput[] = (raw.inputs ?? []).map((input, inputIndex) => {
      if (input.where)
        checkQuery(
          `FIND ${input.type} WITH ${input.where}`,
          locator.at(`${pointer}/inputs/${inputIndex}/where`),
          locator,
          `${pointer}/inputs/${inputIndex}/where`,
        );
      return { ...input };
    });
    return { id: raw.id, section, title: raw.title, mode, level: raw.level, guidance: raw.guidance, inputs, queries, rule, origin: where };
  });

  const allSections: Section[] = sections.length
    ? sections
    : [...new Set(controls.map((control) => control.section))].map((id) => ({ id, title: `Section ${id}` }));
  return {
    id: data.framework,
    title: data.title,
    version: data.version === undefined ? undefined : String(data.version),
    description: data.description,
    sections: allSections,
    controls,
    file,
  };
}

/** Reads a framework file (`--framework-file`). */
export function loadFrameworkFile(file: string, resolve: FrameworkResolver = builtinFramework): Framework {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new FrameworkError(`${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return parseFramework(text, file, resolve);
}

/** Ids of the built-in frameworks, e.g. `cis-aws-7.0`. */
export function builtinFrameworkIds(): string[] {
  if (!existsSync(BUILTIN_DIRECTORY)) return [];
  return readdirSync(BUILTIN_DIRECTORY)
    .filter((name) => name.endsWith('.yaml'))
    .map((name) => name.slice(0, -'.yaml'.length))
    .sort();
}

const builtins = new Map<string, Framework>();

/** A built-in framework by id, loaded once (mapping frameworks load what they map onto). */
export function builtinFramework(id: string): Framework | undefined {
  const cached = builtins.get(id);
  if (cached) return cached;
  if (!builtinFrameworkIds().includes(id)) return undefined;
  const framework = loadFrameworkFile(path.join(BUILTIN_DIRECTORY, `${id}.yaml`), builtinFramework);
  if (framework.id !== id) throw new FrameworkError(`${framework.file}: framework: "${framework.id}" does not match the file name`);
  builtins.set(id, framework);
  return framework;
}

/** The newest CIS AWS Foundations Benchmark shipped. */
export const DEFAULT_FRAMEWORK = 'cis-aws-7.0';

/** A built-in framework by id; the error lists the known ids. */
export function requireFramework(id: string): Framework {
  const framework = builtinFramework(id);
  if (!framework) throw new FrameworkError(`unknown framework "${id}" (built in: ${builtinFrameworkIds().join(', ')}; or --framework-file <file>)`);
  return framework;
}
