import test from 'ava';
import { createEntity, createRelationship, relationshipType, tagProperties, toEpochMs, RelationshipVerb, validateEntity } from '../../src/graph';

test('relationship _type drops the prefix the target shares with the source', (t) => {
  t.is(relationshipType('aws_instance', 'USES', 'aws_ebs_volume'), 'aws_instance_uses_ebs_volume');
  t.is(relationshipType('aws_iam_user', 'HAS', 'aws_iam_user_policy'), 'aws_iam_user_has_policy');
  t.is(relationshipType('aws_account', 'HAS', 'aws_iam'), 'aws_account_has_iam');
  t.is(relationshipType('aws_account', 'HAS', 'aws_account'), 'aws_account_has_account');
  t.is(relationshipType('aws_iam_user', 'IS', 'person'), 'aws_iam_user_is_person');
  t.is(relationshipType('aws_security_group', 'ALLOWS', 'internet'), 'aws_security_group_allows_internet');
});

test('tags: every tag as tag.<Key>, Name as display name, classification/owner/email promoted', (t) => {
  const { properties, nameTag } = tagProperties([
    { Key: 'Name', Value: 'web-1' },
    { Key: 'Classification', Value: 'confidential' },
    { Key: 'OWNER', Value: 'platform' },
    { Key: 'Email', Value: 'ops@acme.example' },
    { Key: 'cost-center', Value: '42' },
  ]);
  t.is(nameTag, 'web-1');
  t.is(properties['tag.cost-center'], '42');
  t.is(properties.classification, 'confidential');
  t.is(properties.owner, 'platform');
  t.is(properties.email, 'ops@acme.example');
  t.is(properties['tag.Name'], 'web-1');
});

test('createEntity drops undefined values, converts dates and applies the Name tag', (t) => {
  const entity = createEntity({
    _key: 'arn:aws:ec2:us-east-1:111111111111:instance/i-0abc',
    _type: 'aws_instance',
    _class: 'Host',
    name: 'i-0abc',
    tags: { Name: 'web-1' },
    createdOn: new Date('2024-01-02T03:04:05Z'),
    properties: { state: 'running', vpcId: undefined, launched: new Date('2024-01-02T03:04:05Z') },
  });
  t.deepEqual(entity._class, ['Host']);
  t.is(entity.name, 'i-0abc');
  t.is(entity.displayName, 'web-1');
  t.is(entity.createdOn, Date.parse('2024-01-02T03:04:05Z'));
  t.is(entity.launched, Date.parse('2024-01-02T03:04:05Z'));
  t.false('vpcId' in entity);
});

test('createEntity refuses keys shorter than 10 characters', (t) => {
  t.throws(() => createEntity({ _key: 'short', _type: 'aws_x', _class: 'Entity' }), { message: /shorter than 10/ });
});

test('toEpochMs accepts dates, ISO strings, epoch seconds and ms', (t) => {
  t.is(toEpochMs('2024-01-01T00:00:00Z'), 1704067200000);
  t.is(toEpochMs(1704067200), 1704067200000);
  t.is(toEpochMs(1704067200000), 1704067200000);
  t.is(toEpochMs('not a date'), undefined);
  t.is(toEpochMs(undefined), undefined);
});

test('relationship keys and classes follow the JupiterOne convention', (t) => {
  const from = { _key: 'arn:aws:ec2:us-east-1:1:instance/i-1', _type: 'aws_instance' };
  const to = { _key: 'arn:aws:ec2:us-east-1:1:volume/vol-1', _type: 'aws_ebs_volume' };
  const relationship = createRelationship({ from, verb: RelationshipVerb.USES, to, properties: { deleteOnTermination: true } });
  t.is(relationship._key, `${from._key}|uses|${to._key}`);
  t.is(relationship._class, 'USES');
  t.is(relationship.displayName, 'USES');
  t.is(relationship._type, 'aws_instance_uses_ebs_volume');
  t.is(relationship.deleteOnTermination, true);
  const rule = createRelationship({ from, verb: RelationshipVerb.ALLOWS, to, keySuffix: 'ingress:tcp:22' });
  t.not(rule._key, relationship._key);
});

test('validateEntity reports missing class-required properties', (t) => {
  const datastore = createEntity({ _key: 'arn:aws:s3:::bucket-a', _type: 'aws_s3_bucket', _class: 'DataStore', name: 'bucket-a' });
  t.true(validateEntity(datastore).some((issue) => /classification/.test(issue.message)));
  t.true(validateEntity({ ...datastore, classification: null }).some((issue) => /encrypted/.test(issue.message)));
  const fixed = { ...datastore, classification: null, encrypted: false };
  t.deepEqual(validateEntity(fixed), []);
  t.true(validateEntity({ ...fixed, _class: ['NoSuchClass'] }).some((issue) => /unknown class/.test(issue.message)));
});

test('validateEntity: an entity of both Host and Gateway takes the Gateway category (an array), and only that conflict is exempt', (t) => {
  // aws_transfer_server: JupiterOne classes it [Host, Gateway]; Host types `category` as a string.
  const hostFields = Object.fromEntries(
    [
      'displayName',
      'ipv4Addresses',
      'ipv6Addresses',
      'macAddresses',
      'publicIpAddresses',
      'privateIpAddresses',
      'hostname',
      'fqdn',
      'serial',
      'deviceId',
      'lastSeenOn',
      'make',
      'model',
      'osName',
      'osType',
      'osDetails',
      'osVersion',
    ].map((name) => [name, null]),
  );
  const server = {
    ...createEntity({
      _key: 'arn:aws:transfer:us-east-1:111122223333:server/s-01234567890abcdef',
      _type: 'aws_transfer_server',
      _class: ['Host', 'Gateway'],
      name: 's-1',
    }),
    ...hostFields,
    displayName: 's-1',
    function: ['remote-access-gateway'],
    public: true,
    category: ['application'],
  };
  t.deepEqual(validateEntity(server), []);
  // Gateway's rule still holds for the pair: a string, or a value outside Gateway's enum, fails.
  t.true(validateEntity({ ...server, category: 'server' }).some((issue) => issue._class === 'Gateway' && /category/.test(issue.message)));
  t.true(validateEntity({ ...server, category: ['server'] }).some((issue) => issue._class === 'Gateway' && /category/.test(issue.message)));
  // A Host alone keeps its string type: the exemption needs both classes.
  const host = { ...server, _class: ['Host'] };
  t.true(validateEntity(host).some((issue) => issue._class === 'Host' && /\/category must be string/.test(issue.message)));
  t.deepEqual(validateEntity({ ...host, category: 'server' }), []);
  // Other Host properties are still checked for the pair.
  t.true(validateEntity({ ...server, hostname: ['not', 'a', 'string'] }).some((issue) => issue._class === 'Host'));
});
