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

/** Classes JupiterOne puts on its own global entities without publishing a schema for them. */
const SCHEMALESS_CLASSES = new Set(['Everyone']);

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
  for (const schemaClass of entity._class) {
    if (SCHEMALESS_CLASSES.has(schemaClass)) continue;
    const validate = validatorFor(schemaClass);
    if (!validate) {
      issues.push({ _key: entity._key, _type: entity._type, _class: schemaClass, message: `unknown class ${schemaClass}` });
      continue;
    }
    if (!validate(entity)) {
      for (const error of validate.errors ?? []) {
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
  return issues;
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
