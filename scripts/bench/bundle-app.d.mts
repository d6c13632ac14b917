/** Bundles `contents` (TypeScript, imports resolved from `resolveDir`) and returns the minified code. */
export function bundleApp(contents: string, resolveDir: string): Promise<string>;
/** min+gz: the gzip (level 9) size of minified code, in bytes. */
export function gzipSize(code: string | Uint8Array): number;
