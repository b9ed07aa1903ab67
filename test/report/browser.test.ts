/**
 * The demo report in headless Chromium (Debian's package, driven by playwright-core): the sections
 * render, the explorer finds a security group, expands it to the Internet, opens a failing
 * control's evidence, and draws on its canvas. Screenshots go to .orggraph/screenshots/; with
 * ORGGRAPH_UPDATE_DOCS=1 the README's screenshots (docs/images/report-*.png) are rewritten too.
 */
import test from 'ava';
import { copyFileSync, mkdirSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { writeReport, type ReportInputs } from '../../src/report';
import { GraphIndex, runQuery } from '../../src/query';
import { readSnapshot } from '../../src/snapshot/reader';
import { temporaryDirectory } from '../helpers/simulate';
import { chromiumAvailable, CHROMIUM, launchChromium, type LaunchedBrowser } from './browser';
import { demoInputs, demoStore, ROOT, SSH_FROM_INTERNET, type DemoStore } from './fixtures';

// Chromium missing: in CI the tests run and fail on it; elsewhere they are skipped, with the reason.
const browserTest = chromiumAvailable() || process.env.CI === 'true' ? test.serial : test.skip;
if (!chromiumAvailable()) {
  process.stderr.write(`browser tests: no Chromium at ${CHROMIUM} (scripts/ensure-chromium.sh installs it)${process.env.CI === 'true' ? '' : '; skipped'}\n`);
}

const SCREENSHOTS = path.join(ROOT, '.orggraph', 'screenshots');
const DOCS_IMAGES = path.join(ROOT, 'docs', 'images');

let store: DemoStore;
let inputs: ReportInputs;
let reportFile: string;
let chromium: LaunchedBrowser | undefined;
let page: Page;
const pageErrors: string[] = [];

test.before(async () => {
  store = await demoStore();
  inputs = await demoInputs(store.latest, store.deletedBucketKey);
  reportFile = path.join(temporaryDirectory(), 'report.html');
  await writeReport(reportFile, { snapshotFile: store.latest, retained: store.retained, inputs, title: 'Demo organization' });
  if (!chromiumAvailable() && process.env.CI !== 'true') return;
  chromium = await launchChromium();
  page = await chromium.context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  // Offline means offline: any request that is not the file itself or an inline data URL fails the test.
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
    pageErrors.push(`request to ${url}`);
    return route.abort();
  });
  await page.goto(pathToFileURL(reportFile).href);
  await page.waitForSelector('body[data-explorer="ready"]', { timeout: 60_000 });
  mkdirSync(SCREENSHOTS, { recursive: true });
});

test.after.always(async () => {
  await chromium?.close();
});

// Browser-side code is given as text: the project compiles without the DOM library.

/** Pixels drawn on the explorer's canvases (cytoscape draws nodes and edges on stacked canvases). */
const PAINTED_PIXELS = `(() => {
  let painted = 0;
  for (const canvas of document.querySelectorAll('#graph canvas')) {
    const context = canvas.getContext('2d');
    if (!context || canvas.width === 0 || canvas.height === 0) continue;
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
  }
  return painted;
})()`;

function paintedPixels(): Promise<number> {
  return page.evaluate<number>(PAINTED_PIXELS);
}

function shownEntities(): Promise<string[]> {
  return page.evaluate<string[]>('window.orggraphExplorer.shownEntities()');
}

browserTest('the sections render from the snapshot and the inputs, without errors or network requests', async (t) => {
  const snapshot = await readSnapshot(store.latest);
  t.is(await page.textContent('#total-entities'), snapshot.entities.length.toLocaleString('en-US'));
  t.is(await page.locator('.skipped-accounts tbody tr').count(), 2);
  t.regex((await page.textContent('.skipped-accounts')) ?? '', /tagged j1-integration:SKIP.*account status is SUSPENDED/s);
  t.regex((await page.textContent('table.errors')) ?? '', /kms:ListKeys/);
  t.regex(
    (await page.textContent('table.changes')) ?? '',
    new RegExp(`deleted\\s*aws_s3_bucket\\s*${store.deletedBucketKey.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
  );
  t.is(await page.locator('#compliance .status.fail').count(), inputs.compliance?.[0].controls.filter((c) => c.status === 'FAIL').length ?? -1);
  t.is((await page.locator('#compliance svg[aria-label="Compliance by section"] rect').count()) > 0, true);
  t.is(await page.locator('.alerts-new tbody tr').count(), 1);
  t.is(await page.locator('.alerts-resolved tbody tr').count(), 1);
  t.is(
    await page.locator('#search-status').textContent(),
    `${snapshot.entities.length.toLocaleString('en-US')} entities and ${snapshot.relationships.length.toLocaleString('en-US')} relationships indexed.`,
  );
  t.deepEqual(pageErrors, []);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'report-full.png'), fullPage: true });
});

browserTest('search finds a security group by its id; expanding ALLOWS reaches the Internet; properties show', async (t) => {
  const snapshot = await readSnapshot(store.latest);
  // The security group that opens SSH to the Internet, found by the engine, searched by its group id.
  const tree = runQuery(GraphIndex.fromSnapshot(snapshot), SSH_FROM_INTERNET);
  if (tree.type !== 'tree') throw new Error('expected a tree');
  const group = tree.data.vertices.find((vertex) => vertex._type === 'aws_security_group');
  if (!group) throw new Error('the demo has no security group open to SSH');
  await page.fill('#search', String(group.groupId));
  await page.waitForSelector(`#search-results li[title="${group._key}"]`);
  t.is(await page.locator('#search-results li').count(), 1);
  await page.click(`#search-results li[title="${group._key}"]`);
  t.is(await page.textContent('#selected-name'), group.displayName);
  await page.waitForSelector('#properties table');
  t.regex((await page.textContent('#properties')) ?? '', new RegExp(`groupId\\s*${String(group.groupId)}`));
  t.deepEqual(await shownEntities(), [group._key]);

  await page.click('.expand-button[data-verb="ALLOWS"][data-direction="out"]');
  const shown = await shownEntities();
  t.true(shown.includes('global:internet'));
  const allowed = snapshot.relationships.filter((r) => r._fromEntityKey === group._key && r._class === 'ALLOWS').map((r) => r._toEntityKey);
  t.deepEqual([...new Set(shown)].sort(), [...new Set([group._key, ...allowed])].sort());
  t.regex((await page.textContent('#shown')) ?? '', /Internet/);
  t.true((await paintedPixels()) > 500, 'the canvas shows the nodes');
  await page.locator('#explorer').screenshot({ path: path.join(SCREENSHOTS, 'explorer-security-group.png') });
});

browserTest('filters: a type filter with an empty search lists exactly that type', async (t) => {
  const snapshot = await readSnapshot(store.latest);
  const groups = snapshot.entities.filter((entity) => entity._type === 'aws_security_group').length;
  await page.fill('#search', '');
  await page.selectOption('#filter-type', 'aws_security_group');
  await page.waitForFunction(`document.querySelector('#search-status').textContent.includes('match')`);
  t.is(await page.textContent('#search-status'), `${groups} matches`);
  t.is(await page.locator('#search-results li').count(), Math.min(groups, 50));
  await page.selectOption('#filter-type', '');
});

browserTest("a failing control's evidence opens as a subgraph; a saved query opens its RETURN TREE", async (t) => {
  const control = inputs.compliance?.[0].controls[0];
  if (!control) throw new Error('no control');
  t.is(control.status, 'FAIL');
  await page.click('button.open-evidence[data-evidence="control:0:0"]');
  const snapshot = await readSnapshot(store.latest);
  const relationships = new Map(snapshot.relationships.map((r) => [r._key, r]));
  const expected = new Set(control.evidenceKeys.filter((key) => !relationships.has(key)));
  for (const key of control.evidenceKeys) {
    const relationship = relationships.get(key);
    if (relationship) expected.add(relationship._fromEntityKey).add(relationship._toEntityKey);
  }
  t.deepEqual((await shownEntities()).sort(), [...expected].sort());
  t.regex((await page.textContent('#graph-title')) ?? '', /6\.3 No security group allows ingress/);
  t.true((await paintedPixels()) > 500);
  await page.locator('#explorer').screenshot({ path: path.join(SCREENSHOTS, 'explorer-evidence.png') });

  await page.click('button.run-query[data-query="0"]');
  t.regex((await page.textContent('#graph-title')) ?? '', /^Security groups that allow ingress from the Internet: \d+ results?/);
  t.true((await shownEntities()).includes('global:internet'));
  t.deepEqual(pageErrors, []);
});

browserTest('screenshots of the demo report for the README: the explorer on a failing control, and the overview', async (t) => {
  // The failing control's evidence, then what the security group protects and who holds it.
  await page.click('button.open-evidence[data-evidence="control:0:0"]');
  const group = inputs.compliance?.[0].controls[0].evidenceKeys.find((key) => key.includes(':security-group/'));
  if (!group) throw new Error('no security group in the evidence');
  await page.fill('#search', group);
  await page.click(`#search-results li[title="${group}"]`);
  await page.click('.expand-button[data-verb="PROTECTS"][data-direction="out"]');
  await page.click('.expand-button[data-verb="HAS"][data-direction="in"]');
  t.true((await shownEntities()).length >= 4);
  const explorer = path.join(SCREENSHOTS, 'report-demo.png');
  await page.locator('#explorer').screenshot({ path: explorer });
  await page.evaluate('window.scrollTo(0, 0)');
  const overview = path.join(SCREENSHOTS, 'report-overview.png');
  await page.screenshot({ path: overview });
  for (const file of [explorer, overview]) t.is((await fs.readFile(file)).subarray(1, 4).toString(), 'PNG');
  if (process.env.ORGGRAPH_UPDATE_DOCS === '1') {
    mkdirSync(DOCS_IMAGES, { recursive: true });
    copyFileSync(explorer, path.join(DOCS_IMAGES, 'report-demo.png'));
    copyFileSync(overview, path.join(DOCS_IMAGES, 'report-overview.png'));
  }
});
