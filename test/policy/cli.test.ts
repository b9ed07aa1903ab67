import test from 'ava';
import { parse } from 'yaml';
import { main } from '../../src/cli/main';
import { buildAuditPolicy, type PolicyDocument } from '../../src/policy';

/** Runs the CLI in-process and captures what it writes. */
async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const writeOut = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    const code = await main(['node', 'orggraph', ...args]);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
  }
}

// The CLI captures process.stdout: one command at a time.
test.serial('orggraph policy --json prints the derivation with the same extra actions as the engine', async (t) => {
  const expected = await buildAuditPolicy();
  const { code, stdout } = await run(['policy', '--json']);
  t.is(code, 0);
  const printed = JSON.parse(stdout) as {
    baseline: { policyArn: string; versionId: string };
    extraActions: string[];
    declaredActions: Array<{ action: string; collectors: string[] }>;
    policies: Array<{ name: string; size: number; document: PolicyDocument }>;
  };
  t.is(printed.baseline.policyArn, 'arn:aws:iam::aws:policy/SecurityAudit');
  t.deepEqual(printed.extraActions, expected.extraActions);
  t.deepEqual(printed.policies, expected.policies);
  t.is(printed.declaredActions.length, expected.declared.length);
  t.true(printed.declaredActions.every((entry) => entry.collectors.length > 0));
});

test.serial('orggraph policy prints a summary and the documents', async (t) => {
  const expected = await buildAuditPolicy();
  const { code, stdout } = await run(['policy']);
  t.is(code, 0);
  t.regex(stdout, /^# Baseline: arn:aws:iam::aws:policy\/SecurityAudit \(v\d+/);
  t.regex(stdout, new RegExp(`extra: ${expected.extraActions.length}\\n`));
  for (const extra of expected.policies) t.true(stdout.includes(`# ${extra.name} (${extra.size} of 6144 characters)`));
});

test.serial('orggraph policy --cloudformation prints a template that parses', async (t) => {
  const expected = await buildAuditPolicy();
  const { code, stdout } = await run(['policy', '--cloudformation', '--role-name', 'Auditor']);
  t.is(code, 0);
  const template = parse(stdout) as {
    Parameters: Record<string, { Default?: unknown; NoEcho?: boolean }>;
    Resources: Record<string, { Type: string; Properties: { PolicyDocument?: PolicyDocument } }>;
  };
  t.is(template.Parameters.RoleName?.Default, 'Auditor');
  t.true(template.Parameters.ExternalId?.NoEcho);
  const actions = Object.values(template.Resources)
    .filter((resource) => resource.Type === 'AWS::IAM::ManagedPolicy')
    .flatMap((resource) => resource.Properties.PolicyDocument?.Statement.flatMap((statement) => statement.Action ?? []) ?? []);
  t.deepEqual(actions, expected.extraActions);
});

test.serial('orggraph policy rejects --json with --cloudformation', async (t) => {
  const { code, stderr } = await run(['policy', '--json', '--cloudformation']);
  t.not(code, 0);
  t.regex(stderr, /cannot be used with/);
});
