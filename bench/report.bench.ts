/**
 * The HTML report at organization scale (not a test): a generated organization is ingested (no
 * call latency: only the snapshot matters here), the report is built from its snapshot, and opened
 * in headless Chromium (Debian's package, as the browser tests): size of the file, time to build
 * it, time until the explorer is ready, and time for a search to answer.
 *
 *   npm run bench -- report [--sizes demo,50,200] [--json]
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadSimulatedWorld } from '../src/sim/load-world';
import { ingest } from '../src/ingest';
import { writeReport } from '../src/report';
import { allSimulators } from '../src/services';
import { generateWorld } from '../src/sim/generate';
import { SnapshotStore } from '../src/snapshot/store';
import { launchChromium } from '../test/report/browser';
import { benchMain, measureInChild } from './child';

export interface ReportMeasurement {
  size: string;
  entities: number;
  relationships: number;
  snapshotMb: number;
  reportMb: number;
  buildMs: number;
  /** Navigation start to the page's load event (HTML parsed, inline scripts run). */
  loadEventMs: number;
  /** Navigation start to the explorer ready (index decoded, search and adjacency built). */
  readyMs: number;
  /** Of which: the script decoding the index, then building search and adjacency from it. */
  decodeMs: number;
  indexMs: number;
  /** A search typed and its results listed (Enter to the list in the DOM), as the user sees it. */
  searchMs: number;
  /** The same search's scan inside the page. */
  searchScanMs: number;
  /** Selecting the Internet and expanding its in-coming ALLOWS (capped at 100 neighbours), laid out. */
  expandMs: number;
  peakRssMb: number;
}

function option(args: readonly string[], name: string): string | undefined {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
}

async function measure(args: string[]): Promise<ReportMeasurement> {
  const size = args[0];
  const directory = mkdtempSync(path.join(tmpdir(), 'orggraph-report-bench-'));
  try {
    const world =
      size === 'demo'
        ? loadSimulatedWorld(true)
        : generateWorld(
            { accounts: Number(size), regions: 16, resourcesPerRegion: 20, mix: 'realistic', latencyMs: 0, throttling: false, seed: 42 },
            allSimulators(),
          );
    await ingest({ simulate: world, config: { outputDir: directory } });
    const store = new SnapshotStore(directory);
    const latest = (await store.latest())?.absolutePath;
    if (!latest) throw new Error('no snapshot written');
    const out = path.join(directory, 'report.html');
    const started = performance.now();
    const built = await writeReport(out, { snapshotFile: latest, retained: await store.list() });
    const buildMs = performance.now() - started;

    const chromium = await launchChromium();
    try {
      const page = await chromium.context.newPage();
      await page.goto(pathToFileURL(out).href, { timeout: 120_000 });
      await page.waitForSelector('body[data-explorer="ready"]', { timeout: 120_000 });
      const loadEventMs = await page.evaluate<number>(`performance.getEntriesByType('navigation')[0].loadEventEnd`);
      const readyMs = Number(await page.getAttribute('body', 'data-explorer-ready-ms'));
      const decodeMs = Number(await page.getAttribute('body', 'data-explorer-decode-ms'));
      const indexMs = Number(await page.getAttribute('body', 'data-explorer-index-ms'));
      await page.fill('#search', 'sg-');
      const searchStart = performance.now();
      await page.press('#search', 'Enter');
      await page.waitForSelector('#search-results li');
      const searchMs = performance.now() - searchStart;
      const searchScanMs = await page.evaluate<number>(`(() => {
        const input = document.getElementById('search');
        input.value = 'aws_s3_bucket';
        const start = performance.now();
        input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));
        return performance.now() - start;
      })()`);
      await page.fill('#search', 'global:internet');
      await page.press('#search', 'Enter');
      await page.click('#search-results li[title="global:internet"]');
      const expandStart = performance.now();
      await page.click('.expand-button[data-verb="ALLOWS"][data-direction="in"]');
      await page.waitForSelector('#expand-status:not(:empty)');
      const expandMs = performance.now() - expandStart;
      return {
        size,
        entities: built.stats.entities,
        relationships: built.stats.relationships,
        snapshotMb: statSync(latest).size / 1e6,
        reportMb: built.stats.bytes / 1e6,
        buildMs,
        loadEventMs,
        readyMs,
        decodeMs,
        indexMs,
        searchMs,
        searchScanMs,
        expandMs,
        peakRssMb: process.resourceUsage().maxRSS / 1024,
      };
    } finally {
      await chromium.close();
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

export async function run(): Promise<ReportMeasurement[]> {
  const args = process.argv.slice(2);
  const sizes = (option(args, 'sizes') ?? 'demo,50,200').split(',');
  const results: ReportMeasurement[] = [];
  for (const size of sizes) {
    const result = await measureInChild<ReportMeasurement>(__filename, [size]);
    results.push(result);
    if (!args.includes('--json')) {
      const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
      console.log(
        `${size}: ${result.entities.toLocaleString('en-US')} entities, snapshot ${result.snapshotMb.toFixed(1)} MB, report ${result.reportMb.toFixed(1)} MB built in ${s(result.buildMs)}; ` +
          `load event ${s(result.loadEventMs)}, explorer ready ${s(result.readyMs)} (decode ${result.decodeMs} ms, index ${result.indexMs} ms), search ${s(result.searchMs)} (scan ${result.searchScanMs.toFixed(0)} ms), expand ${s(result.expandMs)}; peak RSS ${result.peakRssMb.toFixed(0)} MB`,
      );
    }
  }
  if (args.includes('--json')) console.log(JSON.stringify(results, null, 2));
  return results;
}

if (require.main === module) benchMain(measure, run);
