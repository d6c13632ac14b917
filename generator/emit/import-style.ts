import { createRequire } from 'node:module';
import type { ImportStyle } from '../config.js';

/**
 * The import style option: one pass over the emitted files that rewrites every relative module specifier ending in
 * `.js` (how emit and the runtime modules write them) to `.ts` or to no extension. It runs once, after emit, on the
 * files map, so it holds whatever renders the files. Specifiers are found with TypeScript's own scanner
 * (`preProcessFile`: imports, `export … from`, `import()`, `import type`; never text in comments or strings that
 * are not specifiers); typescript is already loaded by the pipeline at this point.
 */
export function applyImportStyle(files: Map<string, string>, style: ImportStyle): void {
  if (style === 'js') return;
  const ts = createRequire(import.meta.url)('typescript') as typeof import('typescript');
  for (const [name, text] of files) {
    if (!/\.[mc]?ts$/.test(name)) continue;
    const { importedFiles } = ts.preProcessFile(text, true, true);
    let result = '';
    let at = 0;
    for (const reference of importedFiles) {
      const specifier = reference.fileName;
      if (!/^\.\.?\//.test(specifier) || !specifier.endsWith('.js')) continue;
      // `pos` is the specifier's start inside its quotes (the scanner reports the literal's text range).
      const start = text.indexOf(specifier, reference.pos);
      if (start < 0) continue;
      const end = start + specifier.length;
      result += text.slice(at, end - '.js'.length) + (style === 'ts' ? '.ts' : '');
      at = end;
    }
    if (at > 0) files.set(name, result + text.slice(at));
  }
}
