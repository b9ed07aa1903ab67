import type { ComplianceReport, ControlResult, SectionScore } from './types';

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : pad(cell, widths[column])))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

function scoreText(score: Pick<SectionScore, 'score' | 'coverage'>): string {
  return `${score.score === null ? 'n/a' : `${score.score}%`} (coverage ${score.coverage === null ? 'n/a' : `${score.coverage}%`})`;
}

/** One line per framework for run summaries: `cis-aws-7.0: 62.5% (coverage 47.1%), 6 FAIL: 2.5, 2.14, ...`. */
export function complianceLine(report: ComplianceReport): string {
  const { overall } = report;
  const failing = report.failing.length ? `: ${report.failing.slice(0, 8).join(', ')}${report.failing.length > 8 ? ', ...' : ''}` : '';
  return `${report.framework.id}: ${scoreText(overall)}, ${overall.pass} PASS, ${overall.fail} FAIL${failing}, ${overall.notEvaluated} NOT_EVALUATED, ${overall.manual} MANUAL`;
}

function controlRows(controls: readonly ControlResult[]): string[][] {
  return controls.map((control) => [
    control.id,
    control.status,
    control.level === undefined ? '' : String(control.level),
    control.status === 'FAIL' || control.evidenceTotal ? String(control.evidenceTotal) : '',
    control.title,
  ]);
}

/** The controls as a table (`--table`). */
export function formatComplianceTable(report: ComplianceReport): string {
  return `${table(['control', 'status', 'level', 'evidence', 'title'], controlRows(report.controls))}\n`;
}

/** The full text report: scores, the controls table, then evidence and reasons per control. */
export function formatComplianceReport(report: ComplianceReport): string {
  const out: string[] = [];
  const version = report.framework.version ? ` v${report.framework.version}` : '';
  out.push(`${report.framework.title}${version} (${report.framework.id}), snapshot of ${report.evaluatedAt}, ${report.accounts.length} account(s)`);
  out.push(
    `Overall: ${scoreText(report.overall)}; ${report.overall.pass} PASS, ${report.overall.fail} FAIL, ${report.overall.notEvaluated} NOT_EVALUATED, ${report.overall.manual} MANUAL`,
  );
  out.push('');
  out.push(
    table(
      ['section', 'score', 'coverage', 'PASS', 'FAIL', 'NOT_EVAL', 'MANUAL', 'title'],
      report.sections.map((section) => [
        section.id,
        section.score === null ? 'n/a' : `${section.score}%`,
        section.coverage === null ? 'n/a' : `${section.coverage}%`,
        String(section.pass),
        String(section.fail),
        String(section.notEvaluated),
        String(section.manual),
        section.title,
      ]),
    ),
  );
  out.push('');
  out.push(formatComplianceTable(report).trimEnd());
  const details = report.controls.filter(
    (control) => control.status === 'FAIL' || control.status === 'NOT_EVALUATED' || (control.status === 'MANUAL' && control.evidenceTotal > 0),
  );
  for (const control of details) {
    out.push('');
    out.push(
      `${control.id} ${control.status}: ${control.title}${control.checkedBy ? ` (checked by ${control.checkedBy.framework} ${control.checkedBy.control})` : ''}`,
    );
    for (const reason of control.reasons) out.push(`  reason: ${reason}`);
    const counts = control.accounts.filter((account) => account.failing > 0).map((account) => `${account.accountId}: ${account.failing}`);
    if (counts.length) out.push(`  ${control.status === 'MANUAL' ? 'to review' : 'failing'} per account: ${counts.join(', ')}`);
    for (const entity of control.evidence) {
      out.push(
        `  - ${entity._type} ${entity.displayName} [${entity._key}]${entity.accountId ? ` account ${entity.accountId}` : ''}${entity.region ? ` ${entity.region}` : ''}${entity.stale ? ' (stale)' : ''}`,
      );
    }
    if (control.evidenceTotal > control.evidence.length) out.push(`  ... and ${control.evidenceTotal - control.evidence.length} more`);
    if (control.status === 'MANUAL' && control.guidance) out.push(`  guidance: ${control.guidance}`);
  }
  return `${out.join('\n')}\n`;
}
