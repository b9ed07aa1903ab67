import { createHash } from 'node:crypto';
import { accountEntityKey, createRelationship, everyoneEntity, RelationshipVerb, serviceEntityKey, type Entity, type Relationship } from '../graph';
import { conditionEntries, isRecord, parsePolicyDocument, strings, type Statement } from '../policy/document';
import { IamEntities } from '../services/iam/schema';
import { isAccountId, parseArn } from './arn';
import {
  iamResourceName,
  mappedAccount,
  mappedResource,
  mappedSamlProvider,
  mappedServicePrincipal,
  mappedWebIdentityProvider,
  servicePrincipalService,
  type AnalysisOutput,
  type GraphView,
} from './mapped-entities';

const ROLE_TYPE = IamEntities.ROLE._type;
const USER_TYPE = IamEntities.USER._type;

export interface TrustsInput {
  accountId: string;
  /** The account's `aws_iam_role` entities; their `assumeRolePolicyDocument` is analyzed. */
  roles: Iterable<Entity>;
  graph: GraphView;
  /** Accounts of this run: mapped principals in them are `validated`. */
  ingestedAccounts: ReadonlySet<string>;
}

export interface TrustsOutput extends AnalysisOutput {
  /** Keys of roles whose trust policy is not a readable policy. */
  unreadable: string[];
  /** Principals that name nothing the graph can hold (unique ids of deleted principals, canonical users). */
  unresolved: string[];
}

type PrincipalType = 'AWS' | 'Service' | 'Federated' | 'Everyone';

interface Trust {
  target: { _key: string; _type: string };
  principalTypes: Set<PrincipalType>;
  principals: Set<string>;
  actions: Set<string>;
  statement: Statement;
}

function isTrue(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value.toLowerCase() === 'true');
}

function isNegated(operator: string): boolean {
  return /Not|^Null$/i.test(operator.replace(/^ForAnyValue:|^ForAllValues:/i, ''));
}

/** The trust requires an External ID: an `sts:ExternalId` condition that is not negated. */
export function requiresExternalId(statement: Pick<Statement, 'condition'>): boolean {
  return conditionEntries(statement.condition).some(({ operator, key }) => key.toLowerCase() === 'sts:externalid' && !isNegated(operator));
}

/** The trust requires MFA: `aws:MultiFactorAuthPresent` true, or a bound on `aws:MultiFactorAuthAge`. */
export function requiresMfa(statement: Pick<Statement, 'condition'>): boolean {
  return conditionEntries(statement.condition).some(({ operator, key, values }) => {
    const lower = key.toLowerCase();
    if (lower === 'aws:multifactorauthpresent') return /^Bool/i.test(operator) && values.some(isTrue);
    return lower === 'aws:multifactorauthage' && /^Numeric(LessThan|LessThanEquals)/i.test(operator);
  });
}

/**
 * Derives `aws_iam_role TRUSTS <principal>` edges from the roles' trust policies (Allow statements).
 *
 * - `AWS`: users and roles by ARN (same account: the entity; another account: the entity when it is
 *   in the graph, else a mapped entity), `:root` or a bare account id -> the account, `*` -> Everyone.
 * - `Service`: the account's `aws_<service>` entity when it exists, else a mapped service principal.
 * - `Federated`: SAML provider ARNs -> `aws_iam_saml_provider`; web identity (OIDC provider ARNs,
 *   `accounts.google.com`, `cognito-identity.amazonaws.com`...) -> a mapped provider.
 *
 * Conditions are kept as written (`conditions`), with `externalIdRequired` and `mfaRequired`
 * read from them; they are not evaluated. Deny statements are not turned into edges.
 */
export function analyzeTrusts(input: TrustsInput): TrustsOutput {
  const mapped = new Map<string, Entity>();
  const relationships: Relationship[] = [];
  const unreadable: string[] = [];
  const unresolved = new Set<string>();
  const byName = new Map<string, Map<string, Entity>>();

  const remember = (entity: Entity): Entity => {
    const existing = mapped.get(entity._key);
    if (existing) return existing;
    mapped.set(entity._key, entity);
    return entity;
  };
  const inGraph = (key: string): Entity | undefined => {
    const entity = input.graph.getEntity(key);
    return entity && entity._source !== 'system-mapper' ? entity : undefined;
  };
  /** Users or roles of an account by name (ARNs in trust policies may omit or differ in path). */
  const named = (type: string, accountId: string, name: string): Entity | undefined => {
    const id = `${type}|${accountId}`;
    let names = byName.get(id);
    if (!names) {
      names = new Map();
      // The account's own list, not the organization's: on a graph kept on disk, the whole type's
      // list stays in memory until the mappings end (94,841 entities at 1,000,000 entities).
      for (const entity of input.graph.entitiesOfTypeInAccount(type, accountId)) {
        if (entity._source === 'system-mapper') continue;
        const parts = parseArn(entity._key);
        if (parts?.account === accountId) names.set(iamResourceName(parts.resource), entity);
      }
      byName.set(id, names);
    }
    return names.get(name);
  };
  const account = (accountId: string): { _key: string; _type: string } => {
    const existing = inGraph(accountEntityKey(accountId));
    if (existing) return existing;
    return remember(mappedAccount(accountId, input.ingestedAccounts.has(accountId)));
  };
  /** A user or role in some account; same-account principals missing from the graph are not validated. */
  const principalEntity = (arn: string, type: typeof ROLE_TYPE | typeof USER_TYPE, accountId: string, name: string): { _key: string; _type: string } => {
    const existing = inGraph(arn) ?? named(type, accountId, name);
    if (existing) return existing;
    const validated = accountId !== input.accountId && input.ingestedAccounts.has(accountId);
    return remember(mappedResource(arn, validated));
  };

  const resolveAws = (principal: string): { _key: string; _type: string } | undefined => {
    if (principal === '*') return remember(everyoneEntity());
    if (isAccountId(principal)) return account(principal);
    const parts = parseArn(principal);
    if (!parts || !isAccountId(parts.account)) return undefined;
    if (parts.service === 'iam' && parts.resource === 'root') return account(parts.account);
    if (parts.service === 'iam' && parts.resource.startsWith('role/')) {
      return principalEntity(principal, ROLE_TYPE, parts.account, iamResourceName(parts.resource));
    }
    if (parts.service === 'iam' && parts.resource.startsWith('user/')) {
      return principalEntity(principal, USER_TYPE, parts.account, iamResourceName(parts.resource));
    }
    if (parts.service === 'sts' && parts.resource.startsWith('assumed-role/')) {
      const roleName = parts.resource.split('/')[1] ?? '';
      const roleArn = `arn:${parts.partition}:iam::${parts.account}:role/${roleName}`;
      return roleName ? principalEntity(roleArn, ROLE_TYPE, parts.account, roleName) : undefined;
    }
    return undefined;
  };
  const resolveService = (principal: string): { _key: string; _type: string } => {
    const existing = inGraph(serviceEntityKey(input.accountId, servicePrincipalService(principal)));
    return existing ?? remember(mappedServicePrincipal(principal));
  };
  const resolveFederated = (principal: string): { _key: string; _type: string } => {
    const existing = inGraph(principal);
    if (existing) return existing;
    const parts = parseArn(principal);
    if (parts?.resource.startsWith('saml-provider/')) {
      const validated = parts.account !== input.accountId && input.ingestedAccounts.has(parts.account);
      return remember(mappedSamlProvider(principal, validated));
    }
    return remember(mappedWebIdentityProvider(principal));
  };

  for (const role of input.roles) {
    const text = role.assumeRolePolicyDocument;
    if (text === undefined || text === null) continue;
    const document = typeof text === 'string' ? parsePolicyDocument(text) : undefined;
    if (!document) {
      unreadable.push(role._key);
      continue;
    }
    const trusts = new Map<string, Trust>();
    const add = (target: { _key: string; _type: string } | undefined, type: PrincipalType, principal: string, statement: Statement) => {
      if (!target) {
        unresolved.add(principal);
        return;
      }
      const id = `${target._key}\u0000${statement.conditions ?? ''}`;
      let trust = trusts.get(id);
      if (!trust) trusts.set(id, (trust = { target, principalTypes: new Set(), principals: new Set(), actions: new Set(), statement }));
      trust.principalTypes.add(type);
      trust.principals.add(principal);
      for (const action of statement.actions.patterns) trust.actions.add(action);
    };
    for (const statement of document.statements) {
      if (statement.effect !== 'Allow' || statement.actions.kind !== 'include') continue;
      const principal = statement.principal;
      if (principal === '*') {
        add(remember(everyoneEntity()), 'Everyone', '*', statement);
        continue;
      }
      if (!isRecord(principal)) continue;
      for (const [kind, value] of Object.entries(principal)) {
        for (const item of strings(value)) {
          if (kind === 'AWS') add(resolveAws(item), item === '*' ? 'Everyone' : 'AWS', item, statement);
          else if (kind === 'Service') add(resolveService(item), 'Service', item, statement);
          else if (kind === 'Federated') add(resolveFederated(item), 'Federated', item, statement);
          else unresolved.add(`${kind}:${item}`);
        }
      }
    }
    const perTarget = new Map<string, number>();
    for (const trust of trusts.values()) perTarget.set(trust.target._key, (perTarget.get(trust.target._key) ?? 0) + 1);
    for (const trust of trusts.values()) {
      const conditions = trust.statement.conditions;
      const several = (perTarget.get(trust.target._key) ?? 0) > 1;
      relationships.push(
        createRelationship({
          from: role,
          verb: RelationshipVerb.TRUSTS,
          to: trust.target,
          keySuffix: several && conditions ? createHash('sha1').update(conditions).digest('hex').slice(0, 8) : undefined,
          properties: {
            actions: [...trust.actions].sort(),
            principal: [...trust.principals].sort().join(', '),
            principalType: [...trust.principalTypes].sort().join(', '),
            conditions,
            externalIdRequired: requiresExternalId(trust.statement),
            mfaRequired: requiresMfa(trust.statement),
          },
        }),
      );
    }
  }
  return { entities: [...mapped.values()], relationships, unreadable, unresolved: [...unresolved].sort() };
}
