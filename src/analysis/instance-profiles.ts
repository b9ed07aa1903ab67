import { createRelationship, RelationshipVerb, type Entity, type Relationship } from '../graph';

function stringList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/**
 * `aws_instance USES aws_iam_role` through instance profiles: the instance's `iamInstanceProfileArn`
 * is looked up among the roles' `instanceProfileArns`. A profile without a role (or whose role was
 * not collected) gives no edge.
 */
export function instanceProfileEdges(instances: Iterable<Entity>, roles: Iterable<Entity>): Relationship[] {
  const rolesByProfile = new Map<string, Entity[]>();
  for (const role of roles) {
    for (const profile of stringList(role.instanceProfileArns)) {
      const list = rolesByProfile.get(profile);
      if (list) list.push(role);
      else rolesByProfile.set(profile, [role]);
    }
  }
  const relationships: Relationship[] = [];
  for (const instance of instances) {
    const profile = instance.iamInstanceProfileArn;
    if (typeof profile !== 'string') continue;
    for (const role of rolesByProfile.get(profile) ?? []) {
      relationships.push(createRelationship({ from: instance, verb: RelationshipVerb.USES, to: role, properties: { instanceProfileArn: profile } }));
    }
  }
  return relationships;
}
