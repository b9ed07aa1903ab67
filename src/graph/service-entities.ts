import { createEntity } from './convert';
import type { EntitySchema } from './schema';
import type { Entity, PropertyValue } from './types';

/**
 * Keys of the entities every service's relationships start from: the account (`aws_account`) and
 * the account's `aws_<service>` entities. They live in the graph layer, not in a service, because
 * every service and the analysis point at them.
 */

/** Key of the `aws_<service>` entity of an account, e.g. `aws:111111111111:service:ec2`. */
export function serviceEntityKey(accountId: string, service: string): string {
  return `aws:${accountId}:service:${service}`;
}

export function serviceEntityType(service: string): string {
  return `aws_${service}`;
}

/** Reference to a service entity, for relationships (`aws_ec2 HAS aws_instance`). */
export function serviceEntityRef(accountId: string, service: string): { _key: string; _type: string } {
  return { _key: serviceEntityKey(accountId, service), _type: serviceEntityType(service) };
}

export function accountEntityKey(accountId: string): string {
  return `aws:account:${accountId}`;
}

/**
 * Facts that other services' collectors add to the `aws_account` entity (the account collector
 * runs first and reads no credential report). Undefined values are left alone.
 */
export function setAccountFacts(account: Entity, facts: Record<string, PropertyValue | undefined>): void {
  for (const [name, value] of Object.entries(facts)) if (value !== undefined) account[name] = value;
}

/** The account's `aws_<service>` entity, of the service's schema (`KmsEntities.SERVICE`). */
export function createServiceEntity(accountId: string, schema: EntitySchema, title: string, functions: string[]): Entity {
  const service = schema._type.replace(/^aws_/, '');
  return createEntity({
    _key: serviceEntityKey(accountId, service),
    schema,
    name: `AWS ${title}`,
    properties: {
      accountId,
      category: ['infrastructure'],
      function: functions.length ? functions : ['other'],
      vendor: 'Amazon Web Services',
    },
  });
}
