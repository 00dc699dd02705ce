/**
 * A batch worker: starts (loading its modules) while the main thread checks
 * the policies, takes the job with the checked policies, says it is ready,
 * then decides the segments that the main thread sends it, handing back their
 * bytes with the results so that the main thread can read into them again.
 */
import { parentPort } from 'node:worker_threads';
import type { CheckedPolicy } from '@bylaw/dsl';
import { PolicyRegistry } from '@bylaw/runtime';
import { SegmentDecider, type BatchJob, type Segment } from './batch-core.js';

/** The job, with the policies as the main thread checked them (nothing is parsed here). */
interface Start {
  readonly policies: CheckedPolicy[];
  readonly job: BatchJob;
  readonly output: 'ndjson' | 'csv';
  readonly onMalformed: 'skip' | 'fail';
}

let decider: SegmentDecider | undefined;

parentPort!.on('message', (m: Start | Segment) => {
  if ('job' in m) {
    const registry = PolicyRegistry.fromChecked(m.policies);
    decider = new SegmentDecider(registry.inForce(m.job.policyId, m.job.asOf)!.policy, registry, m.job, m.output, m.onMalformed);
    parentPort!.postMessage('ready');
    return;
  }
  const result = decider!.decide(m.seq, m.firstLine, m.bytes);
  const transfer = [m.bytes.buffer as ArrayBuffer];
  // Output in a buffer of its own moves; a small one, cut from Node's shared pool, is copied.
  if (result.output.byteLength > 0 && result.output.byteLength === result.output.buffer.byteLength) transfer.push(result.output.buffer as ArrayBuffer);
  parentPort!.postMessage({ result, bytes: m.bytes }, transfer);
});
