import { createEntity, mappedEntity, type Entity, type Relationship } from '../graph';
import { accountEntityKey } from '../services/service-entities';
import { parseArn } from './arn';

/** What the analysis reads from the graph being built (a `GraphStore` satisfies it). */
export interface GraphView {
  getEntity(key: string): Entity | undefined;
  entitiesOfType(type: string): readonly Entity[];
}

/** Entities and relationships an analysis derived; mapped entities may already exist in the graph. */
export interface AnalysisOutput {
  entities: Entity[];
  relationships: Relationship[];
}

export const ACCOUNT_TYPE = 'aws_account';
export const SERVICE_PRINCIPAL_TYPE = 'aws_service_principal';
export const WEB_IDENTITY_PROVIDER_TYPE = 'web_identity_provider';
export const SAML_PROVIDER_TYPE = 'aws_iam_saml_provider';
export const GENERIC_RESOURCE_TYPE = 'aws_resource';

/**
 * Types of foreign resources that a policy names by ARN, for mapped entities: the same `_type` and
 * classes as the collector that ingests them, with the properties their classes require.
 */
const FOREIGN_RESOURCE_TYPES: Array<{ service: string; prefix: RegExp; _type: string; _class: string[]; properties?: Record<string, null> }> = [
  { service: 'iam', prefix: /^role\//, _type: 'aws_iam_role', _class: ['AccessRole'] },
  {
    service: 'iam',
    prefix: /^user\//,
    _type: 'aws_iam_user',
    _class: ['User'],
    properties: { firstName: null, lastName: null, email: null, shortLoginId: null, username: null },
  },
  { service: 'iam', prefix: /^group\//, _type: 'aws_iam_group', _class: ['UserGroup'] },
  { service: 'iam', prefix: /^policy\//, _type: 'aws_iam_policy', _class: ['AccessPolicy'] },
  { service: 'kms', prefix: /^key\//, _type: 'aws_kms_key', _class: ['CryptoKey'] },
  { service: 's3', prefix: /^[^/]+$/, _type: 'aws_s3_bucket', _class: ['DataStore'], properties: { classification: null, encrypted: null } },
];

/** Every `_type` a mapped foreign resource can have, for declarations. */
export const FOREIGN_RESOURCE_DECLARATIONS: ReadonlyArray<{ _type: string; _class: string[] }> = [
  ...FOREIGN_RESOURCE_TYPES.map(({ _type, _class }) => ({ _type, _class })),
  { _type: GENERIC_RESOURCE_TYPE, _class: ['Resource'] },
];

/** The last path element of an IAM resource (`role/path/Name` -> `Name`). */
export function iamResourceName(resource: string): string {
  return resource.slice(resource.lastIndexOf('/') + 1);
}

/** An AWS account outside the ingested data (or not ingested yet), `validated` when it is ingested. */
export function mappedAccount(accountId: string, validated: boolean, name?: string): Entity {
  return mappedEntity(
    createEntity({
      _key: accountEntityKey(accountId),
      _type: ACCOUNT_TYPE,
      _class: ['Account'],
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
      _type: known?._type ?? GENERIC_RESOURCE_TYPE,
      _class: known?._class ?? ['Resource'],
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
      _type: SERVICE_PRINCIPAL_TYPE,
      _class: ['Service'],
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
      _type: WEB_IDENTITY_PROVIDER_TYPE,
      _class: ['Service'],
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
      _type: SAML_PROVIDER_TYPE,
      _class: ['Service'],
      name: parts ? iamResourceName(parts.resource) : arn,
      properties: { arn, accountId: parts?.account || undefined, category: ['security'], function: ['IAM'] },
    }),
    validated,
  );
}
