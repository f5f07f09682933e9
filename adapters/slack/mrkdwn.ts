/** Escapes text for Slack's mrkdwn: `&`, `<` and `>` stop links, mentions and broadcasts from being parsed. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Makes a user's Slack message safe to post again: broadcasts (`<!channel>`, `<!here>`, `<!everyone>`) and
 * user-group pings become plain words that notify no one. User mentions and links, which Slack already
 * encoded from what the user typed, are kept.
 */
export function defuseBroadcasts(text: string): string {
  return text
    .replace(/<!(channel|here|everyone)(?:\|[^>]*)?>/g, '@\u200b$1')
    .replace(/<!subteam\^[A-Z0-9]+(?:\|@?([^>]*))?>/g, (_m, name: string | undefined) => `@\u200b${name ?? 'group'}`)
    .replace(/(^|[^\w<])@(channel|here|everyone)\b/g, '$1@\u200b$2');
}

export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** Plain text for Block Kit `plain_text` objects: never empty (Slack refuses that), within the limit. */
export function plainText(text: string, max: number) {
  return { type: 'plain_text' as const, text: truncate(text || ' ', max), emoji: true };
}
