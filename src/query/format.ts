import type { Entity, Relationship } from '../graph/types';
import type { QueryResult, ResultValue } from './results';
import { maxOf } from '../util/arrays';

const MAX_CELL = 60;

function cell(value: ResultValue | undefined): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map((element) => cell(element)).join(', ');
  if (typeof value === 'object') return String((value as Entity | Relationship).displayName ?? (value as Entity)._key);
  return String(value);
}

function clip(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > MAX_CELL ? `${flat.slice(0, MAX_CELL - 1)}…` : flat;
}

/** A plain text table: a header, a rule, one line per row. */
export function textTable(columns: string[], rows: string[][]): string {
  const cells = rows.map((row) => row.map(clip));
  const widths = columns.map((column, i) =>
    Math.max(
      column.length,
      maxOf(
        cells.map((row) => row[i].length),
        0,
      ),
    ),
  );
  const line = (values: string[]) =>
    values
      .map((value, i) => value.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(columns), line(widths.map((width) => '-'.repeat(width))), ...cells.map(line)].join('\n');
}

function counted(shown: number, total: number, noun: string): string {
  return shown === total ? `${total} ${noun}` : `${shown} of ${total} ${noun} (use LIMIT and SKIP for more)`;
}

/** A query result as text for people: a table and a count. */
export function formatResult(result: QueryResult): string {
  switch (result.type) {
    case 'list': {
      const rows = result.data.map((entity) => [entity._type, cell(entity.displayName), entity._key]);
      return `${textTable(['_type', 'displayName', '_key'], rows)}\n${counted(result.data.length, result.total, 'entities')}\n`;
    }
    case 'table':
    case 'aggregate': {
      const rows = result.data.map((row) => result.columns.map((column) => cell(row[column])));
      return `${textTable(result.columns, rows)}\n${counted(result.data.length, result.total, result.type === 'table' ? 'rows' : 'groups')}\n`;
    }
    case 'tree': {
      const names = new Map(result.data.vertices.map((entity) => [entity._key, cell(entity.displayName)]));
      const vertices = result.data.vertices.map((entity) => [entity._type, cell(entity.displayName), entity._key]);
      const edges = result.data.edges.map((edge) => [
        names.get(edge._fromEntityKey) ?? edge._fromEntityKey,
        edge._class,
        names.get(edge._toEntityKey) ?? edge._toEntityKey,
        edge._type,
      ]);
      return (
        `Entities (${vertices.length})\n${textTable(['_type', 'displayName', '_key'], vertices)}\n\n` +
        `Relationships (${edges.length})\n${textTable(['from', 'verb', 'to', '_type'], edges)}\n` +
        `${result.total} starting entities matched\n`
      );
    }
  }
}
