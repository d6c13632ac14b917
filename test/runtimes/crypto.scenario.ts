/**
 * The crypto parts of the OAuth modules (client-auth.ts, dpop.ts, jose.ts), run as-is in every runtime by
 * test/runtimes/crypto.test.ts: key generation, key import (CryptoKey and JWK), signing and verifying client
 * assertions (RS256, PS256, ES256, EdDSA, HS256) and DPoP proofs, and JWK thumbprints (RFC 7638).
 */
import { runCryptoCheck } from '../oauth/portable/crypto-check.js';
import type { Scenario } from './harness.js';

const run: Scenario<unknown, Record<string, string>> = () => runCryptoCheck();
export default run;
