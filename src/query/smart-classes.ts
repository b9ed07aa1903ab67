import * as path from 'node:path';
import type { Query } from './ast';
import { LocatedYaml } from './definition-file';
import { QueryError } from './errors';
import { parseQuery } from './parser';

/** One smart class: `#name` selects the entities any of its queries returns. */
export interface SmartClassDefinition {
  name: string;
  description?: string;
  queries: Query[];
  /** Where it was defined, for messages. */
  source: string;
}

/** Smart classes by name (case-sensitive, as in J1QL). */
export type SmartClasses = ReadonlyMap<string, SmartClassDefinition>;

/** The definitions shipped with the engine: JupiterOne's default `#CriticalAsset` and a few for AWS. */
export const BUILT_IN_SMART_CLASSES_FILE = path.join(__dirname, 'smart-classes.yaml');

/**
 * Reads a smart-class file: a YAML map from names to `{ description?, queries: [J1QL, ...] }`.
 * Each query must be a plain FIND (no RETURN): its starting entities are the class's members.
 * Throws DefinitionFileError with the file, line and field of the first problem.
 */
export function readSmartClasses(file: string): Map<string, SmartClassDefinition> {
  const yaml = LocatedYaml.read(file);
  const definitions = new Map<string, SmartClassDefinition>();
  const top = yaml.value;
  if (top === null || top === undefined) return definitions;
  if (typeof top !== 'object' || Array.isArray(top)) throw yaml.error([], 'expected a map from smart class names to { description, queries }');
  for (const [name, body] of Object.entries(top as Record<string, unknown>)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw yaml.error([name], 'a smart class name is letters, digits and _, not starting with a digit');
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw yaml.error([name], 'expected { description, queries }');
    const { description, queries, ...rest } = body as Record<string, unknown>;
    const [unknown] = Object.keys(rest);
    if (unknown) throw yaml.error([name, unknown], 'unknown field (expected description and queries)');
    if (description !== undefined && typeof description !== 'string') throw yaml.error([name, 'description'], 'expected text');
    if (!Array.isArray(queries) || queries.length === 0) throw yaml.error([name, 'queries'], 'expected a list of one or more J1QL queries');
    const parsed = queries.map((text, index) => {
      if (typeof text !== 'string') throw yaml.error([name, 'queries', index], 'expected a J1QL query');
      let query: Query;
      try {
        query = parseQuery(text);
      } catch (error) {
        if (error instanceof QueryError) throw yaml.error([name, 'queries', index], `bad query: ${error.message}`);
        throw error;
      }
      if (query.return) throw yaml.error([name, 'queries', index], 'a smart class query has no RETURN: its starting entities are the members');
      return query;
    });
    definitions.set(name, { name, description, queries: parsed, source: `${file}:${yaml.lineOf([name])}` });
  }
  return definitions;
}

let builtIn: SmartClasses | undefined;

/** The shipped definitions, read once. */
export function builtInSmartClasses(): SmartClasses {
  builtIn ??= readSmartClasses(BUILT_IN_SMART_CLASSES_FILE);
  return builtIn;
}

/** The shipped definitions with a user's file on top (a user's class replaces a shipped one of the same name). */
export function loadSmartClasses(...files: string[]): SmartClasses {
  const merged = new Map(builtInSmartClasses());
  for (const file of files) for (const [name, definition] of readSmartClasses(file)) merged.set(name, definition);
  return merged;
}
