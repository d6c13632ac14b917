// Writes config.schema.json, the JSON Schema of the JSON config file, from the option tables in generator/config.ts
// (through dist/, which bin/wealthcare-codegen.js rebuilds when stale). test/cli/config.test.ts checks it is current.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

execFileSync(process.execPath, [new URL('../bin/wealthcare-codegen.js', import.meta.url).pathname, '--version'], {
  stdio: 'ignore',
});
const { configJsonSchema } = await import('../dist/config.js');
writeFileSync(new URL('../config.schema.json', import.meta.url), `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
