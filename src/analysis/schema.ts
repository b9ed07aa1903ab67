import { defineEntities } from '../graph';

/**
 * The types of the mapped entities that the analysis creates and no service ingests (mapped
 * accounts, roles, users and other ingested types keep their service's schema).
 */
export const AnalysisEntities = defineEntities({
  SERVICE_PRINCIPAL: { _type: 'aws_service_principal', _class: ['Service'], resourceName: 'AWS service principal (mapped)' },
  WEB_IDENTITY_PROVIDER: { _type: 'web_identity_provider', _class: ['Service'], resourceName: 'Web identity provider (mapped)' },
  /** A resource named by ARN whose type the analysis does not know. */
  RESOURCE: { _type: 'aws_resource', _class: ['Resource'], resourceName: 'aws_resource in another account (mapped)' },
  PERSON: { _type: 'person', _class: ['Person'], resourceName: 'Person (people file)' },
  DOMAIN: { _type: 'domain', _class: ['Domain'], resourceName: 'Domain (mapped)' },
});
