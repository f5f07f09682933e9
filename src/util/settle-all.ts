/**
 * Waits for every promise, then throws the first failure: calls made side by side all finish (or fail) before
 * the caller goes on, so none is left running behind an error.
 */
export async function settleAll(work: ReadonlyArray<Promise<unknown>>): Promise<void> {
  const failed = (await Promise.allSettled(work)).find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
}
