import * as pulumi from '@pulumi/pulumi';

/** Random bytes behind a generated External ID (base64url: 4 characters per 3 bytes). */
export const DEFAULT_EXTERNAL_ID_BYTES = 24;

export interface GeneratedExternalIdInputs {
  /** Changing it replaces the value (and so every trust policy): a deliberate rotation. */
  bytes: number;
  /** Bump to rotate the External ID with the same length. */
  rotation: number;
}

export interface GeneratedExternalIdOutputs extends GeneratedExternalIdInputs {
  value: string;
}

/**
 * Generates the External ID once, in `create`, and keeps it in the resource's outputs: every later
 * `up` reads it back from the state, so it is stable until the inputs change. Runs inside Pulumi's
 * dynamic-provider host, so it must be self-contained (no captured modules, no `pulumi.Config`).
 */
export const externalIdProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: GeneratedExternalIdInputs): Promise<pulumi.dynamic.CreateResult> {
    // Required here rather than imported: the function is serialized into the provider host.
    const crypto = require('node:crypto') as typeof import('node:crypto');
    const bytes = Math.min(Math.max(Math.trunc(Number(inputs.bytes) || 24), 8), 918);
    // base64url uses letters, digits, '-' and '_', all allowed in an External ID.
    const value = crypto.randomBytes(bytes).toString('base64url');
    const outs: GeneratedExternalIdOutputs = { bytes: inputs.bytes, rotation: inputs.rotation, value };
    // The id must not reveal the value.
    return { id: crypto.randomUUID(), outs };
  },
  async diff(_id: string, olds: GeneratedExternalIdOutputs, news: GeneratedExternalIdInputs): Promise<pulumi.dynamic.DiffResult> {
    const replaces = (['bytes', 'rotation'] as const).filter((key) => olds[key] !== news[key]);
    return { changes: replaces.length > 0, replaces, deleteBeforeReplace: false };
  },
};

/** A random External ID generated on the first `up` and stable afterwards; `value` is a secret. */
/** The module of both dynamic resource types (`pulumi-nodejs:dynamic/aws-org-graph:<Type>`). */
export const DYNAMIC_RESOURCE_MODULE = 'aws-org-graph';

export class GeneratedExternalId extends pulumi.dynamic.Resource {
  declare readonly value: pulumi.Output<string>;
  declare readonly bytes: pulumi.Output<number>;
  declare readonly rotation: pulumi.Output<number>;

  constructor(name: string, args: { bytes?: number; rotation?: number } = {}, opts: pulumi.CustomResourceOptions = {}) {
    const inputs = { bytes: args.bytes ?? DEFAULT_EXTERNAL_ID_BYTES, rotation: args.rotation ?? 0, value: undefined };
    super(
      externalIdProvider,
      name,
      inputs,
      {
        ...opts,
        additionalSecretOutputs: [...(opts.additionalSecretOutputs ?? []), 'value'],
        // The type was `dynamic/orggraph:ExternalId` before both dynamic resources shared one module:
        // the alias keeps existing stacks' External ID (a new type would replace it, and every role's trust).
        aliases: [...(opts.aliases ?? []), { type: 'pulumi-nodejs:dynamic/orggraph:ExternalId' }],
      },
      DYNAMIC_RESOURCE_MODULE,
      'ExternalId',
    );
  }
}
