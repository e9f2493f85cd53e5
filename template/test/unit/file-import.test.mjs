// The S3 import entry point with the in-memory store and a recording job queue:
// per-file checks, one job per file version, partial failures thrown for a retry.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createHandler } from '../../src/handler.mjs';
import { loadConfig } from '../../src/config.mjs';
import { decodeKey } from '../../src/files.mjs';
import { createMemoryStore } from '../../src/lib/stores/memory.mjs';
import { logCollector, s3Record, unreachableStore } from '../support/consumer-events.mjs';

/** @typedef {import('../../src/files.mjs').ImportJob} ImportJob */

/**
 * @param {object} [options]
 * @param {import('../../src/files.mjs').EnqueueJob} [options.handOn]  records the jobs when missing
 * @param {import('../../src/lib/idempotency.mjs').IdempotencyStore} [options.store]
 * @param {Partial<import('../../src/config.mjs').Config>} [options.config]  over the defaults
 */
function setup({ handOn, store = createMemoryStore(), config = {} } = {}) {
  const logs = logCollector();
  /** @type {ImportJob[]} */
  const jobs = [];
  const handler = createHandler({
    config: { ...loadConfig({}), idempotencyStore: 'memory', ...config },
    store,
    write: logs.write,
    handOn: handOn ?? (async (job) => jobs.push(job)),
  });
  return { handler, logs, jobs };
}

describe('file import', () => {
  it('queues one job per new file with bucket, key, size and eTag', async () => {
    const { handler, jobs } = setup();
    const result = await handler({ Records: [s3Record()] }, {});
    assert.equal(jobs.length, 1);
    assert.match(jobs[0].jobId, /^job-[0-9a-f]{32}$/);
    assert.deepEqual({ ...jobs[0], jobId: undefined }, { jobId: undefined, bucket: 'imports-test', key: 'incoming/invoices.csv', size: 2048, eTag: 'etag-1' });
    assert.deepEqual(result.queued, [jobs[0].jobId]);
  });

  it('skips a notification delivered twice, and a re-upload of the same content', async () => {
    const { handler, jobs } = setup();
    await handler({ Records: [s3Record()] }, {});
    const again = await handler({ Records: [s3Record()] }, {});
    assert.equal(jobs.length, 1);
    assert.deepEqual(again.duplicates, [jobs[0].jobId]);
  });

  it('queues a new job when the object changes (new eTag or new version)', async () => {
    const { handler, jobs } = setup();
    await handler({ Records: [s3Record({ eTag: 'etag-1' }), s3Record({ eTag: 'etag-2' }), s3Record({ eTag: 'etag-2', versionId: 'v2' })] }, {});
    assert.equal(new Set(jobs.map((job) => job.jobId)).size, 3);
  });

  it('decodes URL-encoded keys, with "+" for spaces', async () => {
    const { handler, jobs } = setup();
    await handler({ Records: [s3Record({ key: 'incoming/invoices+for+M%C3%BCnchen%20%28Nov%29.csv' })] }, {});
    assert.equal(jobs[0].key, 'incoming/invoices for München (Nov).csv');
    assert.equal(decodeKey('a%2Bb.csv'), 'a+b.csv');
    assert.equal(decodeKey('broken%E0%A4%A.csv'), null);
  });

  it('rejects, without retrying, files that are too large, empty, of another type or badly encoded', async () => {
    const { handler, jobs } = setup({ config: { maxFileBytes: 1000 } });
    const result = await handler(
      {
        Records: [
          s3Record({ key: 'incoming/big.csv', size: 1001 }),
          s3Record({ key: 'incoming/empty.csv', size: 0 }),
          s3Record({ key: 'incoming/tool.exe', size: 10 }),
          s3Record({ key: 'incoming/bad%E0%A4%A.csv', size: 10 }),
          s3Record({ key: 'incoming/folder/', size: 10 }),
          s3Record({ key: 'incoming/ok.JSON', size: 10 }),
        ],
      },
      {},
    );
    assert.deepEqual(result.rejected.map((item) => item.reason), ['file_too_large', 'empty_file', 'unsupported_file_type', 'undecodable_key', 'folder_marker']);
    assert.deepEqual(jobs.map((job) => job.key), ['incoming/ok.JSON']);
  });

  it('queues the good files of a batch, then throws so Lambda retries the failed one', async () => {
    let failNext = true;
    /** @type {string[]} */
    const queued = [];
    const { handler } = setup({
      handOn: async (job) => {
        if (job.key.endsWith('b.csv') && failNext) {
          failNext = false;
          throw new Error('SQS throttled');
        }
        queued.push(job.key);
      },
    });
    const event = { Records: [s3Record({ key: 'incoming/a.csv' }), s3Record({ key: 'incoming/b.csv' }), s3Record({ key: 'incoming/c.csv' })] };
    await assert.rejects(handler(event, {}), { name: 'FilesNotQueuedError', message: /1 of 3 files/ });
    assert.deepEqual(queued, ['incoming/a.csv', 'incoming/c.csv']);
    const retry = await handler(event, {});
    assert.deepEqual(queued, ['incoming/a.csv', 'incoming/c.csv', 'incoming/b.csv']);
    assert.equal(retry.duplicates.length, 2);
  });

  it('throws, and queues nothing, when the store is unreachable', async () => {
    const { handler, jobs } = setup({ store: unreachableStore });
    await assert.rejects(handler({ Records: [s3Record()] }, {}), { name: 'FilesNotQueuedError' });
    assert.equal(jobs.length, 0);
  });

  it('never throws for malformed or foreign events', async () => {
    const { handler, jobs } = setup();
    /** @type {unknown[]} */
    const events = [undefined, {}, { Event: 's3:TestEvent' }, { Records: [null, 5, {}, { eventName: 'ObjectCreated:Put' }, { eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'b' }, object: { key: 'k.csv', size: 'big' } } }] }, { Records: [s3Record({ eventName: 'ObjectRemoved:Delete' })] }];
    // Passed as if they were notifications: the handler must cope with whatever arrives.
    for (const event of events) await handler(/** @type {import('../../src/handler.mjs').S3Notification} */ (event), {});
    assert.equal(jobs.length, 0);
  });
});
