import { runSimulation, type RunSimulationResults } from '@cloud-copilot/iam-simulate';
import type { PolicyDocument } from '../../src/policy';

const ACCOUNT = '111111111111';

/**
 * Whether identity policies allow an action on every resource, according to iam-simulate (an
 * evaluator independent of the engine's own coverage check): the request is simulated on `*`, and a
 * wildcard result counts only when every simulated resource pattern is allowed and one of them is `*`.
 */
export async function simulatedAllowedEverywhere(documents: readonly PolicyDocument[], action: string): Promise<boolean> {
  const result: RunSimulationResults = await runSimulation(
    {
      identityPolicies: documents.map((document, index) => ({ name: `policy-${index + 1}`, policy: document })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      request: {
        action,
        principal: `arn:aws:iam::${ACCOUNT}:role/JupiterOne`,
        resource: { accountId: ACCOUNT, resource: '*' },
        contextVariables: {},
      },
    },
    {},
  );
  if (result.resultType === 'single') return result.overallResult === 'Allowed';
  if (result.resultType === 'wildcard') {
    return (
      result.overallResult === 'Allowed' &&
      result.results.length > 0 &&
      result.results.every((entry) => entry.analysis.result === 'Allowed') &&
      // A statement on every resource: grants on some resource paths only (SecurityAudit's apigateway:GET) are not "everywhere".
      result.results.some((entry) => entry.resourcePattern === '*')
    );
  }
  throw new Error(`iam-simulate could not run for ${action}: ${JSON.stringify(result.errors)}`);
}
