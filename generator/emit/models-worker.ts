import { parentPort, workerData } from 'node:worker_threads';
import type { ModelsJob, ModelsReply } from './models-job.js';
import { emitModels } from './models.js';

// Runs one job from models-job.ts: build models.ts, post the text (or the error), end.
const job = workerData as ModelsJob;
let reply: ModelsReply;
try {
  reply = { ok: true, text: emitModels(job.ir, job.ir.tokenEndpoints[job.endpoint]!) };
} catch (error) {
  const failure = error instanceof Error ? error : new Error(String(error));
  reply = {
    ok: false,
    name: failure.name,
    message: failure.message,
    ...(failure.stack !== undefined ? { stack: failure.stack } : {}),
  };
}
parentPort!.postMessage(reply);
