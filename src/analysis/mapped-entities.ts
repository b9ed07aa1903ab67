import { accountEntityKey, createEntity, mappedEntity, type Entity, type EntitySchema, type Relationship } from '../graph';
import { AccountEntities } from '../services/account/schema';
import { IamEntities } from '../services/iam/schema';
import { KmsEntities } from '../services/kms/schema';
import { S3Entities } from '../services/s3/schema';
import { parseArn } from './arn';
import { AnalysisEntities } from './schema';

/** What the analysis reads from the graph being built (a `GraphStore` satisfies it). */
export interface GraphView {
  getEntity(key: string): Entity | undefined;
  entitiesOfType(type: string): readonly Entity[];
  /** Entities of a type collected in one account (a graph on disk reads only those). */
  entitiesOfTypeInAccount(type: string, accountId: string): readonly Entity[];
}

/** Entities and relationships an analysis derived; mapped entities may already exist in the graph. */
export interface AnalysisOutput {
  entities: Entity[];
  relationships: Relationship[];
}

/**
 * Types of foreign resources that a policy names by ARN, for mapped entities: the schema of the
 * collector that ingests them, with the properties their classes require.
 */
const FOREIGN_RESOURCE_TYPES: Array<{ service: string; prefix: RegExp; schema: EntitySchema; properties?: Record<string, null> }> = [
  { service: 'iam', prefix: /^role\//, schema: IamEntities.ROLE },
  {
    service: 'iam',
    prefix: /^user\//,
    schema: IamEntities.USER,
    properties: { firstName: null, lastName: null, email: null, shortLoginId: null, username: null },
  },
  { service: 'iam', prefix: /^group\//, schema: IamEntities.GROUP },
  { service: 'iam', prefix: /^policy\//, schema: IamEntities.POLICY },
  { service: 'kms', prefix: /^key\//, schema: KmsEntities.KEY },
  { service: 's3', prefix: /^[^/]+$/, schema: S3Entities.BUCKET, properties: { classification: null, encrypted: null } },
];

/** Every type a mapped foreign resource can have, for declarations. */
export const FOREIGN_RESOURCE_SCHEMAS: readonly EntitySchema[] = [...FOREIGN_RESOURCE_TYPES.map(({ schema }) => schema), AnalysisEntities.RESOURCE];

/** The last path element of an IAM resource (`role/path/Name` -> `Name`). */
export function iamResourceName(resource: string): string {
  return resource.slice(resource.lastIndexOf('/') + 1);
}

/** An AWS account outside the ingested data (or not ingested yet), `validated` when it is ingested. */
export function mappedAccount(accountId: string, validated: boolean, name?: string): Entity {
  return mappedEntity(
    createEntity({
      _key: accountEntityKey(accountId),
      schema: AccountEntities.ACCOUNT,
      name: name ?? accountId,
      properties: { id: accountId, accountId, arn: `arn:aws:iam::${accountId}:root`, vendor: 'Amazon Web Services' },
    }),
    validated,
  );
}

/** A resource named by ARN in another account (or whose account is unknown, like S3 buckets). */
export function mappedResource(arn: string, validated: boolean): Entity {
  const parts = parseArn(arn);
  const known = parts ? FOREIGN_RESOURCE_TYPES.find((t) => t.service === parts.service && t.prefix.test(parts.resource)) : undefined;
  const name = parts ? (parts.service === 'iam' ? iamResourceName(parts.resource) : parts.resource || arn) : arn;
  return mappedEntity(
    createEntity({
      _key: arn,
      schema: known?.schema ?? AnalysisEntities.RESOURCE,
      name,
      properties: {
        ...known?.properties,
        arn,
        accountId: parts?.account || undefined,
        service: parts?.service,
        region: parts?.region || undefined,
      },
    }),
    validated,
  );
}

/** The short service id behind a service principal (`ecs-tasks.amazonaws.com` -> `ecs`). */
export function servicePrincipalService(principal: string): string {
  const host = principal.toLowerCase().replace(/\.amazonaws\.com(\.cn)?$/, '');
  const last = host.slice(host.lastIndexOf('.') + 1);
  const aliases: Record<string, string> = { 'ecs-tasks': 'ecs', edgelambda: 'lambda' };
  return aliases[last] ?? last;
}

/** An AWS service principal whose service has no `aws_<service>` entity in the account. */
export function mappedServicePrincipal(principal: string): Entity {
  return mappedEntity(
    createEntity({
      _key: `aws:service-principal:${principal.toLowerCase()}`,
      schema: AnalysisEntities.SERVICE_PRINCIPAL,
      name: principal,
      properties: { principal, service: servicePrincipalService(principal), category: ['infrastructure'], function: ['other'], vendor: 'Amazon Web Services' },
    }),
    true,
  );
}

/** A web-identity (OIDC) provider: an IAM OIDC provider ARN or a public one (`accounts.google.com`). */
export function mappedWebIdentityProvider(provider: string): Entity {
  const parts = parseArn(provider);
  const url = parts ? parts.resource.replace(/^oidc-provider\//, '') : provider;
  return mappedEntity(
    createEntity({
      _key: parts ? provider : `web-identity:${provider.toLowerCase()}`,
      schema: AnalysisEntities.WEB_IDENTITY_PROVIDER,
      name: url,
      properties: { arn: parts ? provider : undefined, url, accountId: parts?.account || undefined, category: ['security'], function: ['IAM'] },
    }),
  );
}

/** A SAML provider named in a trust policy but not in the graph. */
export function mappedSamlProvider(arn: string, validated: boolean): Entity {
  const parts = parseArn(arn);
  return mappedEntity(
    createEntity({
      _key: arn,
      schema: IamEntities.SAML_PROVIDER,
      name: parts ? iamResourceName(parts.resource) : arn,
      properties: { arn, accountId: parts?.account || undefined, category: ['security'], function: ['IAM'] },
    }),
    validated,
  );
}
