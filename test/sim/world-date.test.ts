import Ajv from 'ajv';
import test from 'ava';
import { daysAgo, startOfToday, WORLD_DATE_SCHEMA, worldDate } from '../../src/sim/world-date';

const DAY_MS = 86_400_000;

test('an ISO date is absolute and "N days ago" counts back from midnight UTC of today', (t) => {
  t.is(worldDate('2021-03-01T10:00:00Z').toISOString(), '2021-03-01T10:00:00.000Z');
  const midnight = startOfToday();
  t.is(new Date(midnight).toISOString().slice(11), '00:00:00.000Z');
  t.true(Date.now() - midnight < DAY_MS && Date.now() >= midnight);
  t.is(worldDate('30 days ago').getTime(), midnight - 30 * DAY_MS);
  t.is(worldDate('1 day ago').getTime(), midnight - DAY_MS);
  t.is(worldDate('0 days ago').getTime(), midnight);
  t.is(worldDate(daysAgo(45)).getTime(), midnight - 45 * DAY_MS);
});

test('the world schema accepts both spellings and refuses others', (t) => {
  const ajv = new Ajv({ strict: false });
  ajv.addFormat('date-time', { type: 'string', validate: (value: string) => !Number.isNaN(Date.parse(value)) });
  const valid = ajv.compile(WORLD_DATE_SCHEMA);
  for (const good of ['2021-03-01T10:00:00Z', '90 days ago', '1 day ago', daysAgo(7)]) t.true(valid(good), good);
  for (const bad of ['last week', '-3 days ago', '3 days', 'days ago', '']) t.false(valid(bad), bad);
});
