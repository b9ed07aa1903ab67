import test from 'ava';
import { FrameworkError, builtinFrameworkIds, parseFramework, requireFramework } from '../../src/compliance';

/** The framework file format: what it accepts, and errors that name the file, line and field. */

const minimal = (controls: string) => `framework: my-rules
title: My rules
sections:
  - { id: "1", title: Storage }
controls:
${controls}`;

function problem(text: string): string {
  try {
    parseFramework(text, 'my-rules.yaml');
  } catch (error) {
    if (error instanceof FrameworkError) return error.message;
    throw error;
  }
  throw new Error('expected a FrameworkError');
}

test('the built-in frameworks: CIS v7.0 (70 controls, 34 automated), v6.0 and v5.0 (63, 35) as mappings', (t) => {
  t.deepEqual(builtinFrameworkIds(), ['cis-aws-5.0', 'cis-aws-6.0', 'cis-aws-7.0']);
  const counts = (id: string) => {
    const framework = requireFramework(id);
    return [framework.controls.length, framework.controls.filter((control) => control.mode === 'automated').length];
  };
  t.deepEqual(counts('cis-aws-7.0'), [70, 34]);
  t.deepEqual(counts('cis-aws-6.0'), [63, 35]);
  t.deepEqual(counts('cis-aws-5.0'), [63, 35]);
  // Mapped controls share the check (same objects), they are not copies.
  const v7 = requireFramework('cis-aws-7.0').controls.find((control) => control.id === '2.4');
  const v5 = requireFramework('cis-aws-5.0').controls.find((control) => control.id === '1.3');
  t.is(v5?.queries, v7?.queries);
  t.deepEqual(v5?.checkedBy, { framework: 'cis-aws-7.0', control: '2.4' });
  t.is(v5?.section, '1');
});

test('a user framework: queries, rules, inputs and manual controls', (t) => {
  const framework = parseFramework(
    minimal(`  - id: "1.1"
    title: Buckets are encrypted
    inputs:
      - { type: aws_s3_bucket, properties: [encrypted] }
    queries:
      - FIND aws_s3_bucket WITH encrypted = false
  - id: "1.2"
    title: At least one key per account
    rule: { count: { min: 1 } }
    queries:
      - query: FIND aws_kms_key
        except: FIND aws_kms_key WITH keyManager = 'AWS'
  - id: "1.3"
    title: Every VPC account logs flows
    rule: { every: FIND aws_ec2, match: [accountId] }
    queries: [FIND aws_vpc WITH flowLogsEnabled = true]
  - id: "1.4"
    title: Review backups
    mode: manual
    guidance: Check that backups are restored once a quarter.
`),
    'my-rules.yaml',
  );
  t.is(framework.id, 'my-rules');
  t.deepEqual(
    framework.controls.map((control) => [control.id, control.section, control.mode, control.rule.kind]),
    [
      ['1.1', '1', 'automated', 'no-rows'],
      ['1.2', '1', 'automated', 'count'],
      ['1.3', '1', 'automated', 'every'],
      ['1.4', '1', 'manual', 'no-rows'],
    ],
  );
  t.deepEqual(framework.controls[1].rule, { kind: 'count', min: 1 });
  t.is(framework.controls[1].queries[0].except, "FIND aws_kms_key WITH keyManager = 'AWS'");
});

test('errors name the file, line, column and field', (t) => {
  t.regex(
    problem(
      minimal(`  - id: "1.1"
    title: x
    queries: [FIND aws_s3_bucket]
    rule: sometimes
`),
    ),
    /^invalid framework file\n {2}my-rules\.yaml:9:11: controls\[0\]\.rule: is not one of the accepted forms/,
  );
  t.regex(
    problem(
      minimal(`  - id: "1.1"
    titel: x
`),
    ),
    /my-rules\.yaml:6:5: controls\[0\]: unknown field "titel"/,
  );
  t.regex(problem('framework: [unclosed'), /^my-rules\.yaml:1:\d+: YAML syntax error/);
});

test('a bad J1QL query is reported with its line in the file', (t) => {
  const message = problem(
    minimal(`  - id: "1.1"
    title: x
    queries:
      - |-
        FIND aws_s3_bucket
        WITH encrypted = = false
`),
  );
  t.regex(message, /^my-rules\.yaml:9:9: controls\[0\]\.queries\[0\]: bad J1QL \(file line 11\): line 2, column 18/);
});

test('semantic problems: RETURN, unknown aliases, duplicate ids, manual without guidance, automated without queries', (t) => {
  t.regex(
    problem(minimal(`  - { id: "1.1", title: x, queries: ["FIND aws_s3_bucket AS b RETURN b.name"] }\n`)),
    /controls\[0\]\.queries\[0\]: RETURN is not allowed/,
  );
  t.regex(problem(minimal(`  - { id: "1.1", title: x, queries: ["FIND aws_s3_bucket AS b WHERE c.name = 'x'"] }\n`)), /controls\[0\]\.queries\[0\]: bad J1QL/);
  t.regex(
    problem(minimal(`  - { id: "1.1", title: x, queries: [FIND aws_vpc] }\n  - { id: "1.1", title: y, queries: [FIND aws_vpc] }\n`)),
    /my-rules\.yaml:7:11: controls\[1\]\.id: control "1\.1" is defined twice/,
  );
  t.regex(problem(minimal(`  - { id: "1.1", title: x, mode: manual }\n`)), /controls\[0\]: a manual control needs guidance/);
  t.regex(problem(minimal(`  - { id: "1.1", title: x }\n`)), /controls\[0\]: an automated control needs at least one query/);
  t.regex(problem(minimal(`  - { id: "2.1", title: x, queries: [FIND aws_vpc] }\n`)), /controls\[0\]: section "2" is not in sections/);
  t.regex(
    problem(minimal(`  - { id: "1.1", title: x, queries: [FIND aws_vpc], inputs: [{ type: aws_vpc, where: "flowLogsEnabled = = 1" }] }\n`)),
    /inputs\[0\]\.where: bad J1QL/,
  );
});

test('mappings: same needs mapsOnto, and must name an existing control; a mapped control takes no queries', (t) => {
  t.regex(problem(minimal(`  - { id: "1.1", same: "2.4" }\n`)), /controls\[0\]\.same: "same" needs mapsOnto/);
  t.regex(problem(`mapsOnto: cis-aws-9.9\n${minimal(`  - { id: "1.1", same: "2.4" }\n`)}`), /my-rules\.yaml:1:11: mapsOnto: unknown framework "cis-aws-9\.9"/);
  t.regex(problem(`mapsOnto: cis-aws-7.0\n${minimal(`  - { id: "1.1", same: "2.99" }\n`)}`), /controls\[0\]\.same: cis-aws-7\.0 has no control "2\.99"/);
  t.regex(
    problem(`mapsOnto: cis-aws-7.0\n${minimal(`  - { id: "1.1", same: "2.4", queries: [FIND aws_vpc] }\n`)}`),
    /controls\[0\]\.queries: not allowed with "same"/,
  );
  const mapped = parseFramework(`mapsOnto: cis-aws-7.0\n${minimal(`  - { id: "1.1", same: "2.4", title: Root keys }\n`)}`, 'my-rules.yaml');
  t.is(mapped.controls[0].title, 'Root keys');
  t.deepEqual(mapped.controls[0].checkedBy, { framework: 'cis-aws-7.0', control: '2.4' });
});
