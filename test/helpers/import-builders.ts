import { people } from './builders.js';

/** An import file as an earlier help desk's export would be turned into, one field at a time. */
export function anImportFile(tickets: Array<Record<string, unknown>> = [aLegacyTicket()]) {
  return { format: 'support-desk-import', version: 1, desk: 'test', source: 'zendesk', tickets };
}

export function aLegacyTicket(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'ZD-1',
    number: 295900,
    platform: 'discord',
    requester: { id: people.alice.id, name: 'Alice' },
    category: 'billing',
    subject: 'Refund for order 1042',
    description: 'I was charged twice.',
    status: 'closed',
    createdAt: '2024-03-01T10:00:00Z',
    closedAt: '2024-03-02T09:00:00Z',
    closeReason: 'Refunded',
    messages: [
      { author: { id: people.anna.id, name: 'Anna', role: 'agent' }, body: 'Refund sent.', createdAt: '2024-03-01T12:00:00Z' },
      { author: { id: people.anna.id, name: 'Anna', role: 'agent' }, body: 'Customer since 2019', createdAt: '2024-03-01T12:01:00Z', internal: true },
      {
        author: { id: people.alice.id, name: 'Alice', role: 'requester' },
        body: 'Thanks!',
        createdAt: '2024-03-01T13:00:00Z',
        attachments: [{ name: '../../etc/receipt.pdf', contentType: 'application/pdf', base64: Buffer.from('%PDF receipt').toString('base64') }],
      },
    ],
    ...fields,
  };
}

