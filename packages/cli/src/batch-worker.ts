/**
 * A batch worker: loads the policies once, then reads and decides the
 * segments of the input file that the main thread assigns to it.
 */
import { openSync, readSync, closeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { loadPolicies } from '@bylaw/runtime';
import { decideSegment, type BatchJob, type Segment } from './batch-core.js';

const { job, dataPath, output, onMalformed } = workerData as {
  job: BatchJob;
  dataPath: string;
  output: 'ndjson' | 'csv';
  onMalformed: 'skip' | 'fail';
};
const { registry } = loadPolicies(job.policyPaths, { cwd: job.cwd });
if (!registry) throw new Error('the policies do not check (they changed on disk since the main thread checked them?)');
const policy = registry.inForce(job.policyId, job.asOf)!.policy;
const fd = openSync(dataPath, 'r');

parentPort!.on('message', (segment: Segment | 'close') => {
  if (segment === 'close') {
    closeSync(fd);
    parentPort!.close();
    return;
  }
  const buffer = Buffer.allocUnsafe(segment.end - segment.start);
  readSync(fd, buffer, 0, buffer.length, segment.start);
  parentPort!.postMessage(decideSegment(policy, registry, job, segment, buffer.toString('utf8'), output, onMalformed));
});
