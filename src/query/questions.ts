import * as path from 'node:path';
import type { Query } from './ast';
import { LocatedYaml } from './definition-file';
import { QueryError } from './errors';
import type { GraphIndex } from './graph-index';
import { parameterNames, type ParameterValue, type Parameters } from './parameters';
import { parseQuery } from './parser';
import type { QueryResult } from './results';
import { evaluate, type RunOptions } from './evaluator';

/**
 * A saved question, as JupiterOne's questions library holds them: a title, a description, tags,
 * and one or more named J1QL queries. `params` gives default values for `${ param.x }`; `expect`
 * says what the demo organization (`npm run demo`) answers: `non-empty` (some query finds
 * something) or `empty`.
 */
export interface Question {
  id: string;
  title: string;
  description?: string;
  tags: string[];
  queries: Array<{ name: string; text: string; query: Query }>;
  params: Parameters;
  expect?: 'non-empty' | 'empty';
  /** `file:line`, for messages. */
  source: string;
}

export interface QuestionAnswer {
  id: string;
  title: string;
  description?: string;
  tags: string[];
  queries: Array<{ name: string; query: string; result: QueryResult }>;
  /** Whether any query found something (an alert would fire). */
  answered: boolean;
}

/** The AWS questions shipped with the engine. */
export const BUILT_IN_QUESTIONS_FILE = path.join(__dirname, 'questions', 'aws.yaml');

const QUESTION_FIELDS = ['id', 'title', 'description', 'tags', 'queries', 'params', 'expect'];

function isParameterValue(value: unknown): value is ParameterValue {
  const scalar = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
  return scalar(value) || (Array.isArray(value) && value.every(scalar));
}

/**
 * Reads a questions file: `questions: [ { id, title, description, tags, queries, params, expect } ]`
 * (or the list alone). A query is J1QL text or `{ name, query }`; unnamed queries are query0,
 * query1, ... as in JupiterOne. Throws DefinitionFileError naming the file, line and field of the
 * first problem, before any query runs.
 */
export function readQuestions(file: string): Question[] {
  const yaml = LocatedYaml.read(file);
  const top = yaml.value;
  const listPath: Array<string | number> = Array.isArray(top) ? [] : ['questions'];
  const list = Array.isArray(top) ? top : (top as { questions?: unknown } | null)?.questions;
  if (!Array.isArray(list)) throw yaml.error([], 'expected `questions:` with a list of questions');
  const seen = new Map<string, number>();
  return list.map((entry, index): Question => {
    const at = [...listPath, index];
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw yaml.error(at, 'expected { title, queries, ... }');
    const fields = entry as Record<string, unknown>;
    const unknown = Object.keys(fields).find((key) => !QUESTION_FIELDS.includes(key));
    if (unknown) throw yaml.error([...at, unknown], `unknown field (expected ${QUESTION_FIELDS.join(', ')})`);
    const { title, description, tags = [], queries, params = {}, expect } = fields;
    if (typeof title !== 'string' || !title.trim()) throw yaml.error([...at, 'title'], 'expected text');
    const id =
      fields.id ??
      title
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '');
    if (typeof id !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(id)) throw yaml.error([...at, 'id'], 'expected lower-case letters, digits and dashes');
    if (seen.has(id)) throw yaml.error([...at, 'id'], `the id ${id} is used twice (also question ${seen.get(id)})`);
    seen.set(id, index);
    if (description !== undefined && typeof description !== 'string') throw yaml.error([...at, 'description'], 'expected text');
    if (!Array.isArray(tags) || !tags.every((tag) => typeof tag === 'string')) throw yaml.error([...at, 'tags'], 'expected a list of words');
    if (expect !== undefined && expect !== 'non-empty' && expect !== 'empty') throw yaml.error([...at, 'expect'], 'expected non-empty or empty');
    if (typeof params !== 'object' || params === null || Array.isArray(params)) throw yaml.error([...at, 'params'], 'expected a map of parameter values');
    for (const [name, value] of Object.entries(params)) {
      if (!isParameterValue(value)) throw yaml.error([...at, 'params', name], 'expected text, a number, a boolean or a list of them');
    }
    if (!Array.isArray(queries) || queries.length === 0) throw yaml.error([...at, 'queries'], 'expected a list of one or more queries');
    const parsed = queries.map((item, q) => {
      const where = [...at, 'queries', q];
      const named = typeof item === 'object' && item !== null ? (item as { name?: unknown; query?: unknown }) : undefined;
      const text = named ? named.query : item;
      const name = named?.name ?? `query${q}`;
      if (typeof text !== 'string') throw yaml.error(named ? [...where, 'query'] : where, 'expected a J1QL query');
      if (typeof name !== 'string') throw yaml.error([...where, 'name'], 'expected text');
      try {
        return { name, text, query: parseQuery(text) };
      } catch (error) {
        if (error instanceof QueryError) throw yaml.error(named ? [...where, 'query'] : where, `bad query: ${error.message}`);
        throw error;
      }
    });
    return {
      id,
      title: title.trim(),
      description: description?.trim(),
      tags: tags as string[],
      queries: parsed,
      params: params as Parameters,
      expect,
      source: `${file}:${yaml.lineOf(at)}`,
    };
  });
}

let builtIn: Question[] | undefined;

export function builtInQuestions(): Question[] {
  builtIn ??= readQuestions(BUILT_IN_QUESTIONS_FILE);
  return builtIn;
}

/** Parameters a question's queries use that neither its defaults nor `given` supply. */
export function missingParameters(question: Question, given: Parameters = {}): string[] {
  const names = new Set(question.queries.flatMap(({ query }) => parameterNames(query)));
  return [...names].filter((name) => !Object.hasOwn(given, name) && !Object.hasOwn(question.params, name));
}

/**
 * Runs every query of a question. Parameters given here override the question's defaults (the
 * Pulumi resource and rule files pass theirs this way).
 */
export function askQuestion(index: GraphIndex, question: Question, options: RunOptions = {}): QuestionAnswer {
  const params = { ...question.params, ...options.params };
  const queries = question.queries.map(({ name, text, query }) => ({ name, query: text, result: evaluate(index, query, { ...options, params }) }));
  return {
    id: question.id,
    title: question.title,
    description: question.description,
    tags: question.tags,
    queries,
    answered: queries.some(({ result }) => result.total > 0),
  };
}

/**
 * The shipped questions a `title` names: its id, its exact title (any case), or the only title
 * that contains it. Several matches are returned for the caller to list.
 */
export function findQuestions(questions: Question[], title: string): Question[] {
  const wanted = title.trim().toLowerCase();
  const exact = questions.filter((question) => question.id === wanted || question.title.toLowerCase() === wanted);
  if (exact.length) return exact;
  return questions.filter((question) => question.title.toLowerCase().includes(wanted));
}
