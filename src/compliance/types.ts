/**
 * Compliance frameworks as data (docs/compliance.md): a framework file lists controls, each with
 * J1QL queries and a rule that turns their results into PASS or FAIL, the inputs (entity types and
 * properties) it needs, or, for controls no query can decide, guidance for a human (MANUAL).
 */

/** What a control needs from the graph. Missing or stale input makes the control NOT_EVALUATED. */
export interface ControlInput {
  /** Entity `_type` the control reads. */
  type: string;
  /** J1QL filter (the part after `WITH`) selecting the entities whose `properties` must be known. */
  where?: string;
  /**
   * Properties that must be present on those entities. `{region}` stands for every region the
   * producing collector read in the entity's account (`ebsEncryptionByDefault.{region}`).
   */
  properties?: string[];
  /** The AWS API that provides it, named in the NOT_EVALUATED reason when nothing collects it. */
  source?: string;
}

export interface ControlQuery {
  /** J1QL without RETURN: the entities it finds are the control's evidence (see the rule). */
  query: string;
  /** J1QL without RETURN: entities it finds are removed from this query's results (exceptions). */
  except?: string;
}

/**
 * How query results become a verdict, per account:
 * - `no-rows`: every entity found is failing evidence; no entity = PASS.
 * - `count`: the number of entities found in the account must lie within min..max.
 * - `every`: each entity of `every` (a J1QL query) must be matched by an entity the queries find
 *   with the same values of `match`; unmatched ones are the failing evidence.
 */
export type ControlRule = { kind: 'no-rows' } | { kind: 'count'; min?: number; max?: number } | { kind: 'every'; every: string; match: string[] };

export type ControlMode = 'automated' | 'manual';

export interface Control {
  id: string;
  /** Section id the control is scored under (by default the id's first part: `2` for `2.1.4`). */
  section: string;
  title: string;
  mode: ControlMode;
  /** CIS profile level, when the framework has levels. */
  level?: number;
  /** What to do or check, in this project's words (manual controls must have it). */
  guidance?: string;
  inputs: ControlInput[];
  queries: ControlQuery[];
  rule: ControlRule;
  /**
   * Set on controls of a mapping framework: the framework and control that hold the check. The
   * queries, inputs and rule are that control's.
   */
  checkedBy?: { framework: string; control: string };
  /** File and line where the control is defined (for error messages). */
  origin: string;
}

export interface Section {
  id: string;
  title: string;
}

export interface Framework {
  /** Id used on the command line: `cis-aws-7.0`. */
  id: string;
  title: string;
  version?: string;
  description?: string;
  sections: Section[];
  controls: Control[];
  /** The file it was read from. */
  file: string;
}

export type ControlStatus = 'PASS' | 'FAIL' | 'NOT_EVALUATED' | 'MANUAL';

export interface EvidenceEntity {
  _key: string;
  _type: string;
  displayName: string;
  accountId?: string;
  region?: string;
  /** Carried from the previous snapshot: its scope failed this run. */
  stale?: true;
}

export interface AccountResult {
  accountId: string;
  status: Exclude<ControlStatus, 'MANUAL'>;
  /** Failing evidence entities in this account. */
  failing: number;
  reasons?: string[];
}

export interface ControlResult {
  id: string;
  section: string;
  title: string;
  mode: ControlMode;
  level?: number;
  status: ControlStatus;
  /** Why NOT_EVALUATED (input not collected, stale or incomplete), or why FAIL for count rules. */
  reasons: string[];
  /** Failing evidence (for MANUAL controls with queries: what to review), at most `maxEvidence`. */
  evidence: EvidenceEntity[];
  evidenceTotal: number;
  accounts: AccountResult[];
  guidance?: string;
  checkedBy?: { framework: string; control: string };
}

export interface SectionScore {
  id: string;
  title: string;
  pass: number;
  fail: number;
  notEvaluated: number;
  manual: number;
  /** PASS / (PASS + FAIL), in percent, one decimal; null when nothing was evaluated. */
  score: number | null;
  /** (PASS + FAIL) / automated controls, in percent. */
  coverage: number | null;
}

export interface ComplianceReport {
  framework: { id: string; title: string; version?: string };
  /** `endedAt` of the snapshot: the clock for date filters (`date.now - 90 days`). */
  evaluatedAt: string;
  accounts: string[];
  controls: ControlResult[];
  sections: SectionScore[];
  overall: Omit<SectionScore, 'id' | 'title'>;
  /** Ids of the failing controls, for gates and summaries. */
  failing: string[];
}
