// Preloaded with `node --import`: records the URL of every module the process loads into the file named by
// RECORD_IMPORTS_FILE, so tests can assert which packages a code path loads. ES modules are recorded by a resolve
// hook; CommonJS modules (the generator loads openapi-typescript and typescript with `require`) by wrapping
// Module._load, which every `require` goes through.
import { appendFileSync } from 'node:fs';
import Module, { register } from 'node:module';
import { pathToFileURL } from 'node:url';

const file = process.env.RECORD_IMPORTS_FILE;
register('./record-imports-hooks.mjs', import.meta.url, { data: { file } });

const load = Module._load;
Module._load = function recordingLoad(request, parent, isMain) {
  if (file && !Module.isBuiltin(request)) {
    try {
      appendFileSync(file, `${pathToFileURL(Module._resolveFilename(request, parent, isMain)).href}\n`);
    } catch {
      // An unresolvable request is not a file; the real load below reports it.
    }
  }
  return load.apply(this, arguments);
};
