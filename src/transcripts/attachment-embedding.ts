import type { Attachment } from '../core/index.js';

/** How an attachment appears in a transcript. */
export type EmbeddedAttachment =
  | { kind: 'image'; attachment: Attachment; dataUri: string }
  | { kind: 'file'; attachment: Attachment; dataUri: string }
  | { kind: 'listed'; attachment: Attachment; reason: 'too_large' | 'unavailable' };

/** Raster formats every browser shows and none runs code from; SVG is deliberately not one of them. */
const INLINE_IMAGE_TYPES: ReadonlySet<string> = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/**
 * Reads an attachment's bytes when they fit in `maxInlineBytes` and turns them into a `data:` URI. Files
 * that are too big, or whose bytes cannot be read, are listed by name, size and SHA-256 instead, so one
 * missing file does not cost the whole transcript.
 */
export async function embedAttachment(
  attachment: Attachment,
  loadAttachment: (storageKey: string) => Promise<Uint8Array>,
  maxInlineBytes: number,
): Promise<EmbeddedAttachment> {
  if (attachment.size > maxInlineBytes) return { kind: 'listed', attachment, reason: 'too_large' };
  let bytes: Uint8Array;
  try {
    bytes = await loadAttachment(attachment.storageKey);
  } catch {
    return { kind: 'listed', attachment, reason: 'unavailable' };
  }
  if (bytes.byteLength > maxInlineBytes) return { kind: 'listed', attachment, reason: 'too_large' };
  const type = mediaType(attachment.contentType);
  if (INLINE_IMAGE_TYPES.has(type)) return { kind: 'image', attachment, dataUri: dataUri(type, bytes) };
  // Offered as opaque bytes, so a click saves the file rather than rendering HTML or SVG the user sent.
  return { kind: 'file', attachment, dataUri: dataUri('application/octet-stream', bytes) };
}

function mediaType(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}

function dataUri(type: string, bytes: Uint8Array): string {
  return `data:${type};base64,${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')}`;
}
