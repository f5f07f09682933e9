/** `CS-0042`: the desk's prefix and the number padded to four digits (longer numbers keep all their digits). */
export function formatTicketNumber(prefix: string, number: number): string {
  return `${prefix}${String(number).padStart(4, '0')}`;
}

/**
 * Reads what a user typed to name a ticket: `42`, `#42`, `0042`, `CS-0042` or `cs-42`.
 * A prefix other than the desk's is not a ticket of this desk. Returns null when it names no ticket.
 */
export function parseTicketNumber(prefix: string, text: string): number | null {
  let rest = text.trim();
  if (rest.startsWith('#')) rest = rest.slice(1);
  if (prefix && rest.toLowerCase().startsWith(prefix.toLowerCase())) rest = rest.slice(prefix.length);
  if (!/^\d{1,9}$/.test(rest)) return null;
  const number = Number(rest);
  return number > 0 ? number : null;
}
