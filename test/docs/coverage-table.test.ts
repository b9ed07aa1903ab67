import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import test from 'ava';
import { parse } from 'yaml';
import { coverageMarkdown, withCoverage } from '../../src/docs/coverage-table';
import { allCollectors, serviceModules } from '../../src/services';
import { builtinWorld, graphIssues, simulate } from '../helpers/simulate';

/** The seed's data model, normalized (a copy of the project specification). */
interface DataModel {
  entities: Array<{ service: string; _type: string; _class: string[] }>;
  relationships: Array<{ kind: string; from: string; verb: string; to: string }>;
}
const model = parse(readFileSync(path.join(__dirname, '..', '..', 'docs', 'spec', 'data-model.yaml'), 'utf8')) as DataModel;

const implementedServices = new Set(serviceModules.map((m) => m.service));
const serviceEntityTypes = serviceModules.filter((m) => m.service !== 'account').map((m) => `aws_${m.service}`);
const seedTypes = model.entities.filter((e) => implementedServices.has(e.service));
const knownTypes = new Set([...seedTypes.map((e) => e._type), ...serviceEntityTypes]);

/** `aws_eni or aws_eip` -> both; `aws_account (master)` -> aws_account; `Service (e.g. ...)` -> the service entities. */
function endTypes(text: string): string[] | undefined {
  if (text.startsWith('Service (')) return serviceEntityTypes;
  const types = text
    .replace(/\s*\(.*\)$/, '')
    .split(/\s+or\s+/)
    .map((t) => t.trim().replace('aws_efs_mount_point', 'aws_efs_mount_target'));
  return types.every((t) => knownTypes.has(t)) ? types : undefined;
}

const seedLines = model.relationships.flatMap((line) => {
  const from = endTypes(line.from);
  const to = endTypes(line.to);
  return from && to ? [{ line: `${line.from} ${line.verb} ${line.to}`, from, to, verbs: line.verb.split('|') }] : [];
});

test('every seed entity type of the implemented services is declared with the seed classes', (t) => {
  const declared = new Map(allCollectors().flatMap((c) => c.entities.map((e) => [e._type, e._class] as const)));
  for (const entity of seedTypes) {
    t.deepEqual(declared.get(entity._type), entity._class, `${entity._type} is declared with classes ${entity._class.join(', ')}`);
  }
  t.true(seedTypes.length >= 1 + 11 + 15 + 2 + 1);
});

test('the simulated organization produces every seed type and seed relationship of the implemented services, all valid', async (t) => {
  const { graph, summary } = await simulate(builtinWorld());
  for (const entity of seedTypes) t.true((summary.counts.entities[entity._type] ?? 0) > 0, `no ${entity._type} in the simulated snapshot`);
  const present = new Set<string>();
  for (const relationship of graph.allRelationships()) {
    const from = graph.getEntity(relationship._fromEntityKey);
    const to = graph.getEntity(relationship._toEntityKey);
    if (from && to) present.add(`${from._type} ${relationship._class} ${to._type}`);
  }
  const declared = new Set(
    allCollectors().flatMap((c) => c.relationships.flatMap((r) => (Array.isArray(r.to) ? r.to : [r.to]).map((to) => `${r.from} ${r.verb} ${to}`))),
  );
  for (const seed of seedLines) {
    const combos = seed.from.flatMap((from) => seed.to.flatMap((to) => seed.verbs.map((verb) => `${from} ${verb} ${to}`)));
    t.true(
      combos.some((combo) => present.has(combo)),
      `seed relationship "${seed.line}" is missing from the simulated snapshot`,
    );
    t.true(
      combos.some((combo) => declared.has(combo)),
      `seed relationship "${seed.line}" is not declared by any collector`,
    );
  }
  t.deepEqual(graphIssues(graph), []);
});

test('every relationship in the simulated snapshot is declared by its collector', async (t) => {
  const { graph } = await simulate(builtinWorld());
  const declaredBy = new Map<string, Set<string>>();
  for (const collector of allCollectors()) {
    const set = new Set<string>();
    for (const r of collector.relationships) for (const to of Array.isArray(r.to) ? r.to : [r.to]) set.add(`${r.from} ${r.verb} ${to}`);
    declaredBy.set(collector.id, set);
  }
  const undeclared = new Set<string>();
  for (const relationship of graph.allRelationships()) {
    const from = graph.getEntity(relationship._fromEntityKey);
    const to = graph.getEntity(relationship._toEntityKey);
    const label = `${from?._type} ${relationship._class} ${to?._type}`;
    if (!declaredBy.get(relationship._collector ?? '')?.has(label)) undeclared.add(`${relationship._collector}: ${label}`);
  }
  t.deepEqual([...undeclared].sort(), []);
  const declaredTypes = new Map(allCollectors().map((c) => [c.id, new Set(c.entities.map((e) => e._type))]));
  const strays = [...graph.allEntities()].filter((e) => e._source !== 'system-mapper' && !declaredTypes.get(e._collector ?? '')?.has(e._type));
  t.deepEqual(
    strays.map((e) => `${e._collector}: ${e._type}`),
    [],
  );
});

test('the README coverage table is the one generated from the declarations', (t) => {
  const readme = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  t.is(withCoverage(readme), readme, 'run `npm run docs` to regenerate the README coverage table');
  t.true(readme.includes(coverageMarkdown()));
});

test('what collectors set on entities they do not own is declared in their `enriches`, and every declared property is set', async (t) => {
  const enriching = allCollectors().filter((collector) => collector.enriches?.length);
  t.true(enriching.length > 0);
  const { graph: full } = await simulate(builtinWorld());
  const { graph: owned } = await simulate(builtinWorld(), { collectors: allCollectors().filter((collector) => !collector.enriches?.length) });
  const declared = enriching.flatMap((collector) => (collector.enriches ?? []).map((e) => ({ ...e, collector: collector.id })));
  const namesOf = (e: (typeof declared)[number]) => [...e.properties, ...(e.derived?.properties ?? [])];
  const matches = (type: string, name: string) =>
    declared.filter((e) => e._type === type && namesOf(e).some((p) => (p.endsWith('.*') ? name.startsWith(p.slice(0, -1)) : p === name)));
  const undeclared = new Set<string>();
  const seen = new Set<string>();
  for (const before of owned.allEntities()) {
    const after = full.getEntity(before._key);
    if (!after) continue;
    for (const name of Object.keys(after)) {
      if (name in before) continue;
      const declaring = matches(after._type, name);
      if (!declaring.length) undeclared.add(`${after._type}.${name}`);
    }
  }
  // Declared properties exist on the simulated organization's entities (some, like `mfaEnabled`, are
  // the owner's too, and set by the enriching collector only when the owner could not read them).
  for (const entity of full.allEntities()) {
    for (const name of Object.keys(entity)) {
      for (const e of matches(entity._type, name)) {
        seen.add(`${e.collector} ${e._type} ${namesOf(e).find((p) => (p.endsWith('.*') ? name.startsWith(p.slice(0, -1)) : p === name))}`);
      }
    }
  }
  t.deepEqual([...undeclared].sort(), [], 'set by a collector on an entity it does not own, and declared by none');
  const unseen = declared.flatMap((e) => namesOf(e).map((p) => `${e.collector} ${e._type} ${p}`)).filter((label) => !seen.has(label));
  t.deepEqual(unseen, [], 'declared, but never set on the simulated organization');
  const ownTypes = new Set(allCollectors().flatMap((collector) => collector.entities.map((e) => e._type)));
  for (const e of declared) t.true(ownTypes.has(e._type), `${e.collector} enriches ${e._type}, which no collector declares`);
});
