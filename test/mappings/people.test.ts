import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import test from 'ava';
import { domainZoneMappings, recordConnections } from '../../src/analysis/domains';
import { checkPeople, loadPeopleFile, personEntity, userAddresses } from '../../src/analysis/people';
import { ConfigError } from '../../src/config';
import { createEntity, validateEntity } from '../../src/graph';
import { temporaryDirectory } from '../helpers/simulate';
import { ACCOUNT, accountGraph, edgesFrom, put, runMapping, user } from './helpers';

const PEOPLE = [
  { name: 'Alice Example', email: 'Alice@Acme.example' },
  { name: 'Bob Builder', email: 'bob@acme.example' },
  { name: 'Nobody', email: 'nobody@acme.example' },
];

function peopleFile(text: string): string {
  const file = path.join(temporaryDirectory('orggraph-people-'), 'people.yaml');
  writeFileSync(file, text);
  return file;
}

test('users are Persons by Email tag or by a user name that is an address, case-insensitively', async (t) => {
  const graph = accountGraph();
  const alice = put(graph, user('ALICE@acme.example'));
  const bob = put(graph, user('bob', { tags: { Email: 'Bob@ACME.example' } }));
  const robot = put(graph, user('deploy-bot', { tags: { owner: 'platform@acme.example' } }));
  const stranger = put(graph, user('carol', { tags: { email: 'carol@elsewhere.example' } }));
  await runMapping(graph, 'mappings-people', { people: PEOPLE });

  const aliceIs = edgesFrom(graph, alice._key, 'IS');
  t.is(aliceIs.length, 1);
  t.is(aliceIs[0]._toEntityKey, 'person:alice@acme.example');
  t.is(aliceIs[0]._type, 'aws_iam_user_is_person');
  t.is(aliceIs[0].matchedBy, 'username');
  const bobIs = edgesFrom(graph, bob._key, 'IS');
  t.is(bobIs[0]?._toEntityKey, 'person:bob@acme.example');
  t.is(bobIs[0]?.matchedBy, 'email');
  t.deepEqual(edgesFrom(graph, robot._key, 'IS'), [], 'an owner tag is not the user');
  t.deepEqual(edgesFrom(graph, stranger._key, 'IS'), [], 'not in the people file');

  const person = graph.getEntity('person:alice@acme.example');
  t.is(person?._type, 'person');
  t.deepEqual(person?._class, ['Person']);
  t.is(person?._source, 'system-mapper');
  t.deepEqual(person?.email, ['alice@acme.example']);
  t.is(person?.firstName, 'Alice');
  t.is(person?.lastName, 'Example');
  t.truthy(graph.getEntity('person:nobody@acme.example'), 'people without an IAM user are in the graph too');
  for (const entity of graph.entitiesOfType('person')) t.deepEqual(validateEntity(entity), []);
});

test('without a people file the people collector does nothing', async (t) => {
  const graph = accountGraph();
  put(graph, user('alice@acme.example'));
  await runMapping(graph, 'mappings-people');
  t.deepEqual(graph.entitiesOfType('person'), []);
  t.deepEqual([...graph.allRelationships()], []);
});

test('user addresses come from the email property, the Email tag and email-shaped user names', (t) => {
  const entity = user('dave@acme.example', { tags: { EMAIL: 'Dave.Work@acme.example' } });
  t.deepEqual(userAddresses(entity), [
    { email: 'dave.work@acme.example', matchedBy: 'email' },
    { email: 'dave@acme.example', matchedBy: 'username' },
  ]);
});

test('a people file is read and validated', (t) => {
  const file = peopleFile('- name: Alice Example\n  email: alice@acme.example\n- { name: Bob, email: bob@acme.example }\n');
  t.deepEqual(loadPeopleFile(file), [
    { name: 'Alice Example', email: 'alice@acme.example' },
    { name: 'Bob', email: 'bob@acme.example' },
  ]);
  t.deepEqual(loadPeopleFile(peopleFile('')), []);
});

test('a bad people file gets an error naming the file, the place and the problem', (t) => {
  const bad = peopleFile(
    '- name: Alice\n  email: alice@acme.example\n- name: Bob\n  email: "bob@"\n- email: carol@acme.example\n- name: Dan\n  email: dan@acme.example\n  team: web\n',
  );
  const error = t.throws(() => loadPeopleFile(bad), { instanceOf: ConfigError });
  t.true(error?.message.startsWith(`${bad}: invalid people file: `));
  t.regex(error?.message ?? '', /\[1\]\.email: must match format "email" \(got "bob@"\)/);
  t.regex(error?.message ?? '', /\[2\]: missing name/);
  t.regex(error?.message ?? '', /\[3\]: unknown property "team"/);

  t.throws(() => checkPeople({ name: 'Alice', email: 'alice@acme.example' }, 'people.yaml'), {
    message: 'people.yaml: invalid people file: (top level): must be a list of { name, email }',
  });
  t.throws(
    () =>
      checkPeople(
        [
          { name: 'A', email: 'a@x.example' },
          { name: 'B', email: 'A@X.example' },
        ],
        'people.yaml',
      ),
    {
      message: 'people.yaml: invalid people file: [1].email: A@X.example is already the email of [0]',
    },
  );
  t.throws(() => loadPeopleFile(peopleFile('- name: [unclosed\n')), { message: /people\.yaml: people file is not valid YAML/ });
  t.throws(() => loadPeopleFile('/nonexistent/people.yaml'), { message: '/nonexistent/people.yaml: cannot read the people file (ENOENT)' });
});

test('a person entity is valid against the data model', (t) => {
  t.deepEqual(validateEntity(personEntity({ name: 'Cher', email: 'cher@acme.example' })), []);
});

test('Route 53 hooks: Domain HAS zone, record CONNECTS host (not wired until the Route 53 collectors exist)', (t) => {
  const zone = createEntity({
    _key: 'arn:aws:route53:::hostedzone/Z1',
    _type: 'aws_route53_zone',
    _class: ['DomainZone'],
    name: 'acme.example.',
    properties: { domainName: 'acme.example.' },
  });
  const privateZone = createEntity({
    _key: 'arn:aws:route53:::hostedzone/Z2',
    _type: 'aws_route53_zone',
    _class: ['DomainZone'],
    name: 'internal.',
    properties: { privateZone: true },
  });
  const { entities, relationships } = domainZoneMappings([zone, privateZone]);
  t.deepEqual(
    entities.map((e) => [e._key, e._type, e.domainName, e._source]),
    [['domain:acme.example', 'domain', 'acme.example', 'system-mapper']],
  );
  t.deepEqual(
    relationships.map((r) => [r._fromEntityKey, r._class, r._toEntityKey, r._type]),
    [['domain:acme.example', 'HAS', zone._key, 'domain_has_aws_route53_zone']],
  );
  t.deepEqual(validateEntity(entities[0]), []);

  const record = createEntity({
    _key: 'arn:aws:route53:::hostedzone/Z1/www.acme.example/A',
    _type: 'aws_route53_record',
    _class: ['DomainRecord'],
    name: 'www.acme.example',
    properties: { values: ['203.0.113.10'] },
  });
  const host = createEntity({
    _key: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-1`,
    _type: 'aws_instance',
    _class: ['Host'],
    name: 'i-1',
    properties: { publicIpAddress: '203.0.113.10' },
  });
  t.deepEqual(
    recordConnections([record], [host]).map((r) => [r._class, r._toEntityKey]),
    [['CONNECTS', host._key]],
  );
});
