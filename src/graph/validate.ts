import { IntegrationSchema } from '@jupiterone/data-model';
import type { Entity, Relationship } from './types';

export interface ValidationIssue {
  _key: string;
  _type: string;
  _class?: string;
  message: string;
}

type ValidateFunction = NonNullable<ReturnType<typeof IntegrationSchema.getSchema>>;
const validators = new Map<string, ValidateFunction | null>();

/**
 * Classes JupiterOne uses without publishing a schema for them: its global Everyone entity, and
 * the Monitor class of CloudWatch alarms (the seed data model's `aws_cloudwatch_metric_alarm`).
 */
const SCHEMALESS_CLASSES = new Set(['Everyone', 'Monitor']);

function validatorFor(schemaClass: string): ValidateFunction | null {
  if (!validators.has(schemaClass)) validators.set(schemaClass, IntegrationSchema.getSchema(`#${schemaClass}`) ?? null);
  return validators.get(schemaClass) ?? null;
}

/**
 * Checks an entity against the `@jupiterone/data-model` schema of every class it declares.
 * An unknown class is itself an issue: queries by class would silently miss the entity.
 */
export function validateEntity(entity: Entity): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const typeErrorsByClass = new Map<string, Set<string>>();
  for (const schemaClass of entity._class) {
    if (SCHEMALESS_CLASSES.has(schemaClass)) continue;
    const validate = validatorFor(schemaClass);
    if (!validate) {
      issues.push({ _key: entity._key, _type: entity._type, _class: schemaClass, message: `unknown class ${schemaClass}` });
      continue;
    }
    const typeErrors = new Set<string>();
    typeErrorsByClass.set(schemaClass, typeErrors);
    if (!validate(subjectFor(schemaClass, entity))) {
      for (const error of validate.errors ?? []) {
        if (error.keyword === 'type' && error.instancePath) typeErrors.add(error.instancePath);
        issues.push({
          _key: entity._key,
          _type: entity._type,
          _class: schemaClass,
          message: `${error.instancePath || '(entity)'} ${error.message ?? 'is invalid'}${
            error.params && 'missingProperty' in error.params ? '' : ` ${JSON.stringify(error.params)}`
          }`,
        });
      }
    }
  }
  return issues.filter((issue) => !conflictingClassType(issue, entity, typeErrorsByClass));
}

/**
 * Class pairs whose schemas cannot both hold and that JupiterOne itself assigns together: the seed
 * data model classes `aws_transfer_server` [Host, Gateway], but Host types `category` as a string
 * (or null) and Gateway requires an array of its enum strings. For an entity of both classes,
 * `category` is checked by Gateway's schema only (Host's checks every other property): a string
 * category still fails Gateway, and a Host-only entity still needs a string.
 */
const CLASS_PAIR_RESOLUTIONS: ReadonlyArray<{ classes: readonly string[]; property: string; follows: string }> = [
  { classes: ['Host', 'Gateway'], property: 'category', follows: 'Gateway' },
];

function resolutionFor(schemaClass: string, entity: Entity) {
  return CLASS_PAIR_RESOLUTIONS.find(
    (rule) => rule.follows !== schemaClass && rule.classes.includes(schemaClass) && rule.classes.every((c) => entity._class.includes(c)),
  );
}

/**
 * What a class's schema checks: the entity, with a resolved property set to null (which Host
 * accepts) for the class that does not decide it, so that class's other properties are still
 * checked (the validator stops at a schema's first error).
 */
function subjectFor(schemaClass: string, entity: Entity): Entity {
  const rule = resolutionFor(schemaClass, entity);
  return rule ? { ...entity, [rule.property]: null } : entity;
}

/**
 * Some class pairs of JupiterOne's model type the same property differently (`category` is a string
 * for Assessment, an array for Scanner, and GuardDuty detectors are both). A type error on such a
 * property is not an issue when another class of the entity defines the property and accepts it.
 */
function conflictingClassType(issue: ValidationIssue, entity: Entity, typeErrorsByClass: Map<string, Set<string>>): boolean {
  const path = /^(\/[A-Za-z0-9]+) must be /.exec(issue.message)?.[1];
  if (!path || !typeErrorsByClass.get(issue._class ?? '')?.has(path)) return false;
  const resolved = CLASS_PAIR_RESOLUTIONS.find(
    (rule) => `/${rule.property}` === path && rule.classes.every((c) => entity._class.includes(c)) && rule.classes.includes(issue._class ?? ''),
  );
  if (resolved) return false; // the following class decides; the other never saw the property (subjectFor)
  return entity._class.some(
    (other) => other !== issue._class && typeErrorsByClass.has(other) && !typeErrorsByClass.get(other)?.has(path) && definesProperty(other, path.slice(1)),
  );
}

function definesProperty(schemaClass: string, property: string): boolean {
  const schema = validatorFor(schemaClass)?.schema as { allOf?: Array<{ properties?: Record<string, unknown> }> } | undefined;
  return (schema?.allOf ?? []).some((part) => part.properties !== undefined && property in part.properties);
}

const PROPERTY_NAME = /^(_|tag\.)?[A-Za-z0-9. -]+$/;

export function validateRelationship(relationship: Relationship): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const push = (message: string) => issues.push({ _key: relationship._key, _type: relationship._type, message });
  if (relationship._key.length < 10) push('_key is shorter than 10 characters');
  for (const [name, value] of Object.entries(relationship)) {
    if (!PROPERTY_NAME.test(name)) push(`property name "${name}" is not allowed`);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) push(`property ${name} is an object`);
  }
  return issues;
}
