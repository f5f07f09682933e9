import { createHash } from 'node:crypto';

/** The transcript's only stylesheet: readable on a phone, printable, roles and marks told apart by colour and words. */
export const TRANSCRIPT_STYLE = `
:root { color-scheme: light; --ink: #1d2430; --muted: #5b6472; --line: #d8dde5; --paper: #ffffff; --page: #f3f5f8; --band: #1f3a5f; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--page); color: var(--ink); font: 15px/1.5 system-ui, "Segoe UI", Roboto, "Liberation Sans", "DejaVu Sans", sans-serif; }
.page { max-width: 60rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
.ticket { background: var(--band); color: #ffffff; border-radius: 10px; padding: 1.25rem 1.5rem; }
.kicker { margin: 0; font-size: .8rem; text-transform: uppercase; letter-spacing: .06em; opacity: .85; }
h1 { margin: .25rem 0 1rem; font-size: 1.5rem; line-height: 1.25; overflow-wrap: anywhere; }
h1 .label { margin-right: .5rem; opacity: .85; font-variant-numeric: tabular-nums; }
h2 { margin: 2rem 0 .75rem; font-size: 1.15rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0; }
dt { opacity: .8; }
dd { margin: 0; overflow-wrap: anywhere; white-space: pre-wrap; }
.answers { margin-top: 1rem; padding-top: .75rem; border-top: 1px solid rgba(255, 255, 255, .3); }
.answers h2 { margin: 0 0 .5rem; font-size: 1rem; }
.message { margin: 0 0 .75rem; padding: .75rem 1rem; background: var(--paper); border: 1px solid var(--line); border-left: 6px solid var(--role); border-radius: 8px; break-inside: avoid; }
.role-requester { --role: #2f7d32; }
.role-agent { --role: #1f5fbf; }
.role-participant { --role: #7b4fb0; }
.role-bot { --role: #6b7280; }
.role-system { --role: #9a6700; }
.message header { display: flex; flex-wrap: wrap; align-items: baseline; gap: .25rem .6rem; margin-bottom: .4rem; }
.author { font-weight: 700; overflow-wrap: anywhere; }
.role { padding: .05rem .5rem; border-radius: 999px; background: var(--role); color: #ffffff; font-size: .75rem; font-weight: 600; }
time { color: var(--muted); font-size: .85rem; }
.ticket time { color: inherit; font-size: inherit; }
.mark { padding: .05rem .5rem; border: 1px solid currentColor; border-radius: 4px; font-size: .75rem; font-weight: 600; }
.mark-internal { color: #8a5a00; }
.mark-edited { color: var(--muted); }
.mark-deleted { color: #b42318; }
.internal { background: #fff8e1; border-style: dashed; border-left-style: solid; }
.deleted { background: #fdf0ef; }
.deleted > .body { color: var(--muted); }
.body { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.revisions { margin: .6rem 0 0; padding: .5rem .75rem; background: #f6f7f9; border-radius: 6px; font-size: .9rem; }
.revisions h3 { margin: 0 0 .25rem; color: var(--muted); font-size: .8rem; text-transform: uppercase; letter-spacing: .04em; }
.revisions ol { margin: 0; padding-left: 1.25rem; }
.revisions li + li { margin-top: .4rem; }
.attachments { display: grid; gap: .5rem; margin: .6rem 0 0; padding: 0; list-style: none; }
.attachments figure { margin: 0; }
.attachments img { display: block; max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 4px; }
.file, figcaption { font-size: .9rem; overflow-wrap: anywhere; }
.meta { color: var(--muted); }
.hash { color: var(--muted); font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: .8rem; overflow-wrap: anywhere; }
.timeline { margin: 0; padding: 0 0 0 1rem; border-left: 2px solid var(--line); list-style: none; }
.timeline li { position: relative; margin: 0 0 .5rem; padding-left: .5rem; }
.timeline li::before { content: ""; position: absolute; left: -1.45rem; top: .45rem; width: .6rem; height: .6rem; border-radius: 50%; background: var(--band); }
.reason { display: block; color: var(--muted); white-space: pre-wrap; overflow-wrap: anywhere; }
.empty, footer { color: var(--muted); }
footer { margin-top: 2rem; font-size: .85rem; }
@media (max-width: 600px) {
  body { font-size: 14px; }
  .page { padding: .75rem .5rem 2rem; }
  .ticket { padding: 1rem; }
  dl { grid-template-columns: 1fr; gap: 0; }
  dt { margin-top: .4rem; }
}
@media print {
  body { background: #ffffff; font-size: 10.5pt; }
  .page { max-width: none; padding: 0; }
  .ticket, .message, .role, .timeline li::before { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2 { break-after: avoid; }
  a { color: inherit; }
}
`;

const styleHash = createHash('sha256').update(TRANSCRIPT_STYLE, 'utf8').digest('base64');

/**
 * Nothing may load or run: no scripts, frames, fonts or remote images. Images come only from `data:` URIs
 * and the one stylesheet is allowed by its hash, so even injected markup could not style or script the page.
 */
export const TRANSCRIPT_CSP = [
  "default-src 'none'",
  "script-src 'none'",
  "object-src 'none'",
  `style-src 'sha256-${styleHash}'`,
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
