import type { FinalizeRequestMiddleware } from '@smithy/types';
import { SignatureV4 } from '@smithy/signature-v4';
import { CALL_ACCOUNT, CALL_SCOPE, type AccountState, type ScopedArgs } from './call-scope';
import { tagCollector } from './collector-user-agent';

/** What a request signer is to the SDK's SigV4 auth scheme. */
export interface RequestSigner {
  sign(request: unknown, options?: unknown): Promise<unknown>;
}

type RequestSignerClass = new (options: Record<string, unknown>) => RequestSigner;

/** The SDK's description of how a call is signed (from the endpoint's `authSchemes`). */
export interface SigningScheme {
  signingName?: string;
  signingRegion?: string;
}

/**
 * The account of the call being signed. One SDK client serves every account of a region (so the
 * SDK resolves its middleware once per region and command, not once per account), and a call's
 * credentials are those of the account whose view sent it: the access layer's middleware sets this
 * right before the SDK's signing middleware and clears it when that middleware's synchronous part
 * has run, in which the SDK asks the client's `signer` factory for a signer. Anything else that
 * asks for a signer finds no account and fails: a call is never signed with another account's keys.
 */
let signingAccount: AccountState | undefined;

/**
 * Right before the SDK's signing middleware: the call's account, for the `signer` factory (see
 * {@link signingAccount}), and its collector in the (unsigned) `User-Agent`.
 */
export const markSigningAccount: FinalizeRequestMiddleware<object, object> = (next) => (args) => {
  signingAccount = (args as ScopedArgs)[CALL_ACCOUNT];
  const collector = (args as ScopedArgs)[CALL_SCOPE]?.collector;
  if (collector) tagCollector(args.request, collector);
  try {
    return next(args);
  } finally {
    signingAccount = undefined;
  }
};

/**
 * A client's `signer` factory: a signer with the credentials of the account whose call is being
 * signed, made as the SDK makes one (its signer class, the client's settings; signing name and region
 * from the endpoint's auth scheme), and kept per account.
 */
function signerFor(
  account: AccountState | undefined,
  clientName: string,
  region: string,
  config: Record<string, unknown>,
  scheme: SigningScheme | undefined,
): Promise<RequestSigner> {
  if (!account) {
    return Promise.reject(new Error(`${clientName}: a request was about to be signed outside of an account's call; refusing to sign it`));
  }
  const signingRegion = scheme?.signingRegion ?? (config.signingRegion as string | undefined) ?? region;
  const signingName = scheme?.signingName ?? (config.signingName as string | undefined) ?? (config.defaultSigningName as string | undefined) ?? '';
  const key = `${clientName}|${signingRegion}|${signingName}`;
  let signer = account.signers.get(key);
  if (!signer) {
    const Signer = (config.signerConstructor as RequestSignerClass | undefined) ?? (SignatureV4 as unknown as RequestSignerClass);
    signer = new Signer({
      ...config,
      credentials: account.credentials,
      region: signingRegion,
      service: signingName,
      sha256: config.sha256,
      uriEscapePath: config.signingEscapePath,
    });
    account.signers.set(key, signer);
  }
  return Promise.resolve(signer);
}

/** A shared client's `signer` factory: a signer for the account whose call is being signed (see {@link signingAccount}). */
export function callAccountSigner(
  clientName: string,
  region: string,
  config: Record<string, unknown>,
  scheme: SigningScheme | undefined,
): Promise<RequestSigner> {
  return signerFor(signingAccount, clientName, region, config, scheme);
}
