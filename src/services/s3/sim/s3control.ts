import type { GetPublicAccessBlockCommandInput, GetPublicAccessBlockCommandOutput, PublicAccessBlockConfiguration } from '@aws-sdk/client-s3-control';
import { custom, defineSimulatedService, ownRandom } from '../../../sim/service-kit';

/** The account's S3 Control section: the account-level Block Public Access, absent when never set. */
interface S3ControlSection {
  publicAccessBlock?: PublicAccessBlockConfiguration;
}

const FLAG = { type: 'boolean' };

/** S3 Control's account-level Block Public Access (a global setting of the account). */
export const s3ControlSimulator = defineSimulatedService({
  service: 's3control',
  clientName: 'S3ControlClient',
  scope: 'global',
  errors: { accessDenied: 'AccessDenied', throttling: 'SlowDown' },
  collections: {},
  sectionFields: {
    publicAccessBlock: {
      type: 'object',
      additionalProperties: false,
      properties: { BlockPublicAcls: FLAG, IgnorePublicAcls: FLAG, BlockPublicPolicy: FLAG, RestrictPublicBuckets: FLAG },
    },
  },
  operations: {
    GetPublicAccessBlock: custom<GetPublicAccessBlockCommandInput, GetPublicAccessBlockCommandOutput>((input, context, kit) => {
      // The account in the input must be the caller's own (S3 Control answers AccessDenied otherwise).
      if (input.AccountId !== context.account.id) throw kit.error('AccessDenied', 'Access Denied', 403);
      const configuration = context.section<S3ControlSection>()?.publicAccessBlock;
      if (!configuration) throw kit.error('NoSuchPublicAccessBlockConfiguration', 'The public access block configuration was not found', 404);
      return { PublicAccessBlockConfiguration: configuration };
    }),
  },
  // Most generated accounts block public access account-wide; some never set it.
  generate: ({ accountId, region }) => {
    const random = ownRandom({ accountId, region }, 's3control');
    if (random() < 0.3) return {};
    return { publicAccessBlock: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true } };
  },
});
