import type { Writable } from 'node:stream';

const coalesced = new WeakSet<Writable>();

/**
 * Makes what is written to `stream` while the event loop runs one task (its code and the promise callbacks it
 * sets off) leave in one write: the first write corks the stream, and `process.nextTick` uncorks it once that
 * task is done. node-postgres writes each query on its own, so a transaction's BEGIN, its first statement and
 * the statements a use case sends side by side were one system call each; on a busy machine each also wakes
 * the server's process. Applying it twice to a stream changes nothing.
 */
export function coalesceWrites(stream: Writable): void {
  if (coalesced.has(stream)) return;
  coalesced.add(stream);
  const write = stream.write;
  let corked = false;
  const uncork = () => {
    corked = false;
    stream.uncork();
  };
  stream.write = function (this: Writable, ...args: unknown[]): boolean {
    if (!corked) {
      corked = true;
      stream.cork();
      process.nextTick(uncork);
    }
    return (write as (...a: unknown[]) => boolean).apply(this, args);
  } as Writable['write'];
}
