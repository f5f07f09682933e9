/** A download refused because the file is bigger than allowed. */
export class FileTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`file is larger than ${maxBytes} bytes`);
    this.name = 'FileTooLargeError';
  }
}

/**
 * Downloads a file into memory, stopping as soon as it grows past `maxBytes`, whatever size the
 * platform announced. Throws on HTTP errors, so a failed download is never stored as a file.
 */
export async function downloadBytes(
  url: string,
  options: { maxBytes: number; headers?: Record<string, string>; timeoutMs?: number },
): Promise<Uint8Array> {
  const response = await fetch(url, { headers: options.headers, signal: AbortSignal.timeout(options.timeoutMs ?? 30_000), redirect: 'follow' });
  if (!response.ok || !response.body) throw new Error(`download failed with HTTP ${response.status}`);
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > options.maxBytes) {
    await response.body.cancel();
    throw new FileTooLargeError(options.maxBytes);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > options.maxBytes) {
      await reader.cancel();
      throw new FileTooLargeError(options.maxBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
