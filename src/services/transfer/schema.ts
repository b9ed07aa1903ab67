import { defineEntities, defineRelationships, RelationshipVerb, serviceEntitySchema } from '../../graph';
import { IamEntities } from '../iam/schema';
import { S3Entities } from '../s3/schema';

/** Transfer Family's entity types: the one place they are spelled. */
export const TransferEntities = defineEntities({
  SERVICE: serviceEntitySchema('transfer', 'Transfer Family'),
  /** JupiterOne classes the server [Host, Gateway]; src/graph/validate.ts resolves their `category` conflict. */
  SERVER: { _type: 'aws_transfer_server', _class: ['Host', 'Gateway'], resourceName: 'Transfer Server (SFTP)' },
  USER: { _type: 'aws_transfer_user', _class: ['User'], resourceName: 'User (SFTP)' },
});

const E = TransferEntities;
const { HAS, ALLOWS, ASSIGNED } = RelationshipVerb;

export const TransferRelationships = defineRelationships({
  SERVICE_HAS_SERVER: { from: E.SERVICE._type, verb: HAS, to: E.SERVER._type },
  SERVER_HAS_USER: { from: E.SERVER._type, verb: HAS, to: E.USER._type },
  /** The bucket of the user's home directory (or its logical mappings), reached through the user's role. */
  BUCKET_ALLOWS_USER: { from: S3Entities.BUCKET._type, verb: ALLOWS, to: E.USER._type },
  /** The server's CloudWatch logging role. */
  ROLE_ASSIGNED_SERVER: { from: IamEntities.ROLE._type, verb: ASSIGNED, to: E.SERVER._type },
  /** The role the user's sessions assume to reach S3 or EFS. */
  ROLE_ASSIGNED_USER: { from: IamEntities.ROLE._type, verb: ASSIGNED, to: E.USER._type },
});
