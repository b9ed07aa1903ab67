import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import {
  askQuestion,
  builtInQuestions,
  DefinitionFileError,
  findQuestions,
  formatResult,
  missingParameters,
  QueryError,
  readQuestions,
  type Question,
  type QuestionAnswer,
} from '../../query';
import { CliError } from '../errors';
import { collect, loadIndex, parseParamFlags, smartClassesFrom, type SnapshotFlags } from './query';

interface AskFlags extends SnapshotFlags {
  json?: boolean;
  list?: boolean;
  tag: string[];
  param: string[];
  smartClasses: string[];
}

/** The questions an argument names: every question of a file, or shipped ones by id or title. */
function selectQuestions(target: string | undefined, tags: string[]): Question[] {
  let questions: Question[];
  if (target && existsSync(target)) {
    try {
      questions = readQuestions(target);
    } catch (error) {
      if (error instanceof DefinitionFileError) throw new CliError(error.message);
      throw error;
    }
  } else if (target) {
    questions = findQuestions(builtInQuestions(), target);
    if (questions.length === 0) throw new CliError(`no question file ${target}, and no shipped question has that id or title (orggraph ask --list shows them)`);
    if (questions.length > 1) {
      throw new CliError(
        `"${target}" matches ${questions.length} questions; give the id or whole title:\n${questions.map((q) => `  ${q.id}  ${q.title}`).join('\n')}`,
      );
    }
  } else {
    questions = builtInQuestions();
  }
  if (tags.length) questions = questions.filter((question) => tags.every((tag) => question.tags.includes(tag)));
  return questions;
}

function formatAnswer(answer: QuestionAnswer): string {
  const lines = [`# ${answer.title}`, ...(answer.description ? [answer.description] : []), `(${answer.id}; ${answer.tags.join(', ')})`, ''];
  for (const { name, query, result } of answer.queries) {
    if (answer.queries.length > 1) lines.push(`## ${name}`);
    lines.push(query.replace(/\s+/g, ' ').trim(), '', formatResult(result));
  }
  return `${lines.join('\n')}\n`;
}

export function registerAskCommand(program: Command): void {
  program
    .command('ask')
    .description('Ask saved questions (title, description, tags, J1QL queries) of a snapshot.')
    .argument('[file|title]', 'a questions file (YAML), or the id or title of a shipped question (a unique part of the title will do)')
    .option('--snapshot <file>', 'snapshot file to query')
    .option('--dir <directory>', 'snapshot directory whose latest snapshot is queried (default .orggraph)')
    .option('--json', 'print the answers as JSON: [{ id, title, tags, queries: [{ name, query, result }], answered }]')
    .option('--list', 'list the questions (id, tags, title) without running them')
    .option('--tag <tag>', 'only questions with this tag (repeatable: all of them)', collect, [])
    .option('--param <name=value>', "a value for ${ param.name }, over the question's default (repeatable)", collect, [])
    .option('--smart-classes <file>', 'more smart class definitions (repeatable)', collect, [])
    .addHelpText('after', '\nShipped questions: src/query/questions/aws.yaml; file format and J1QL: docs/query.md')
    .action(async (target: string | undefined, flags: AskFlags) => {
      if (flags.snapshot && flags.dir) throw new CliError('--snapshot and --dir cannot be combined');
      // Everything that can be wrong with the input is checked before the snapshot is read.
      const questions = selectQuestions(target, flags.tag);
      if (questions.length === 0) throw new CliError(`no question has the tags ${flags.tag.join(', ')}`);
      if (flags.list) {
        const rows = questions.map((question) => (flags.json ? question : `${question.id}  [${question.tags.join(', ')}]  ${question.title}`));
        process.stdout.write(
          flags.json
            ? `${JSON.stringify(
                rows.map((q) => ({ id: (q as Question).id, title: (q as Question).title, tags: (q as Question).tags })),
                null,
                2,
              )}\n`
            : `${rows.join('\n')}\n`,
        );
        return;
      }
      const params = parseParamFlags(flags.param);
      for (const question of questions) {
        const missing = missingParameters(question, params);
        if (missing.length) throw new CliError(`${question.source}: "${question.title}" needs ${missing.map((name) => `--param ${name}=<value>`).join(' ')}`);
      }
      const smartClasses = smartClassesFrom(flags.smartClasses);
      const { index } = await loadIndex(flags);
      const answers: QuestionAnswer[] = [];
      for (const question of questions) {
        try {
          answers.push(askQuestion(index, question, { params, smartClasses }));
        } catch (error) {
          if (error instanceof QueryError) throw new CliError(`${question.source}: "${question.title}": ${error.message}`);
          throw error;
        }
      }
      process.stdout.write(flags.json ? `${JSON.stringify(answers, null, 2)}\n` : answers.map(formatAnswer).join('\n'));
    });
}
