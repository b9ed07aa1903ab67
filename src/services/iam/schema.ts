import { defineEntities, defineRelationships, RelationshipVerb, serviceEntitySchema } from '../../graph';

/** IAM's entity types: the one place they are spelled. */
export const IamEntities = defineEntities({
  SERVICE: serviceEntitySchema('iam', 'IAM'),
  PASSWORD_POLICY: { _type: 'aws_iam_account_password_policy', _class: ['PasswordPolicy'], resourceName: 'IAM Account Password Policy' },
  USER: { _type: 'aws_iam_user', _class: ['User'], resourceName: 'IAM User' },
  ACCESS_KEY: { _type: 'aws_iam_access_key', _class: ['AccessKey'], resourceName: 'IAM User Access Key' },
  MFA_DEVICE: { _type: 'mfa_device', _class: ['AccessKey'], resourceName: 'IAM User MFA Device' },
  GROUP: { _type: 'aws_iam_group', _class: ['UserGroup'], resourceName: 'IAM Group' },
  ROLE: { _type: 'aws_iam_role', _class: ['AccessRole'], resourceName: 'IAM Role' },
  USER_POLICY: { _type: 'aws_iam_user_policy', _class: ['AccessPolicy'], resourceName: 'IAM User Policy' },
  GROUP_POLICY: { _type: 'aws_iam_group_policy', _class: ['AccessPolicy'], resourceName: 'IAM Group Policy' },
  ROLE_POLICY: { _type: 'aws_iam_role_policy', _class: ['AccessPolicy'], resourceName: 'IAM Role Policy' },
  POLICY: { _type: 'aws_iam_policy', _class: ['AccessPolicy'], resourceName: 'IAM Managed Policy' },
  SAML_PROVIDER: { _type: 'aws_iam_saml_provider', _class: ['Service'], resourceName: 'IAM SAML Provider' },
});

const SERVICE = IamEntities.SERVICE._type;
const { HAS, CONTAINS, USES } = RelationshipVerb;

/**
 * IAM's relationship types. `<principal> HAS <its inline policy>` names its target in its `_type`:
 * the derived one (`aws_iam_user_has_policy`) would be the one of `<principal> HAS aws_iam_policy`.
 */
export const IamRelationships = defineRelationships({
  SERVICE_HAS_POLICY: { from: SERVICE, verb: HAS, to: IamEntities.POLICY._type },
  SERVICE_HAS_GROUP: { from: SERVICE, verb: HAS, to: IamEntities.GROUP._type },
  SERVICE_HAS_ROLE: { from: SERVICE, verb: HAS, to: IamEntities.ROLE._type },
  SERVICE_HAS_USER: { from: SERVICE, verb: HAS, to: IamEntities.USER._type },
  SERVICE_HAS_USER_POLICY: { from: SERVICE, verb: HAS, to: IamEntities.USER_POLICY._type },
  SERVICE_HAS_GROUP_POLICY: { from: SERVICE, verb: HAS, to: IamEntities.GROUP_POLICY._type },
  SERVICE_HAS_ROLE_POLICY: { from: SERVICE, verb: HAS, to: IamEntities.ROLE_POLICY._type },
  SERVICE_HAS_PASSWORD_POLICY: { from: SERVICE, verb: HAS, to: IamEntities.PASSWORD_POLICY._type },
  SERVICE_HAS_SAML_PROVIDER: { from: SERVICE, verb: HAS, to: IamEntities.SAML_PROVIDER._type },
  USER_HAS_INLINE_POLICY: { from: IamEntities.USER._type, verb: HAS, to: IamEntities.USER_POLICY._type, _type: 'aws_iam_user_has_user_policy' },
  GROUP_HAS_INLINE_POLICY: { from: IamEntities.GROUP._type, verb: HAS, to: IamEntities.GROUP_POLICY._type, _type: 'aws_iam_group_has_group_policy' },
  ROLE_HAS_INLINE_POLICY: { from: IamEntities.ROLE._type, verb: HAS, to: IamEntities.ROLE_POLICY._type, _type: 'aws_iam_role_has_role_policy' },
  USER_HAS_POLICY: { from: IamEntities.USER._type, verb: HAS, to: IamEntities.POLICY._type },
  GROUP_HAS_POLICY: { from: IamEntities.GROUP._type, verb: HAS, to: IamEntities.POLICY._type },
  ROLE_HAS_POLICY: { from: IamEntities.ROLE._type, verb: HAS, to: IamEntities.POLICY._type },
  GROUP_CONTAINS_USER: { from: IamEntities.GROUP._type, verb: CONTAINS, to: IamEntities.USER._type },
  USER_HAS_ACCESS_KEY: { from: IamEntities.USER._type, verb: HAS, to: IamEntities.ACCESS_KEY._type },
  USER_USES_MFA_DEVICE: { from: IamEntities.USER._type, verb: USES, to: IamEntities.MFA_DEVICE._type },
});
