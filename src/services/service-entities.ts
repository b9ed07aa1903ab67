import { createEntity, type Entity } from '../graph';

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

export function createServiceEntity(accountId: string, service: string, title: string, functions: string[]): Entity {
  return createEntity({
    _key: serviceEntityKey(accountId, service),
    _type: serviceEntityType(service),
    _class: ['Service'],
    name: `AWS ${title}`,
    properties: {
      accountId,
      category: ['infrastructure'],
      function: functions.length ? functions : ['other'],
      vendor: 'Amazon Web Services',
    },
  });
}
