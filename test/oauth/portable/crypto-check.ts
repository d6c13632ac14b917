/**
 * The crypto parts of the OAuth modules, checked with nothing but WebCrypto, so the same file runs on Node, Deno
 * (`deno run --sloppy-imports`), Bun and in a browser: key generation and import (CryptoKey and JWK), signing a
 * client assertion and a DPoP proof, verifying both, and the RFC 7638 thumbprint vector. `runCryptoCheck()`
 * returns one line per case: `ok`, `unsupported: …` (the runtime lacks the algorithm, e.g. Ed25519) or `FAIL: …`.
 */
import { privateKeyJwt, clientSecretJwt } from '../../../templates/runtime/client-auth.js';
import { calculateJwkThumbprint, createDPoP } from '../../../templates/runtime/dpop.js';

type Params = RsaHashedKeyGenParams | EcKeyGenParams | { name: 'Ed25519' };
const KEYS: Record<string, { generate: Params; verify: AlgorithmIdentifier | RsaPssParams | EcdsaParams }> = {
  RS256: {
    generate: {
      name: 'RSASSA-PKCS1-v1_5',
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: 'SHA-256',
    },
    verify: { name: 'RSASSA-PKCS1-v1_5' },
  },
  PS256: {
    generate: { name: 'RSA-PSS', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    verify: { name: 'RSA-PSS', saltLength: 32 },
  },
  ES256: { generate: { name: 'ECDSA', namedCurve: 'P-256' }, verify: { name: 'ECDSA', hash: 'SHA-256' } },
  EdDSA: { generate: { name: 'Ed25519' }, verify: { name: 'Ed25519' } },
};

function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

async function verifies(jwt: string, key: CryptoKey, algorithm: AlgorithmIdentifier | RsaPssParams | EcdsaParams) {
  const [h, p, s] = jwt.split('.') as [string, string, string];
  return crypto.subtle.verify(algorithm, key, fromBase64url(s), new TextEncoder().encode(`${h}.${p}`));
}

async function assertion(auth: ReturnType<typeof privateKeyJwt>): Promise<string> {
  const body = new URLSearchParams();
  await auth({ url: new URL('https://as.example/token'), body, headers: {} });
  return body.get('client_assertion') ?? '';
}

export async function runCryptoCheck(): Promise<Record<string, string>> {
  const results: Record<string, string> = {};
  const record = async (name: string, check: () => Promise<boolean>) => {
    try {
      results[name] = (await check()) ? 'ok' : 'FAIL: did not verify';
    } catch (error) {
      const text = `${(error as Error)?.name}: ${(error as Error)?.message}`;
      results[name] = /NotSupported|Unrecognized|not supported|unsupported/i.test(text)
        ? `unsupported: ${text}`
        : `FAIL: ${text}`;
    }
  };
  for (const [alg, { generate, verify }] of Object.entries(KEYS)) {
    let pair: CryptoKeyPair | undefined;
    await record(`${alg} generate`, async () => {
      pair = (await crypto.subtle.generateKey(generate, true, ['sign', 'verify'])) as CryptoKeyPair;
      return true;
    });
    if (!pair) continue;
    const keys = pair;
    await record(`${alg} private_key_jwt (CryptoKey)`, async () =>
      verifies(await assertion(privateKeyJwt({ clientId: 'c', key: keys.privateKey })), keys.publicKey, verify),
    );
    await record(`${alg} private_key_jwt (JWK import)`, async () => {
      const jwk = await crypto.subtle.exportKey('jwk', keys.privateKey);
      const algorithm = alg as 'RS256' | 'PS256' | 'ES256' | 'EdDSA';
      return verifies(await assertion(privateKeyJwt({ clientId: 'c', key: jwk, algorithm })), keys.publicKey, verify);
    });
    await record(`${alg} DPoP proof + thumbprint`, async () => {
      const dpop = createDPoP({ keyPair: keys });
      const proof = await dpop.proof({ method: 'GET', url: 'https://rs.example/r', accessToken: 't' });
      const header = JSON.parse(new TextDecoder().decode(fromBase64url(proof.split('.')[0]!))) as { jwk: JsonWebKey };
      return (
        (await verifies(proof, keys.publicKey, verify)) &&
        (await dpop.thumbprint()) === (await calculateJwkThumbprint(header.jwk))
      );
    });
  }
  await record('HS256 client_secret_jwt', async () => {
    const key = await crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode('s'.repeat(32)),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['verify'],
    );
    return verifies(await assertion(clientSecretJwt({ clientId: 'c', clientSecret: 's'.repeat(32) })), key, 'HMAC');
  });
  await record('RFC 7638 §3.1 thumbprint', async () => {
    const n =
      '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw';
    return (
      (await calculateJwkThumbprint({ kty: 'RSA', n, e: 'AQAB' })) === 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs'
    );
  });
  return results;
}
