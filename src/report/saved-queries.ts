/**
 * J1QL questions the report answers ahead of time. The explorer opens their results as graphs: the
 * queries run here, in Node, on the whole snapshot, so the page needs neither the query engine nor
 * every entity's properties to show them.
 */
export interface SavedQuery {
  title: string;
  query: string;
}

export const DEFAULT_SAVED_QUERIES: readonly SavedQuery[] = [
  {
    title: 'Security groups that allow ingress from the Internet',
    query: 'FIND aws_security_group THAT ALLOWS AS rule internet WHERE rule.ingress = true RETURN TREE',
  },
  {
    title: 'Network ACLs that allow ingress from the Internet',
    query: 'FIND aws_network_acl THAT ALLOWS AS rule internet WHERE rule.ingress = true RETURN TREE',
  },
  {
    title: 'Policies that grant administrator access to an account',
    query: 'FIND AccessPolicy THAT ALLOWS AS grant aws_account WHERE grant.admin = true RETURN TREE',
  },
  { title: 'Roles trusted by other accounts', query: 'FIND aws_iam_role THAT TRUSTS aws_account RETURN TREE' },
  { title: 'IAM users with a password and no MFA', query: 'FIND aws_iam_user WITH mfaEnabled = false AND passwordEnabled = true' },
  { title: 'Public S3 buckets', query: 'FIND aws_s3_bucket WITH public = true' },
];
