/**
 * The hub queue's policy: only the hub's EventBridge rule may send to the ingestion queue. One
 * statement for both deployments: the Pulumi onboarding fills in ARNs, the CloudFormation export
 * its `Fn::GetAtt` references.
 */
export function hubQueuePolicy<Reference>(queueArn: Reference, ruleArn: Reference) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'OnlyTheHubRule',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queueArn,
        Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } },
      },
    ],
  };
}
