import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtmlTranscript } from '../../src/transcripts/html-transcript.js';
import { findChromium, headlessFlags, runChromium } from './headless-chromium.js';
import { colorCounts, decodePng, encodePng, fillRect, solidImage } from './png.js';
import { aTicketRecord, people } from './ticket-record-builder.js';

const CHROMIUM = findChromium();
const RUN_TIMEOUT_MS = 60_000;
const WINDOW = { width: 1000, height: 1400 };
const MAGENTA = [230, 20, 160] as const;
const TEAL = [20, 170, 150] as const;
/** The CSS colours the screenshot must show: the header band, and the requester's and agent's role colours. */
const BAND = '31,58,95';
const REQUESTER = '47,125,50';
const AGENT = '31,95,191';

const MISSING =
  "No Chromium binary (/usr/bin/chromium or chromium on PATH). CI must render transcripts in a real browser: .ci/run should install Debian's `chromium` package (apt-get install -y chromium).";

if (!CHROMIUM && !process.env.CI) console.log(`Chromium transcript test: SKIPPED. ${MISSING}`);

/** A 40×20 picture, magenta on the left and teal on the right, that the screenshot must show. */
function twoColourPng(): Buffer {
  const image = fillRect(solidImage(40, 20, [...MAGENTA, 255]), 20, 0, 20, 20, [...TEAL, 255]);
  return encodePng(image);
}

function realisticTranscript(): Promise<string> {
  const builder = aTicketRecord()
    .with({ subject: 'Charged twice <script>alert(1)</script>', priority: 'high' })
    .message(people.alice, 'I was charged twice for order A-1042.\nThe screenshot shows both charges.', {
      files: [{ name: 'charges.png', contentType: 'image/png', bytes: twoColourPng() }],
    })
    .claimedBy(people.anna)
    .message(people.anna, 'Thanks Alice, I can see both charges. Could you send the invoice?', { earlierVersions: ['Thanks, looking.'] })
    .message(people.anna, 'Second charge confirmed by finance; refund tomorrow.', { internal: true })
    .message(people.alice, 'Here it is.', {
      files: [
        { name: 'invoice.pdf', contentType: 'application/pdf', bytes: Buffer.from('%PDF-1.4 invoice') },
        { name: 'screen-recording.mp4', contentType: 'video/mp4', size: 48 * 1024 * 1024 },
      ],
    })
    .message(people.bob, 'Wrong ticket, sorry', { deleted: true })
    .message(people.anna, 'The refund is on its way.')
    .closedBy(people.anna, 'Refunded the second charge');
  return renderHtmlTranscript({
    record: builder.build(),
    label: 'CS-0042',
    categoryLabel: 'Billing',
    language: 'en',
    audience: 'staff',
    loadAttachment: builder.attachments.load,
    generatedAt: new Date('2026-11-24T09:00:00Z'),
  });
}

describe.skipIf(!CHROMIUM && !process.env.CI)('HTML transcript in headless Chromium', () => {
  let dir = '';
  let pageUrl = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'transcript-chromium-'));
    const file = join(dir, 'CS-0042.html');
    writeFileSync(file, await realisticTranscript());
    pageUrl = pathToFileURL(file).href;
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function chromium(...args: string[]) {
    if (!CHROMIUM) expect.fail(MISSING);
    const profile = mkdtempSync(join(dir, 'profile-'));
    return runChromium(CHROMIUM, [...headlessFlags(profile), ...args, pageUrl], RUN_TIMEOUT_MS);
  }

  it('GIVEN a realistic staff transcript WHEN Chromium takes a screenshot THEN the page is drawn with its styles and the inline image', async () => {
    const screenshot = join(dir, 'screenshot.png');

    const run = await chromium(`--screenshot=${screenshot}`, `--window-size=${WINDOW.width},${WINDOW.height}`);

    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toContain('Content Security Policy');
    const image = decodePng(readFileSync(screenshot));
    expect([image.width, image.height]).toEqual([WINDOW.width, WINDOW.height]);
    const counts = colorCounts(image);
    const pixels = image.width * image.height;
    expect(counts.size).toBeGreaterThan(100);
    expect(Math.max(...counts.values()) / pixels).toBeLessThan(0.97);
    expect(counts.get(BAND) ?? 0).toBeGreaterThan(20_000);
    expect(counts.get(REQUESTER) ?? 0).toBeGreaterThan(300);
    expect(counts.get(AGENT) ?? 0).toBeGreaterThan(300);
    expect(counts.get(MAGENTA.join(',')) ?? 0).toBeGreaterThanOrEqual(380);
    expect(counts.get(TEAL.join(',')) ?? 0).toBeGreaterThanOrEqual(380);
  }, RUN_TIMEOUT_MS + 10_000);

  it('GIVEN the same transcript WHEN Chromium dumps the DOM THEN every part is there as text and nothing became a script', async () => {
    const run = await chromium('--dump-dom');

    expect(run.code, run.stderr).toBe(0);
    const dom = run.stdout;
    expect(dom).toContain('<h1><span class="label">CS-0042</span> Charged twice &lt;script&gt;alert(1)&lt;/script&gt;</h1>');
    expect(dom).not.toMatch(/<script/i);
    for (const text of ['Internal note', 'Earlier versions', 'Thanks, looking.', 'Deleted 23 Nov 2026', 'Not embedded', 'Refunded the second charge']) {
      expect(dom).toContain(text);
    }
    expect(dom).toMatch(/<img src="data:image\/png;base64,[^"]+" alt="charges\.png">/);
    expect(dom).toMatch(/<a download="invoice\.pdf" href="data:application\/octet-stream;base64,[^"]+">invoice\.pdf<\/a>/);
  }, RUN_TIMEOUT_MS + 10_000);
});
