import { createHash, createHmac, randomBytes } from 'node:crypto';
import { EC2Client } from '@aws-sdk/client-ec2';
import type { HttpRequest, RequestSigner } from '@smithy/types';
import test from 'ava';
import { forgetSigningSecret, MEMO_MAX_SECRETS, rememberedSigningSecrets, Sha256 } from '../../src/aws/sha256';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

async function digestOf(secret: string | Uint8Array | undefined, chunks: Array<string | Uint8Array>): Promise<string> {
  const hash = new Sha256(secret);
  for (const chunk of chunks) hash.update(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return hex(await hash.digest());
}

test('digests and HMACs are those of node:crypto, for one chunk or several, short or long', async (t) => {
  for (const message of ['', 'abc', '20261123', 'x'.repeat(64), 'x'.repeat(65), randomBytes(1000).toString('latin1')]) {
    const bytes = Buffer.from(message, 'latin1');
    t.is(await digestOf(undefined, [bytes]), createHash('sha256').update(bytes).digest('hex'));
    t.is(await digestOf('secret', [bytes]), createHmac('sha256', 'secret').update(bytes).digest('hex'));
    const key = randomBytes(32);
    t.is(await digestOf(key, [bytes]), createHmac('sha256', key).update(bytes).digest('hex'));
    const half = bytes.length >> 1;
    t.is(await digestOf('secret', [bytes.subarray(0, half), bytes.subarray(half)]), createHmac('sha256', 'secret').update(bytes).digest('hex'));
    t.is(await digestOf(undefined, [bytes.subarray(0, half), bytes.subarray(half)]), createHash('sha256').update(bytes).digest('hex'));
  }
});

test('a remembered HMAC is the right one: same message under other keys, derived keys, repeated derivations', async (t) => {
  const derive = async (secret: string, steps: string[]) => {
    let key: string | Uint8Array = `AWS4${secret}`;
    for (const step of steps) {
      const hash: Sha256 = new Sha256(key);
      hash.update(Buffer.from(step));
      key = await hash.digest();
    }
    return key as Uint8Array;
  };
  const expected = (secret: string, steps: string[]) => {
    let key: Buffer | string = `AWS4${secret}`;
    for (const step of steps) key = createHmac('sha256', key).update(step).digest();
    return (key as Buffer).toString('hex');
  };
  const steps = ['20261123', 'us-east-1', 'ec2', 'aws4_request'];
  for (let round = 0; round < 3; round++) {
    for (const secret of ['first-secret', 'second-secret']) {
      t.is(hex(await derive(secret, steps)), expected(secret, steps));
      t.is(hex(await derive(secret, ['20261123', 'eu-west-1', 'ec2', 'aws4_request'])), expected(secret, ['20261123', 'eu-west-1', 'ec2', 'aws4_request']));
    }
  }
  // A copy of a derived key (not the array handed out) is hashed as is, with the same result.
  const key = await derive('first-secret', steps.slice(0, 2));
  const copy = Uint8Array.from(key);
  t.is(await digestOf(copy, ['ec2']), await digestOf(key, ['ec2']));
});

test('plain hashes can be digested again and updated after a digest; HMACs cannot be updated after one', async (t) => {
  const hash = new Sha256();
  hash.update(Buffer.from('ab'));
  t.is(hex(await hash.digest()), createHash('sha256').update('ab').digest('hex'));
  hash.update(Buffer.from('c'));
  t.is(hex(await hash.digest()), createHash('sha256').update('abc').digest('hex'));
  hash.reset();
  hash.update(Buffer.from('x'));
  t.is(hex(await hash.digest()), createHash('sha256').update('x').digest('hex'));
  const mac = new Sha256('k');
  mac.update(Buffer.from('m'));
  await mac.digest();
  t.throws(() => mac.update(Buffer.from('more')));
});

test("SigV4 signatures are the same as with the SDK's own SHA-256", async (t) => {
  const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'token' };
  const request = () => ({
    method: 'POST',
    protocol: 'https:',
    hostname: 'ec2.us-east-1.amazonaws.com',
    path: '/',
    headers: { host: 'ec2.us-east-1.amazonaws.com', 'content-type': 'application/x-www-form-urlencoded' },
    body: 'Action=DescribeRegions&Version=2016-11-15',
  });
  const signingDate = new Date('2026-11-23T12:00:00Z');
  for (const region of ['us-east-1', 'eu-west-1', 'us-east-1']) {
    // The signer each client builds for a call: the SDK's SignatureV4 with the client's `sha256`.
    const sign = async (client: EC2Client) => {
      const signer = (await client.config.signer()) as RequestSigner;
      return signer.sign(request() as HttpRequest, { signingDate });
    };
    const ours = new EC2Client({ region, credentials, sha256: Sha256 });
    const sdk = new EC2Client({ region, credentials });
    t.not(sdk.config.sha256, Sha256);
    const [mine, theirs] = [await sign(ours), await sign(sdk)];
    t.is(mine.headers.authorization, theirs.headers.authorization, region);
    t.regex(String(mine.headers.authorization), new RegExp(`Credential=AKIDEXAMPLE/20261123/${region}/ec2/aws4_request`));
  }
});

/** Derives a SigV4 signing key through `Sha256` (as the SDK's signer does) and answers it. */
async function signingKey(secret: string, date: string, region: string, service: string): Promise<Uint8Array> {
  let key: string | Uint8Array = `AWS4${secret}`;
  for (const step of [date, region, service, 'aws4_request']) {
    const hash: Sha256 = new Sha256(key);
    hash.update(Buffer.from(step));
    key = await hash.digest();
  }
  return key as Uint8Array;
}

test.serial("what is derived from a secret is forgotten with its account, and at most MEMO_MAX_SECRETS secrets' are remembered", async (t) => {
  const before = rememberedSigningSecrets();
  const secrets = ['released-account-secret-1', 'released-account-secret-2'];
  const keys = new Map<string, Uint8Array>();
  for (const secret of secrets) {
    // The SDK names its cached key by an HMAC of the access key id under the secret itself.
    await digestOf(secret, ['ASIAEXAMPLE']);
    for (const region of ['us-east-1', 'eu-west-1']) keys.set(`${secret}|${region}`, await signingKey(secret, '20261207', region, 'ec2'));
  }
  t.is(rememberedSigningSecrets(), before + 4, 'the secret and AWS4 + the secret, per account');
  // Remembered: the same array is handed out again.
  t.is(await signingKey(secrets[0], '20261207', 'us-east-1', 'ec2'), keys.get(`${secrets[0]}|us-east-1`)!);
  forgetSigningSecret(secrets[0]);
  t.is(rememberedSigningSecrets(), before + 2);
  const again = await signingKey(secrets[0], '20261207', 'us-east-1', 'ec2');
  t.not(again, keys.get(`${secrets[0]}|us-east-1`), 'derived again');
  t.is(hex(again), hex(keys.get(`${secrets[0]}|us-east-1`)!), 'to the same key');
  t.is(await signingKey(secrets[1], '20261207', 'eu-west-1', 'ec2'), keys.get(`${secrets[1]}|eu-west-1`)!, "another account's are kept");
  for (const secret of secrets) forgetSigningSecret(secret);
  t.is(rememberedSigningSecrets(), before);

  // Credentials never released (replaced on the way): the oldest secrets go first.
  for (let index = 0; index < MEMO_MAX_SECRETS; index++) await signingKey(`replaced-${index}`, '20261207', 'us-east-1', 'sts');
  t.is(rememberedSigningSecrets(), MEMO_MAX_SECRETS);
  const newest = await signingKey(`replaced-${MEMO_MAX_SECRETS - 1}`, '20261207', 'us-east-1', 'sts');
  t.is(await signingKey(`replaced-${MEMO_MAX_SECRETS - 1}`, '20261207', 'us-east-1', 'sts'), newest, 'the newest is remembered');
  const oldest = await signingKey('replaced-0', '20261207', 'us-east-1', 'sts');
  t.is(rememberedSigningSecrets(), MEMO_MAX_SECRETS);
  t.is(hex(oldest), hex(createHmacChain('replaced-0', ['20261207', 'us-east-1', 'sts', 'aws4_request'])));
  for (let index = 0; index < MEMO_MAX_SECRETS; index++) forgetSigningSecret(`replaced-${index}`);
});

function createHmacChain(secret: string, steps: string[]): Buffer {
  let key: Buffer | string = `AWS4${secret}`;
  for (const step of steps) key = createHmac('sha256', key).update(step).digest();
  return key as Buffer;
}
