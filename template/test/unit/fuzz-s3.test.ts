// Fuzzing the S3 import with fast-check: notifications with valid, odd and hostile records
// (encoded and undecodable keys, sizes of every type, missing eTags, other event names,
// broken envelopes). Whatever arrives, the handler resolves or throws its own
// FilesNotQueuedError (so Lambda retries), never a TypeError or another crash; it queues
// a job only for an importable file, at most once per file version, accounts for every
// record, and writes no secret or personal data to its logs.
// FUZZ_RUNS=10000 npm test runs more events; see test/support/fuzz.ts.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { FilesNotQueuedError, createHandler, type ImportSummary, type S3Notification } from '../../src/handler.ts';
import { loadConfig } from '../../src/config.ts';
import { createMemoryStore } from '../../src/lib/stores/memory.ts';
import { CANARY, canaryLog } from '../support/canaries.ts';
import { s3Record, unreachableStore, type S3RecordFixture } from '../support/consumer-events.ts';
import { enormousText, fuzz, hostileJsonValue, hostileText } from '../support/fuzz.ts';
import type { ImportJob, S3Record } from '../../src/files.ts';
import type { Arbitrary } from 'fast-check';

const config = { ...loadConfig({}), idempotencyStore: 'memory' };


/** Encodes like S3 does in notifications; a lone surrogate cannot be encoded and stays raw. */
function s3Encoded(name: string) {
  try {
    return encodeURIComponent(name).replace(/%20/g, '+');
  } catch {
    return name;
  }
}

const fileName = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('invoices', 'invoices+for+M%C3%BCnchen', 'a%2Bb', 'bad%E0%A4%A', '%', 'folder/', '', '..%2F..%2Fetc') },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }).map(s3Encoded) },
  { weight: 1, arbitrary: hostileText },
);
const extension = fc.constantFrom('.csv', '.json', '.jsonl', '.CSV', '.exe', '', '.csv/');
const key = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fileName, extension).map(([name, ext]) => `incoming/${name}${ext}`) },
  { weight: 1, arbitrary: fc.oneof(hostileJsonValue, enormousText) },
);
const size = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 100_000 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -1, 1.5, '2048', null, 2 ** 60, config.maxFileBytes, config.maxFileBytes + 1) },
);
/**
 * @param odd one value in nine
 */
const part = (usual: Arbitrary<unknown>, odd: Arbitrary<unknown>) => fc.oneof({ weight: 8, arbitrary: usual }, { weight: 1, arbitrary: odd });
const fields = fc.record({
  key,
  size,
  eTag: part(fc.constantFrom('etag-1', 'etag-2'), fc.constantFrom(undefined, '', 5, null)),
  versionId: part(fc.constantFrom(undefined, undefined, 'v1', 'v2'), fc.oneof(fc.constant(''), hostileJsonValue)),
  eventName: part(fc.constantFrom('ObjectCreated:Put', 'ObjectCreated:CompleteMultipartUpload'), fc.oneof(fc.constantFrom('ObjectRemoved:Delete', 'ObjectCreated', 'objectcreated:put', ''), hostileJsonValue)),
  bucket: part(fc.constantFrom('imports-test', 'imports-other'), hostileJsonValue),
});

/** A notification record with the generated parts in place of the fixture's. */
function recordFrom({ key: objectKey, size: objectSize, eTag, versionId, eventName, bucket }: {
  key: unknown;
  size: unknown;
  eTag: unknown;
  versionId: unknown;
  eventName: unknown;
  bucket: unknown;
}) {
  const record = s3Record();
  Object.assign(record, { eventName, userIdentity: { principalId: `AWS:${CANARY.email}` } });
  Object.assign(record.s3.bucket, { name: bucket });
  Object.assign(record.s3.object, { key: objectKey, size: objectSize, eTag, versionId });
  return record;
}

// The same upload notified again: it must be skipped as a duplicate, not queued twice.
const redelivered = fc.integer({ min: 1, max: 3 }).map((n) => s3Record({ key: `incoming/redelivered-${n}.csv`, eTag: `etag-${n}` }));

const record = fc.oneof(
  { weight: 6, arbitrary: fields.map(recordFrom) },
  { weight: 2, arbitrary: redelivered },
  { weight: 1, arbitrary: fc.tuple(fields, fc.constantFrom('s3', 'object', 'bucket'), hostileJsonValue).map(([parts, broken, value]) => breakPart(recordFrom(parts), broken, value)) },
  { weight: 1, arbitrary: hostileJsonValue },
);
const event = fc.oneof(
  { weight: 8, arbitrary: fc.array(record, { maxLength: 5 }).map((Records) => ({ Records })) },
  { weight: 1, arbitrary: fc.oneof(hostileJsonValue, fc.constant({ Event: 's3:TestEvent' }), fc.record({ Records: hostileJsonValue })) },
);

/** Replaces a whole part of the record with a value of any type (Object.assign: the shape breaks on purpose). */
function breakPart(record: S3RecordFixture, broken: 's3' | 'object' | 'bucket', value: unknown) {
  if (broken === 's3') Object.assign(record, { s3: value });
  else Object.assign(record.s3, { [broken]: value });
  return record;
}

/**
 * What a queued job must look like: an allowed, non-empty file of a created-object record in this event.
 * @param records as generated: some are not records at all
 */
function assertImportable(job: ImportJob, records: S3Record[]) {
  assert.ok(Number.isSafeInteger(job.size) && job.size > 0 && job.size <= config.maxFileBytes, `size ${job.size}`);
  assert.ok(config.allowedExtensions.some((ext) => job.key.toLowerCase().endsWith(ext)) && !job.key.endsWith('/'), `key ${job.key}`);
  const from = records.find((item) => item?.s3?.bucket?.name === job.bucket && item.s3.object?.size === job.size);
  assert.ok(from && String(from.eventName).startsWith('ObjectCreated:'), `job ${job.jobId} matches no created object of the event`);
}

it('resolves or throws only FilesNotQueuedError, and queues only importable files, whatever the event', async () => {
  const logs = canaryLog();
  const versionsQueued = new Set();
  let jobsNow: ImportJob[] = [];
  const recordJob = async (job: ImportJob) => {
    const version = `${job.bucket}/${job.key}@${job.versionId ?? job.eTag}`;
    assert.ok(!versionsQueued.has(version), `${version} queued twice`);
    versionsQueued.add(version);
    jobsNow.push(job);
  };
  const handlers = {
    healthy: createHandler({ config, store: createMemoryStore(), write: logs.write, handOn: recordJob }),
    down: createHandler({ config, store: unreachableStore, write: logs.write, handOn: recordJob }),
  };
  await fuzz({
    target: 's3-import',
    handler: ({ store, event: notification }: {
      store: 'healthy' | 'down';
      event: unknown;
    }, context: {
      awsRequestId: string;
    }) => handlers[store]((notification as S3Notification), context),
    arbitrary: fc.record({ store: fc.oneof({ weight: 5, arbitrary: fc.constant('healthy') }, { weight: 1, arbitrary: fc.constant('down') }), event }),
    check: async (input, invoke) => {
      logs.clear();
      jobsNow = [];
      const records = Array.isArray(input.event?.Records) ? input.event.Records : [];
      const outcome: { value: ImportSummary; error?: undefined } | { error: Error; value?: undefined } = await invoke(input).then(
        (value) => ({ value }),
        (error) => ({ error }),
      );
      if (outcome.error) {
        assert.ok(outcome.error instanceof FilesNotQueuedError, `threw ${outcome.error?.name}: ${outcome.error?.message}`);
      } else {
        const { queued, duplicates, rejected, failed } = outcome.value;
        assert.equal(queued.length + duplicates.length + rejected.length + failed.length, records.length, 'every record is accounted for');
        assert.deepEqual(queued, jobsNow.map((job) => job.jobId));
      }
      for (const job of jobsNow) assertImportable(job, records);
      if (input.store === 'down') assert.deepEqual(jobsNow, [], 'nothing is queued while the store is down');
      logs.assertClean();
    },
  });
});
