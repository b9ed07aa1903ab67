import * as path from 'node:path';
import type { GraphIndex } from './graph-index';
import type { Parameters } from './parameters';
import { askQuestion, builtInQuestions, missingParameters, readQuestions, type Question } from './questions';

/**
 * Saved questions asked of every new snapshot (the Pulumi resource's `questions` input): the shipped
 * AWS questions and/or question files, narrowed by tags, with values for their `${ param.x }`.
 */
export interface SavedQuestionsConfig {
  /** The shipped AWS questions (src/query/questions/aws.yaml). Default: true when no files are given. */
  builtIn?: boolean;
  /** Question files (relative to the program directory). */
  files?: string[];
  /** Only questions that carry every one of these tags. */
  tags?: string[];
  /** Values for the questions' parameters; they override each question's own defaults. */
  params?: Parameters;
}

const SCALAR = { type: ['string', 'number', 'boolean'] } as const;

export const SAVED_QUESTIONS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    builtIn: { type: 'boolean' },
    files: { type: 'array', items: { type: 'string', minLength: 1 } },
    tags: { type: 'array', items: { type: 'string', minLength: 1 } },
    params: { type: 'object', additionalProperties: { anyOf: [SCALAR, { type: 'array', items: SCALAR }] } },
  },
} as const;

/** A problem found before any AWS call: the question's source (`file:line`) and what is missing. */
export class SavedQuestionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SavedQuestionsError';
  }
}

/**
 * The questions a configuration names, every query parsed and every parameter given a value, or a
 * SavedQuestionsError listing each problem (DefinitionFileError for a bad file, with its line).
 */
export function loadSavedQuestions(config: SavedQuestionsConfig, cwd = process.cwd()): Question[] {
  const files = config.files ?? [];
  const questions = [...((config.builtIn ?? files.length === 0) ? builtInQuestions() : []), ...files.flatMap((file) => readQuestions(path.resolve(cwd, file)))];
  const tags = config.tags ?? [];
  const chosen = questions.filter((question) => tags.every((tag) => question.tags.includes(tag)));
  const problems = chosen.flatMap((question) => {
    const missing = missingParameters(question, config.params);
    return missing.length ? [`${question.source}: question ${question.id} needs ${missing.map((name) => `params.${name}`).join(', ')}`] : [];
  });
  if (problems.length) throw new SavedQuestionsError(problems.join('; '));
  return chosen;
}

/** What the stack output says: counts, and the questions that found something. */
export interface SavedQuestionsOutcome {
  asked: number;
  answered: number;
  /** Questions with a non-empty answer, by id (at most `limit`; `answered` counts them all). */
  answers: Array<{ id: string; title: string; rows: number }>;
}

export function askSavedQuestions(index: GraphIndex, questions: readonly Question[], params: Parameters = {}, limit = 50): SavedQuestionsOutcome {
  const answers: SavedQuestionsOutcome['answers'] = [];
  for (const question of questions) {
    const answer = askQuestion(index, question, { params });
    if (!answer.answered) continue;
    answers.push({ id: answer.id, title: answer.title, rows: answer.queries.reduce((sum, { result }) => sum + result.total, 0) });
  }
  answers.sort((a, b) => a.id.localeCompare(b.id));
  return { asked: questions.length, answered: answers.length, answers: answers.slice(0, limit) };
}
