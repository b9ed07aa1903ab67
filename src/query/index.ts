/**
 * J1QL over a snapshot. The alert and compliance features call this:
 *
 * ```ts
 * const index = GraphIndex.fromSnapshot(await readSnapshot(file));
 * const result = runQuery(index, "FIND aws_s3_bucket WITH public = true");
 * if (result.total > 0) ...
 * ```
 *
 * An index is built once per snapshot and serves any number of queries; equality indexes on
 * property values are added to it as queries need them.
 */
import type { Query } from './ast';
import { evaluate, type RunOptions } from './evaluator';
import type { QueryResult } from './results';
import type { GraphIndex } from './graph-index';
import { parseQuery } from './parser';

export type * from './ast';
export { QueryError, QuerySemanticError, QuerySyntaxError } from './errors';
export type { RunOptions } from './evaluator';
export {
  DEFAULT_LIMIT,
  type AggregateResult,
  type ListResult,
  type QueryResult,
  type ResultValue,
  type Row,
  type TableResult,
  type TreeResult,
} from './results';
export { GraphIndex } from './graph-index';
export { parseQuery } from './parser';
export { formatResult } from './format';
export { bindParameters, parameterNames, type ParameterValue, type Parameters } from './parameters';
export { builtInSmartClasses, loadSmartClasses, readSmartClasses, type SmartClassDefinition, type SmartClasses } from './smart-classes';
export { DefinitionFileError } from './definition-file';
export { TextIndex } from './text-index';
export {
  askQuestion,
  builtInQuestions,
  BUILT_IN_QUESTIONS_FILE,
  findQuestions,
  missingParameters,
  readQuestions,
  type Question,
  type QuestionAnswer,
} from './questions';
export {
  askSavedQuestions,
  loadSavedQuestions,
  SAVED_QUESTIONS_SCHEMA,
  SavedQuestionsError,
  type SavedQuestionsConfig,
  type SavedQuestionsOutcome,
} from './saved-questions';

/** Parses (when given text) and runs a query. Throws QueryError subclasses for bad queries. */
export function runQuery(index: GraphIndex, query: string | Query, options: RunOptions = {}): QueryResult {
  return evaluate(index, typeof query === 'string' ? parseQuery(query) : query, options);
}
