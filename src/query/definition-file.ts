import { readFileSync } from 'node:fs';
import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';

/** A bad smart-class or questions file: names the file, the line and the field. */
export class DefinitionFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly field: string,
    problem: string,
  ) {
    super(`${file}:${line}: ${field}: ${problem}`);
    this.name = 'DefinitionFileError';
  }
}

/** A parsed YAML file that can say on which line a value is, for error messages. */
export class LocatedYaml {
  readonly value: unknown;
  private readonly lines = new LineCounter();
  private readonly document: Document.Parsed;

  constructor(
    readonly file: string,
    text: string,
  ) {
    this.document = parseDocument(text, { lineCounter: this.lines, prettyErrors: false });
    const [error] = this.document.errors;
    if (error) throw new DefinitionFileError(file, this.lines.linePos(error.pos[0]).line, '(file)', `not valid YAML: ${error.message.split('\n')[0]}`);
    this.value = this.document.toJS();
  }

  static read(file: string): LocatedYaml {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new DefinitionFileError(file, 1, '(file)', `cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    return new LocatedYaml(file, text);
  }

  /** The line of the value at a path (keys and indexes), or of the nearest parent that exists. */
  lineOf(path: Array<string | number>): number {
    // A map field: the line of its key, where a reader looks for it.
    const parent = path.length ? this.document.getIn(path.slice(0, -1), true) : undefined;
    if (isMap(parent)) {
      const pair = parent.items.find((item) => (item.key as { value?: unknown } | null)?.value === path[path.length - 1]);
      const offset = (pair?.key as { range?: [number, number, number] } | null)?.range?.[0];
      if (offset !== undefined) return this.lines.linePos(offset).line;
    }
    for (let length = path.length; length >= 0; length--) {
      const node = this.document.getIn(path.slice(0, length), true) as { range?: [number, number, number] } | undefined;
      if (node && (isMap(node) || isSeq(node) || node.range)) {
        const offset = (node as { range?: [number, number, number] }).range?.[0];
        if (offset !== undefined) return this.lines.linePos(offset).line;
      }
    }
    return 1;
  }

  error(path: Array<string | number>, problem: string): DefinitionFileError {
    const field = path.map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? part : `.${part}`)).join('') || '(top level)';
    return new DefinitionFileError(this.file, this.lineOf(path), field, problem);
  }
}
