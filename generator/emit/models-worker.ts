import { parentPort, workerData } from 'node:worker_threads';
import type { ModelsJob, ModelsReply } from './models-job.js';
import { emitModels, loadTsMorph } from './models.js';

// Runs one job from models-job.ts: build models.ts, post the text (or the error), end. A prestarted worker
// (prestartModels) loads ts-morph first, then waits for its job as a message.
function run(job: ModelsJob): void {
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
}

if ((workerData as { prestart?: boolean }).prestart === true) {
  loadTsMorph();
  parentPort!.once('message', (job: ModelsJob) => {
    run(job);
    parentPort!.close();
  });
} else {
  run(workerData as ModelsJob);
}
