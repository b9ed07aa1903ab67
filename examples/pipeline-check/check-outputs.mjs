#!/usr/bin/env node
// Fails a pipeline job when an ingestion went wrong: errors in the run, an entity count that
// dropped by more than a threshold since the previous run, new alerts of the levels that gate
// (HIGH and CRITICAL by default), or compliance controls that newly fail. Reads the stack outputs of an
// aws-org-graph stack (`pulumi stack output --json`) from a file or stdin. No dependencies.
//
//   pulumi stack output --json > outputs.json
//   node check-outputs.mjs --current outputs.json --previous previous-outputs.json
//   pulumi stack output --json | node check-outputs.mjs --previous previous-outputs.json --max-drop 20
//
// Exit status: 0 passed, 1 failed (the reasons are printed), 2 bad usage or unreadable outputs.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const USAGE = `usage: check-outputs.mjs [--current <file>|-] [--previous <file>] [options]

  --current <file>       outputs of this run (pulumi stack output --json); "-" or omitted: stdin
  --previous <file>      outputs of the previous run, to compare entity counts with
  --max-drop <percent>   largest allowed drop of an entity type's count (default 10)
  --min-drop <count>     drops smaller than this many entities are allowed (default 1)
  --max-errors <n>       largest allowed errorCount (default 0)
  --ignore-type <type>   do not compare this entity type (repeatable)
  --fail-on-stale        also fail when some types could not be refreshed (typesNotRefreshed)
  --alert-levels <list>  fail on NEW alerts of these levels (default HIGH,CRITICAL; "none": never)
  --max-age <minutes>    fail when the ingestion started longer ago than this (an update that
                         did not re-ingest, e.g. pulumi up --target without the ingestion)
  --min-compliance-score <percent>
                         fail when a framework's compliance score is below this
  --allow-compliance-regression
                         only warn when controls that passed before now fail
  --json                 print the result as JSON
`;

class UsageError extends Error {}

function number(value, name, { min = 0 } = {}) {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < min) throw new UsageError(`${name} must be a number >= ${min} (got ${JSON.stringify(value)})`);
  return parsed;
}

function alertLevels(value) {
  if (value.trim().toLowerCase() === 'none') return [];
  const levels = value
    .split(',')
    .map((level) => level.trim().toUpperCase())
    .filter(Boolean);
  const unknown = levels.filter((level) => !LEVELS.includes(level));
  if (unknown.length || !levels.length)
    throw new UsageError(`--alert-levels: ${unknown.join(', ') || '(empty)'} is not a level (${LEVELS.join(', ')}, or none)`);
  return levels;
}

function readOutputs(file, label) {
  let text;
  try {
    text = file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`${label}: cannot read ${file === '-' ? 'stdin' : file} (${error.code ?? error.message})`);
  }
  let outputs;
  try {
    outputs = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${label}: not JSON (${error.message}); pass the output of \`pulumi stack output --json\``);
  }
  if (!outputs || typeof outputs !== 'object' || !outputs.entityCounts || typeof outputs.entityCounts !== 'object') {
    throw new UsageError(`${label}: no entityCounts: not the outputs of an aws-org-graph stack (or the last update failed before any ingestion)`);
  }
  return outputs;
}

/** The checks, as data: every failure and warning with its reason. */
function checkOutputs(current, previous, options) {
  const failures = [];
  const warnings = [];
  const errorCount = typeof current.errorCount === 'number' ? current.errorCount : (current.errors ?? []).length;
  if (errorCount > options.maxErrors) {
    const sample = (current.errors ?? [])
      .slice(0, 5)
      .map((e) => `${e.account} ${e.region} ${e.service}${e.operation ? ` ${e.operation}` : ''}: ${e.code}: ${e.message}`);
    failures.push({ check: 'errors', reason: `${errorCount} error(s) in the ingestion (allowed: ${options.maxErrors})`, details: sample });
  }
  const stale = current.typesNotRefreshed ?? [];
  if (stale.length) {
    const entry = { check: 'stale', reason: `${stale.length} type(s) not refreshed, carried from the previous snapshot: ${stale.join(', ')}` };
    (options.failOnStale ? failures : warnings).push(entry);
  }
  if (options.maxAgeMinutes !== undefined) {
    const started = Date.parse(current.startedAt ?? '');
    const age = (options.now - started) / 60_000;
    if (!Number.isFinite(started)) failures.push({ check: 'age', reason: 'no startedAt in the outputs: cannot tell when the ingestion ran' });
    else if (age > options.maxAgeMinutes) {
      failures.push({
        check: 'age',
        reason: `the ingestion started ${Math.round(age)} minutes ago (${current.startedAt}), more than ${options.maxAgeMinutes}: this update did not re-ingest`,
      });
    }
  }
  const drops = [];
  if (previous) {
    const ignored = new Set(options.ignoreTypes);
    for (const [type, before] of Object.entries(previous.entityCounts)) {
      if (ignored.has(type) || typeof before !== 'number' || before <= 0) continue;
      const after = current.entityCounts[type] ?? 0;
      const dropped = before - after;
      const percent = (dropped / before) * 100;
      if (dropped >= options.minDrop && percent > options.maxDrop) {
        drops.push({ type, before, after, percent: Math.round(percent * 10) / 10 });
      }
    }
    if (drops.length) {
      failures.push({
        check: 'drop',
        reason: `${drops.length} entity type(s) dropped by more than ${options.maxDrop}%`,
        details: drops.map((d) => `${d.type}: ${d.before} -> ${d.after} (-${d.percent}%)`),
      });
    }
  } else {
    warnings.push({ check: 'drop', reason: 'no previous outputs: entity counts not compared' });
  }
  const newAlerts = checkAlerts(current, options, failures, warnings);
  const compliance = checkCompliance(current, previous, options);
  failures.push(...compliance.failures);
  warnings.push(...compliance.warnings);
  return { passed: failures.length === 0, failures, warnings, drops, errorCount, newAlerts, complianceRegressions: compliance.regressions };
}

/**
 * Compliance gate (the `compliance` output: per framework, score and failing control ids). A
 * regression is a control failing now that did not fail in the previous outputs.
 */
function checkCompliance(current, previous, options) {
  const failures = [];
  const warnings = [];
  const regressions = [];
  const frameworks = Array.isArray(current.compliance) ? current.compliance : [];
  const before = new Map((Array.isArray(previous?.compliance) ? previous.compliance : []).map((entry) => [entry.framework, entry]));
  for (const entry of frameworks) {
    if (options.minComplianceScore !== undefined && (entry.score === null || entry.score < options.minComplianceScore)) {
      failures.push({
        check: 'compliance-score',
        reason: `${entry.framework} compliance score ${entry.score ?? 'n/a'}% is below ${options.minComplianceScore}%`,
      });
    }
    const old = before.get(entry.framework);
    if (!previous) continue;
    if (!old) {
      warnings.push({ check: 'compliance', reason: `${entry.framework}: not in the previous outputs, failing controls not compared` });
      continue;
    }
    const failedBefore = new Set(old.failing ?? []);
    const newlyFailing = (entry.failing ?? []).filter((id) => !failedBefore.has(id));
    if (newlyFailing.length) {
      regressions.push({ framework: entry.framework, controls: newlyFailing, scoreBefore: old.score ?? null, scoreAfter: entry.score ?? null });
      const item = {
        check: 'compliance',
        reason: `${entry.framework}: ${newlyFailing.length} control(s) newly failing (score ${old.score ?? 'n/a'}% -> ${entry.score ?? 'n/a'}%)`,
        details: newlyFailing,
      };
      (options.allowComplianceRegression ? warnings : failures).push(item);
    }
  }
  if (previous && frameworks.length === 0) warnings.push({ check: 'compliance', reason: 'no compliance output: compliance not compared' });
  return { failures, warnings, regressions };
}

const LEVELS = ['INFO', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

/** New alerts of the gating levels (the `alerts` output: counts by level and the first new ones). */
function checkAlerts(current, options, failures, warnings) {
  const alerts = current.alerts;
  if (!options.alertLevels.length) return 0;
  if (!alerts) {
    warnings.push({ check: 'alerts', reason: 'no alerts in the outputs: alert rules not evaluated' });
    return 0;
  }
  if (alerts.error) {
    warnings.push({ check: 'alerts', reason: `alert rules could not be evaluated: ${alerts.error}` });
    return 0;
  }
  const count = options.alertLevels.reduce((sum, level) => sum + (alerts.newByLevel?.[level] ?? 0), 0);
  if (count > 0) {
    failures.push({
      check: 'alerts',
      reason: `${count} new ${options.alertLevels.join('/')} alert(s)`,
      details: (alerts.new ?? [])
        .filter((alert) => options.alertLevels.includes(alert.alertLevel))
        .map((alert) => `${alert.alertLevel} ${alert.rule}: ${alert.displayName ?? alert.key}`),
    });
  }
  return count;
}

function main(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      current: { type: 'string' },
      previous: { type: 'string' },
      'max-drop': { type: 'string', default: '10' },
      'min-drop': { type: 'string', default: '1' },
      'max-errors': { type: 'string', default: '0' },
      'ignore-type': { type: 'string', multiple: true, default: [] },
      'fail-on-stale': { type: 'boolean', default: false },
      'alert-levels': { type: 'string', default: 'HIGH,CRITICAL' },
      'max-age': { type: 'string' },
      'min-compliance-score': { type: 'string' },
      'allow-compliance-regression': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const options = {
    maxDrop: number(values['max-drop'], '--max-drop'),
    minDrop: number(values['min-drop'], '--min-drop', { min: 1 }),
    maxErrors: number(values['max-errors'], '--max-errors'),
    ignoreTypes: values['ignore-type'],
    failOnStale: values['fail-on-stale'],
    alertLevels: alertLevels(values['alert-levels']),
    maxAgeMinutes: values['max-age'] === undefined ? undefined : number(values['max-age'], '--max-age'),
    now: Date.now(),
    minComplianceScore: values['min-compliance-score'] === undefined ? undefined : number(values['min-compliance-score'], '--min-compliance-score'),
    allowComplianceRegression: values['allow-compliance-regression'],
  };
  const current = readOutputs(values.current ?? '-', 'current outputs');
  const previous = values.previous ? readOutputs(values.previous, 'previous outputs') : undefined;
  const result = checkOutputs(current, previous, options);
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    const total = current.totals?.entities;
    process.stdout.write(
      `aws-org-graph outputs: ${total ?? '?'} entities, ${result.errorCount} error(s)${current.snapshot?.uri ? `, snapshot ${current.snapshot.uri}` : ''}\n`,
    );
    for (const warning of result.warnings) process.stdout.write(`warning: ${warning.reason}\n`);
    for (const failure of result.failures) {
      process.stdout.write(`FAIL: ${failure.reason}\n`);
      for (const detail of failure.details ?? []) process.stdout.write(`  ${detail}\n`);
    }
    process.stdout.write(result.passed ? 'passed\n' : 'failed\n');
  }
  return result.passed ? 0 : 1;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  const usage = error instanceof UsageError || error?.code?.startsWith?.('ERR_PARSE_ARGS');
  process.stderr.write(`check-outputs: ${error.message}\n${usage ? `\n${USAGE}` : ''}`);
  process.exitCode = 2;
}
