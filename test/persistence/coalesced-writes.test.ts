import { Writable } from 'node:stream';
import { expect, it } from 'vitest';
import { coalesceWrites } from '../../src/persistence/coalesced-writes.js';

/** A stream that notes each batch it is handed (what would be one system call on a socket). */
function recordingStream() {
  const batches: string[][] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      batches.push([chunk.toString()]);
      done();
    },
    writev(chunks, done) {
      batches.push(chunks.map((c) => (c.chunk as Buffer).toString()));
      done();
    },
  });
  return { stream, batches };
}

const nextTask = () => new Promise((resolve) => setImmediate(resolve));

it('GIVEN writes made in one task and in the promise callbacks it sets off WHEN they are flushed THEN they leave in one batch, and a later task starts another', async () => {
  const { stream, batches } = recordingStream();
  coalesceWrites(stream);
  coalesceWrites(stream);
  stream.write('BEGIN');
  stream.write('SELECT');
  await Promise.resolve();
  stream.write('INSERT');
  await nextTask();
  stream.write('COMMIT');
  await nextTask();
  expect(batches).toEqual([['BEGIN', 'SELECT', 'INSERT'], ['COMMIT']]);
});

it('GIVEN a stream left as it is WHEN the same writes are made THEN each leaves on its own (what coalescing saves)', async () => {
  const { stream, batches } = recordingStream();
  stream.write('BEGIN');
  stream.write('SELECT');
  await Promise.resolve();
  stream.write('INSERT');
  await nextTask();
  expect(batches.length).toBeGreaterThan(1);
  expect(batches.flat()).toEqual(['BEGIN', 'SELECT', 'INSERT']);
});

it('GIVEN a corked write in flight WHEN the stream is ended in the same task THEN nothing written is lost', async () => {
  const { stream, batches } = recordingStream();
  coalesceWrites(stream);
  stream.write('last query');
  const finished = new Promise((resolve) => stream.on('finish', resolve));
  stream.end('terminate');
  await finished;
  expect(batches.flat()).toEqual(['last query', 'terminate']);
});
