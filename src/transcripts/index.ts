export { DEFAULT_MAX_INLINE_BYTES, renderHtmlTranscript, renderJsonExport, type TranscriptInput } from './html-transcript.js';
export type { ExportedEvent, ExportedMessage, ExportedPerson, ExportedTicket, TicketExport } from './json-export.js';
export type { TranscriptAudience } from './audience.js';
export { ticketTranscript, type TranscriptFile } from './ticket-transcript.js';
