// Preloaded with `node --import`: records the URL of every module the process resolves through ESM into the file
// named by RECORD_IMPORTS_FILE, so tests can assert which packages a code path loads.
import { register } from 'node:module';

register('./record-imports-hooks.mjs', import.meta.url, { data: { file: process.env.RECORD_IMPORTS_FILE } });
