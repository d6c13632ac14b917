import { join } from 'node:path';
import ts from 'typescript';
import { BUNDLER, STRICT_CONSUMER } from './strict-options.js';

/**
 * Type-checks a generated output's index.ts plus a consumer module (written as `__consumer__.ts` in the output folder,
 * in memory only) under the strict consumer settings with bundler resolution. Returns the diagnostics, each as the
 * file relative to `dir` and the message; empty when it compiles.
 */
export function compileWithConsumer(dir: string, consumer: string): string[] {
  const options = { ...STRICT_CONSUMER, ...BUNDLER };
  const consumerPath = join(dir, '__consumer__.ts');
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  host.readFile = (file) => (file === consumerPath ? consumer : readFile(file));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (file) => file === consumerPath || fileExists(file);
  const program = ts.createProgram({ rootNames: [join(dir, 'index.ts'), consumerPath], options, host });
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => `${d.file?.fileName.replace(dir, '') ?? ''} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}
