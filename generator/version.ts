import { readFileSync } from 'node:fs';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  name: string;
  version: string;
};

/** The tool's package name, as written into generated headers. */
export const TOOL_NAME: string = manifest.name;
/** The tool's version, as written into generated headers and the output manifest. */
export const TOOL_VERSION: string = manifest.version;
