import type { Position } from './ast';

/** A query that cannot run: bad syntax, or a reference that does not resolve. */
export class QueryError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
    this.name = 'QueryError';
  }
}

/** The query text does not follow the J1QL grammar. */
export class QuerySyntaxError extends QueryError {
  constructor(
    line: number,
    column: number,
    /** What was found at that place, as written (or `end of query`). */
    readonly found: string,
    /** What the grammar accepts there, in readable form (`WITH`, `a name`, ...). */
    readonly expected: string[],
    detail?: string,
  ) {
    super(
      `line ${line}, column ${column}: found ${found}` +
        (expected.length ? `, expected ${expected.length > 1 ? 'one of ' : ''}${expected.join(', ')}` : '') +
        (detail ? ` (${detail})` : ''),
      line,
      column,
    );
    this.name = 'QuerySyntaxError';
  }
}

/** A well-formed query that refers to something it does not define (an unknown alias, ...). */
export class QuerySemanticError extends QueryError {
  constructor(position: Position, problem: string) {
    super(`line ${position.line}, column ${position.column}: ${problem}`, position.line, position.column);
    this.name = 'QuerySemanticError';
  }
}
