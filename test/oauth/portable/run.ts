// Entry for `deno run --sloppy-imports` / `bun run`: prints the crypto check as one JSON line.
import { runCryptoCheck } from './crypto-check.js';

console.log(JSON.stringify(await runCryptoCheck()));
