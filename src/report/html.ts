/**
 * The report page: the sections rendered here as static HTML and SVG, and the explorer's script,
 * styles, cytoscape and graph data inlined, so that the one file works offline.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { barChart, escapeHtml, lineChart, stackedBarChart } from './charts';
import type { EncodedGraph, ResolvedKeys } from './graph-data';
import { controlSection, type AlertInput, type ComplianceInput, type ControlResultInput } from './inputs';
import type { ReportModel, SavedQueryResult } from './model';

/** Rows of long tables shown before "and N more". */
const MAX_TABLE_ROWS = 500;

/** What the page's script reads (the `report-data` script element). */
export interface PageData {
  savedQueries: Array<Omit<SavedQueryResult, 'vertexKeys' | 'edgeKeys'> & { evidence: ResolvedKeys }>;
  /** Evidence by id: `control:<framework index>:<control index>` and `alert:<index>`. */
  evidence: Record<string, { title: string; evidence: ResolvedKeys }>;
  entityChunks: number;
  relationshipChunks: number;
}

function asset(name: string): string {
  return readFileSync(path.join(__dirname, 'assets', name), 'utf8');
}

function cytoscapeSource(): string {
  return readFileSync(require.resolve('cytoscape/dist/cytoscape.min.js'), 'utf8');
}

/** Text for inside a `<script>` element: `</script` and `<!--` cannot end or confuse it. */
function scriptText(text: string): string {
  return text.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

const number = (value: number) => value.toLocaleString('en-US');

function table(headers: string[], rows: string[][], className = ''): string {
  const shown = rows.slice(0, MAX_TABLE_ROWS);
  const more = rows.length > shown.length ? `<p class="note">and ${number(rows.length - shown.length)} more</p>` : '';
  return (
    `<table class="${className}"><thead><tr>${headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>` +
    `<tbody>${shown.map((row) => `<tr>${row.map((cell) => `<td>${cell}</td>`).join('')}</tr>`).join('')}</tbody></table>${more}`
  );
}

function entityLink(key: string, label = key): string {
  return `<a href="#explorer" class="entity-link" data-key="${escapeHtml(key)}">${escapeHtml(label)}</a>`;
}

function overviewSection(model: ReportModel): string {
  const { overview } = model;
  const trend = overview.trend;
  const accounts = table(
    ['Account', 'Name', 'Entities'],
    overview.accounts.map((a) => [escapeHtml(a.accountId), escapeHtml(a.name ?? ''), number(a.entities)]),
  );
  return `<section id="overview"><h2>Overview</h2>
<div class="tiles">
<div class="tile"><span class="value" id="total-entities">${number(overview.totals.entities)}</span><span>entities</span></div>
<div class="tile"><span class="value">${number(overview.totals.relationships)}</span><span>relationships</span></div>
<div class="tile"><span class="value">${number(overview.accounts.length)}</span><span>accounts</span></div>
<div class="tile"><span class="value">${number(overview.regions.length)}</span><span>regions</span></div>
<div class="tile"><span class="value">${number(overview.totals.stale)}</span><span>stale entities</span></div>
</div>
<p>Snapshot <code>${escapeHtml(overview.snapshotFile)}</code> (${escapeHtml(overview.mode)}), ${escapeHtml(overview.startedAt)} to ${escapeHtml(overview.endedAt)}, graph sha256 <code>${escapeHtml(overview.graphSha256.slice(0, 16))}…</code>.
Regions: ${overview.regions.map(escapeHtml).join(', ') || 'none'}.</p>
<div class="charts">
${barChart('Entities by class', overview.byClass, { id: 'chart-classes' })}
${barChart('Entities by type', overview.byType, { id: 'chart-types' })}
${barChart('Relationships by verb', overview.relationshipsByVerb)}
${lineChart(
  `Trend over ${trend.length} retained snapshot${trend.length === 1 ? '' : 's'}`,
  trend.map((p) => p.endedAt),
  [
    { name: 'entities', values: trend.map((p) => p.entities), className: 'series-a' },
    { name: 'relationships', values: trend.map((p) => p.relationships), className: 'series-b' },
  ],
)}
</div>
<details><summary>Accounts (${overview.accounts.length})</summary>${accounts}</details>
</section>`;
}

function healthSection(model: ReportModel): string {
  const { health } = model;
  const errors = health.errors.length
    ? table(
        ['Account', 'Region', 'Service', 'Code', 'Operation', 'Message'],
        health.errors.map((e) => [e.account, e.region, e.service, e.code, e.operation ?? '', e.message].map(escapeHtml)),
        'errors',
      )
    : '<p class="ok">No errors.</p>';
  const stale = health.notRefreshed.length
    ? table(
        ['Account', 'Region', 'Collector', 'Types', 'Entities carried forward'],
        health.notRefreshed.map((s) => [
          escapeHtml(s.accountId),
          escapeHtml(s.region),
          escapeHtml(s.collector),
          escapeHtml(s.types.join(', ')),
          number(s.entitiesCarried),
        ]),
      )
    : '<p class="ok">Every scope was refreshed.</p>';
  const skippedAccounts = health.skippedAccounts.length
    ? table(
        ['Account', 'Name', 'Reason'],
        health.skippedAccounts.map((a) => [a.accountId, a.name ?? '', a.reason].map(escapeHtml)),
        'skipped-accounts',
      )
    : '<p class="ok">No account was skipped.</p>';
  const skippedRegions = health.skippedRegions.length
    ? table(
        ['Account', 'Region', 'Reason'],
        health.skippedRegions.map((r) => [r.accountId, r.region, r.reason].map(escapeHtml)),
        'skipped-regions',
      )
    : '<p class="ok">No region was skipped.</p>';
  const c = health.collectors;
  return `<section id="health"><h2>Health</h2>
<div class="tiles">
<div class="tile ${health.errors.length ? 'bad' : ''}"><span class="value">${number(health.errors.length)}</span><span>errors</span></div>
<div class="tile ${health.notRefreshed.length ? 'warn' : ''}"><span class="value">${number(health.notRefreshed.length)}</span><span>stale scopes</span></div>
<div class="tile"><span class="value">${number(health.skippedAccounts.length)}</span><span>skipped accounts</span></div>
<div class="tile"><span class="value">${number(health.skippedRegions.length)}</span><span>skipped regions</span></div>
</div>
<p>Collector runs: ${number(c.succeeded)} succeeded, ${number(c.partial)} partial, ${number(c.failed)} failed, ${number(c.skipped)} skipped; ${number(health.apiCalls.calls)} API calls (${number(health.apiCalls.throttled)} throttled) in ${(health.durationMs / 1000).toFixed(1)} s.</p>
${health.errorsByCode.length ? barChart('Errors by code', health.errorsByCode) : ''}
<h3>Errors</h3>${errors}
<h3>Stale scopes (carried forward from the previous snapshot)</h3>${stale}
<h3>Skipped accounts</h3>${skippedAccounts}
<h3>Skipped regions</h3>${skippedRegions}
</section>`;
}

function changesSection(model: ReportModel, present: (key: string) => boolean): string {
  const { changes } = model;
  if (!changes.previous)
    return `<section id="changes"><h2>Changes</h2><p class="not-evaluated">No previous snapshot in this store: this is the first one.</p></section>`;
  if (changes.previousUnreadable) {
    return `<section id="changes"><h2>Changes</h2><p class="not-evaluated">The previous snapshot, <code>${escapeHtml(changes.previous.file)}</code>, could not be read: ${escapeHtml(changes.previousUnreadable)}</p></section>`;
  }
  const e = changes.entities;
  const r = changes.relationships;
  const listed = changes.listed.map((change) => [
    `<span class="change-${change.change}">${change.change}</span>`,
    escapeHtml(change._type),
    change.change !== 'deleted' && present(change._key) ? entityLink(change._key) : escapeHtml(change._key),
    escapeHtml((change.properties ?? []).join(', ')),
  ]);
  const total = e.created + e.updated + e.deleted;
  return `<section id="changes"><h2>Changes since the previous snapshot</h2>
<p>Compared with <code>${escapeHtml(changes.previous.file)}</code> (${escapeHtml(changes.previous.endedAt)}).</p>
<div class="tiles">
<div class="tile"><span class="value change-created">+${number(e.created)}</span><span>entities created</span></div>
<div class="tile"><span class="value change-updated">~${number(e.updated)}</span><span>entities updated</span></div>
<div class="tile"><span class="value change-deleted">-${number(e.deleted)}</span><span>entities deleted</span></div>
<div class="tile"><span class="value">+${number(r.created)} ~${number(r.updated)} -${number(r.deleted)}</span><span>relationships</span></div>
</div>
${
  changes.byType.length
    ? stackedBarChart(
        'Changes by type',
        changes.byType.slice(0, 15).map((row) => ({
          name: row.type,
          parts: [
            { name: 'created', count: row.created, className: 'change-created-fill' },
            { name: 'updated', count: row.updated, className: 'change-updated-fill' },
            { name: 'deleted', count: row.deleted, className: 'change-deleted-fill' },
          ],
        })),
      )
    : ''
}
${total ? table(['Change', 'Type', 'Key', 'Properties'], listed, 'changes') : '<p class="ok">Nothing changed.</p>'}
${total > changes.listed.length ? `<p class="note">${number(changes.listed.length)} of ${number(total)} changes listed.</p>` : ''}
</section>`;
}

const STATUS_CLASS: Record<string, string> = { PASS: 'pass', FAIL: 'fail', NOT_EVALUATED: 'not-evaluated', MANUAL: 'manual' };

function evidenceButton(id: string, count: number): string {
  return count > 0 ? `<button class="open-evidence" data-evidence="${escapeHtml(id)}">Open evidence (${number(count)})</button>` : '';
}

function complianceSection(frameworks: ComplianceInput[] | undefined, evidence: PageData['evidence'], resolve: EncodedGraph['resolve']): string {
  if (!frameworks) return `<section id="compliance"><h2>Compliance</h2><p class="not-evaluated">Compliance: not evaluated in this report.</p></section>`;
  const parts = frameworks.map((framework, f) => {
    const bySection = new Map<string, Record<string, number>>();
    framework.controls.forEach((control) => {
      const counts = bySection.get(controlSection(control)) ?? { PASS: 0, FAIL: 0, NOT_EVALUATED: 0, MANUAL: 0 };
      counts[control.status]++;
      bySection.set(controlSection(control), counts);
    });
    const automated = framework.controls.filter((c) => c.status === 'PASS' || c.status === 'FAIL');
    const score = automated.length ? Math.round((100 * automated.filter((c) => c.status === 'PASS').length) / automated.length) : 0;
    const rows = framework.controls.map((control: ControlResultInput, c) => {
      const id = `control:${f}:${c}`;
      const resolved = resolve(control.evidenceKeys);
      evidence[id] = { title: `${framework.framework} ${control.id} ${control.title}`, evidence: resolved };
      const count = resolved.entities.length + resolved.relationships.length;
      return [
        escapeHtml(control.id),
        escapeHtml(control.title),
        `<span class="status ${STATUS_CLASS[control.status]}">${control.status}</span>`,
        escapeHtml(control.reason ?? ''),
        `${number(control.evidenceKeys.length)} ${evidenceButton(id, count)}${resolved.missing.length ? ` <span class="note">${resolved.missing.length} not in this snapshot</span>` : ''}`,
      ];
    });
    const sections = [...bySection].map(([name, counts]) => ({
      name: `Section ${name}`,
      parts: [
        { name: 'pass', count: counts.PASS, className: 'pass-fill' },
        { name: 'fail', count: counts.FAIL, className: 'fail-fill' },
        { name: 'not evaluated', count: counts.NOT_EVALUATED, className: 'not-evaluated-fill' },
        { name: 'manual', count: counts.MANUAL, className: 'manual-fill' },
      ],
    }));
    return `<h3>${escapeHtml(framework.title ?? framework.framework)}: ${score}% of automated controls pass</h3>
${stackedBarChart('Compliance by section', sections)}
${table(['Control', 'Title', 'Status', 'Reason', 'Evidence'], rows, 'controls')}`;
  });
  return `<section id="compliance"><h2>Compliance</h2>${parts.join('\n')}</section>`;
}

function alertsSection(alerts: AlertInput[] | undefined, evidence: PageData['evidence'], resolve: EncodedGraph['resolve']): string {
  if (!alerts) return `<section id="alerts"><h2>Alerts</h2><p class="not-evaluated">Alerts: not evaluated in this report.</p></section>`;
  const byState = (state: AlertInput['state']) => alerts.map((alert, index) => ({ alert, index })).filter(({ alert }) => alert.state === state);
  const group = (state: AlertInput['state'], heading: string) => {
    const rows = byState(state).map(({ alert, index }) => {
      const id = `alert:${index}`;
      const resolved = resolve(alert.evidenceKeys);
      evidence[id] = { title: `${alert.rule} (${alert.level}, ${alert.state})`, evidence: resolved };
      return [
        `<span class="level level-${alert.level.toLowerCase()}">${alert.level}</span>`,
        escapeHtml(alert.rule),
        escapeHtml(alert.title ?? ''),
        `${number(alert.evidenceKeys.length)} ${evidenceButton(id, resolved.entities.length + resolved.relationships.length)}`,
      ];
    });
    return `<h3>${heading} (${rows.length})</h3>${rows.length ? table(['Level', 'Rule', 'Title', 'Evidence'], rows, `alerts-${state.toLowerCase()}`) : '<p class="ok">None.</p>'}`;
  };
  return `<section id="alerts"><h2>Alerts</h2>${group('NEW', 'New')}${group('ONGOING', 'Ongoing')}${group('RESOLVED', 'Resolved')}</section>`;
}

function savedQueriesList(queries: PageData['savedQueries']): string {
  if (!queries.length) return '<p class="note">No saved queries.</p>';
  return `<ul id="saved-queries">${queries
    .map(
      (q, i) =>
        `<li><button class="run-query" data-query="${i}" title="${escapeHtml(q.query)}">${escapeHtml(q.title)}</button> <span class="note">${
          q.type === 'error' ? `error: ${escapeHtml(q.error ?? '')}` : `${number(q.total)} result${q.total === 1 ? '' : 's'}`
        }</span></li>`,
    )
    .join('')}</ul>`;
}

const EXPLORER = `<section id="explorer"><h2>Graph explorer</h2>
<div class="explorer">
<aside class="controls">
<label>Search entities by name, key or type<input id="search" type="search" placeholder="e.g. sg-0a12, aws_s3_bucket, prod" autocomplete="off"></label>
<div class="filters">
<label>Class <select id="filter-class"><option value="">any</option></select></label>
<label>Type <select id="filter-type"><option value="">any</option></select></label>
<label>Account <select id="filter-account"><option value="">any</option></select></label>
</div>
<p id="search-status" class="note"></p>
<ol id="search-results"></ol>
<h3>Saved J1QL queries</h3>
__SAVED__
<div id="query-rows"></div>
</aside>
<div class="canvas-column">
<div class="toolbar"><span id="graph-title">Nothing shown yet: search, run a saved query or open evidence.</span>
<button id="layout">Lay out</button><button id="clear">Clear</button></div>
<div id="graph" aria-label="graph"></div>
<details id="shown-list"><summary id="shown-summary">Shown: 0 entities, 0 relationships</summary><ul id="shown"></ul></details>
</div>
<aside class="details">
<div id="selection"><p class="note">Select a node or an edge to see its properties and expand its neighbours.</p></div>
</aside>
</div>
</section>`;

export interface RenderOptions {
  title?: string;
}

export function renderReport(model: ReportModel, graph: EncodedGraph, options: RenderOptions = {}): string {
  const evidence: PageData['evidence'] = {};
  const present = (key: string) => graph.resolve([key]).entities.length > 0;
  const compliance = complianceSection(model.inputs.compliance, evidence, graph.resolve);
  const alerts = alertsSection(model.inputs.alerts, evidence, graph.resolve);
  const savedQueries: PageData['savedQueries'] = model.savedQueries.map(({ vertexKeys, edgeKeys, ...rest }) => ({
    ...rest,
    evidence: graph.resolve([...vertexKeys, ...edgeKeys]),
  }));
  const page: PageData = { savedQueries, evidence, entityChunks: graph.entityChunks.length, relationshipChunks: graph.relationshipChunks.length };
  const title = options.title ?? `AWS organization graph report, ${model.overview.endedAt}`;
  const chunkScripts = [
    ...graph.entityChunks.map((chunk, i) => `<script type="application/x-gzip-base64" id="entities-${i}">${chunk}</script>`),
    ...graph.relationshipChunks.map((chunk, i) => `<script type="application/x-gzip-base64" id="relationships-${i}">${chunk}</script>`),
  ].join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="aws-org-graph">
<title>${escapeHtml(title)}</title>
<style>${asset('report.css')}</style>
</head><body>
<header><h1>${escapeHtml(title)}</h1><p class="note">Generated ${escapeHtml(model.generatedAt)}. Works offline: everything is in this file.</p>
<nav><a href="#overview">Overview</a><a href="#health">Health</a><a href="#changes">Changes</a><a href="#compliance">Compliance</a><a href="#alerts">Alerts</a><a href="#explorer">Explorer</a></nav></header>
<main>
${overviewSection(model)}
${healthSection(model)}
${changesSection(model, present)}
${compliance}
${alerts}
${EXPLORER.replace('__SAVED__', savedQueriesList(savedQueries))}
</main>
<script type="application/json" id="report-data">${jsonForScript(page)}</script>
<script type="application/x-gzip-base64" id="graph-index">${graph.index}</script>
${chunkScripts}
<script>${scriptText(cytoscapeSource())}</script>
<script>${scriptText(asset('explorer.js'))}</script>
</body></html>
`;
}
