import type { FieldProblem, Language, Priority, Refusal, TicketAction, TicketStatus } from '../core/index.js';

const STATUS: Record<TicketStatus, string> = { open: 'Open', pending: 'Waiting for your reply', resolved: 'Resolved', closed: 'Closed' };
const STAFF_STATUS: Record<TicketStatus, string> = { open: 'Open', pending: 'Pending (waiting on requester)', resolved: 'Resolved', closed: 'Closed' };
const PRIORITY: Record<Priority, string> = { low: 'Low', normal: 'Normal', high: 'High', urgent: 'Urgent' };
const VERB: Record<TicketAction, string> = {
  open: 'open',
  reply: 'write in',
  note: 'add internal notes to',
  claim: 'claim',
  assign: 'assign',
  set_priority: 'change the priority of',
  move: 'move',
  add_participant: 'add people to',
  remove_participant: 'remove people from',
  resolve: 'resolve',
  close: 'close',
  reopen: 'reopen',
  view: 'see',
  list: 'list',
  rate: 'rate',
  stats: 'see statistics of',
};

export function formatBytes(bytes: number, units = ['bytes', 'KB', 'MB', 'GB']): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : Number(value.toFixed(1))} ${units[unit]}`;
}

const list = (items: readonly string[]) => items.join(', ');

export const en = {
  language: 'en' as Language,
  status: (s: TicketStatus) => STATUS[s],
  staffStatus: (s: TicketStatus) => STAFF_STATUS[s],
  priority: (p: Priority) => PRIORITY[p],

  field(field: FieldProblem['field'], questionLabel?: string): string {
    if (field.startsWith('answer:')) return questionLabel ?? field.slice('answer:'.length);
    return { category: 'Category', subject: 'Subject', description: 'Description', attachments: 'Attachments' }[field as 'category'] ?? field;
  },

  fieldProblem(p: FieldProblem, fieldName: string): string {
    switch (p.problem) {
      case 'required':
        return `${fieldName} is required.`;
      case 'too_short':
        return `${fieldName} is too short: please write at least ${p.min} characters.`;
      case 'too_long':
        return `${fieldName} is too long: at most ${p.max} characters.`;
      case 'unknown_category':
        return 'Pick a category from the list.';
      case 'too_many':
        return `Too many files: at most ${p.max}.`;
      case 'too_large':
        return `"${p.fileName}" is too large: files can be at most ${formatBytes(p.maxBytes)}.`;
      case 'type_not_allowed':
        return `"${p.fileName}" (${p.contentType}) is not an allowed file type. Allowed: ${list(p.allowed)}.`;
      case 'empty_file':
        return `"${p.fileName}" is empty.`;
      case 'content_mismatch':
        return `"${p.fileName}" is not what it claims to be (${p.contentType}): its content is ${p.actualType}. Please send the original file.`;
    }
  },

  refusal(r: Refusal, fieldName: (field: FieldProblem['field']) => string = (f) => en.field(f)): string {
    switch (r.code) {
      case 'invalid_form':
        return ['Please fix the form and send it again:', ...r.problems.map((p) => `• ${en.fieldProblem(p, fieldName(p.field))}`)].join('\n');
      case 'desk_not_configured':
        return "Support isn't set up here yet. Ask an administrator to add this server or workspace to the bot's desk configuration.";
      case 'unknown_category':
        return `There is no category "${r.categoryKey}" (any more). Pick one from the list.`;
      case 'too_many_open_tickets':
        return r.open.length === 1
          ? `You already have an open ticket (${list(r.open)}); the limit is ${r.max}. Please continue in it, or close it first.`
          : `You already have ${r.open.length} open tickets (${list(r.open)}); the limit is ${r.max}. Please continue in one of them, or close one first.`;
      case 'cooldown':
        return `You opened a ticket a moment ago. Please wait ${r.retryAfterSeconds} seconds before opening another.`;
      case 'duplicate_ticket':
        return `You already have an open ticket with this subject: ${r.existing}. Please continue there instead of opening a new one.`;
      case 'ticket_not_found':
        return `There is no ticket "${r.reference}" here. Check the number (for example CS-0042).`;
      case 'not_allowed':
        return r.action === 'reply'
          ? 'Only the requester, people added to the ticket and support staff can write in this ticket.'
          : `You are not allowed to ${VERB[r.action]} this ticket.`;
      case 'invalid_status':
        if (r.action === 'close' && r.status === 'closed') return 'This ticket is already closed.';
        if (r.action === 'resolve' && r.status === 'resolved') return 'This ticket is already resolved.';
        if (r.action === 'reopen') return 'This ticket is not closed, so there is nothing to reopen.';
        return `This ticket is ${STATUS[r.status].toLowerCase()}, so you can't ${VERB[r.action]} it now.`;
      case 'reopen_window_passed':
        return `This ticket was closed more than ${r.days} days ago and can't be reopened any more. Please open a new ticket.`;
      case 'reason_required':
        return 'Please say briefly why you want to reopen it.';
      case 'reason_too_long':
        return `The reason is too long: at most ${r.max} characters.`;
      case 'already_claimed':
        return `${r.by} has already claimed this ticket.`;
      case 'already_assigned':
        return r.to ? `This ticket is already assigned to ${r.to}.` : 'This ticket is not assigned to anyone.';
      case 'assignee_not_agent':
        return `${r.assignee} is not support staff for this category.`;
      case 'same_priority':
        return `The priority is already ${PRIORITY[r.priority as Priority]?.toLowerCase() ?? r.priority}.`;
      case 'same_category':
        return 'The ticket is already in that category.';
      case 'already_participant':
        return `${r.user} is already part of this ticket.`;
      case 'not_participant':
        return `${r.user} was not added to this ticket.`;
      case 'cannot_add_requester':
        return 'The requester is already part of this ticket.';
      case 'message_too_long':
        return `That is too long: at most ${r.max} characters.`;
      case 'invalid_priority':
        return `"${r.priority}" is not a priority. Use low, normal, high or urgent.`;
      case 'invalid_rating':
        return 'A rating goes from 1 to 5.';
      case 'already_rated':
        return `You already rated this ticket (${r.score}/5). Thank you!`;
      case 'number_taken':
        return `The number ${r.number} is already taken by a ticket of this desk.`;
      case 'rating_not_found':
        return 'Rate the ticket first, then add a comment.';
    }
  },

  notInUse: 'This command, button or form is no longer in use (it may come from an older version of the bot). Use /ticket to open a ticket, or ask the support team.',
  internalError: (ref: string) => `Something went wrong on our side. Please try again; if it keeps happening, give this reference to an administrator: ${ref}.`,
  missingPermission: (what: string, ref: string) =>
    `I can't do that here: I am missing the "${what}" permission in this channel. An administrator can fix the bot's permissions (reference ${ref}).`,

  form: {
    title: 'Open a support ticket',
    titleFor: (category: string) => `Ticket: ${category}`,
    category: 'Category',
    categoryPlaceholder: 'What is it about?',
    subject: 'Subject',
    subjectPlaceholder: 'A short summary of the problem',
    description: 'Description',
    descriptionPlaceholder: 'What happened, what you tried, what you expected',
    files: 'Files',
    filesHelp: (max: number, bytes: number) => `Screenshots, logs or documents: up to ${max}, ${formatBytes(bytes)} each`,
    chooseCategory: 'Which kind of problem is it? Pick a category to open the form.',
    opening: 'Opening your ticket…',
    shortTitle: 'New support ticket',
    submit: 'Open ticket',
    send: 'Send',
  },

  opened: (label: string) => `Your ticket ${label} is open. The support team has been notified; you'll be told here and by direct message when someone answers.`,
  ticketReady: (label: string) => `Your ticket ${label} is ready. Sorry for the wait: something interrupted its opening.`,
  openFailed: (ref: string) => `Your ticket could not be opened because of a problem on our side (reference ${ref}). Nothing you wrote is lost; please try again in a moment.`,
  alreadyOpened: (label: string) => `This form already opened ticket ${label}.`,
  openTicketButton: 'Go to the ticket',
  outsideHours: (when: string) => `Support is closed right now; expect an answer from ${when}.`,

  card: {
    title: (label: string, subject: string) => `${label} · ${subject}`,
    category: 'Category',
    status: 'Status',
    priority: 'Priority',
    requester: 'Requester',
    assignee: 'Assigned to',
    nobody: 'Nobody yet',
    opened: 'Opened',
    description: 'Description',
    attachments: 'Attachments',
    welcome: (requester: string) => `${requester}, thanks for reaching out. Describe anything else that helps here; the support team will answer in this thread.`,
    staffNotice: (label: string, category: string) => `New ticket ${label} in ${category}.`,
  },

  buttons: {
    claim: 'Claim',
    resolve: 'Resolve',
    close: 'Close',
    reopen: 'Reopen',
    join: 'Join the ticket',
    confirmClose: 'Yes, close it',
    cancel: 'Cancel',
    transcript: 'Transcript',
    older: 'Older tickets',
  },

  notices: {
    claimed: (agent: string) => `${agent} claimed this ticket.`,
    assigned: (agent: string, by: string) => `${by} assigned this ticket to ${agent}.`,
    unassigned: (by: string) => `${by} unassigned this ticket.`,
    priority: (priority: Priority, by: string) => `${by} set the priority to ${PRIORITY[priority].toLowerCase()}.`,
    moved: (category: string, by: string) => `${by} moved this ticket to ${category}.`,
    participantAdded: (user: string, by: string) => `${by} added ${user} to this ticket.`,
    participantRemoved: (user: string, by: string) => `${by} removed ${user} from this ticket.`,
    resolved: (by: string) => `${by} marked this ticket as resolved. If something is still wrong, just write here and it opens again.`,
    closed: (by: string, reason: string | null) => `${by} closed this ticket${reason ? `: ${reason}` : '.'}`,
    reopened: (by: string, reason: string | null) => `${by} reopened this ticket${reason ? `: ${reason}` : '.'}`,
    joined: (agent: string) => `${agent} joined the ticket.`,
    noteSaved: (label: string) => `Internal note saved on ${label}. The requester does not see it.`,
    noteTitle: (label: string, author: string) => `Internal note on ${label} by ${author}`,
    dmClosed: 'The requester does not accept direct messages; they will see answers in the ticket thread.',
  },

  dm: {
    reply: (label: string, agent: string) => `${agent} answered your ticket ${label}:`,
    replyFooter: 'Answer in the ticket thread, not here.',
    resolved: (label: string) => `Your ticket ${label} was marked as resolved. If the problem is not solved, write in the ticket and it opens again.`,
    closed: (label: string, reason: string | null) => `Your ticket ${label} was closed${reason ? `: ${reason}` : '.'}`,
    closedReopen: (days: number) => `If you still need help with it, you can reopen it within ${days} days.`,
    reopened: (label: string, by: string) => `${by} reopened your ticket ${label}.`,
  },

  close: {
    confirm: (label: string) => `Close ticket ${label}? The thread will be archived and locked.`,
    confirmWithReason: (label: string, reason: string) => `Close ticket ${label} with the reason "${reason}"? The thread will be archived and locked.`,
    cancelled: 'Nothing was closed.',
    done: (label: string) => `Ticket ${label} is closed.`,
    modalTitle: (label: string) => `Close ${label}`,
    reason: 'Reason',
    reasonPlaceholder: 'Optional: why is it closed?',
    expired: 'This confirmation has expired. Run the command again.',
  },

  reopen: {
    modalTitle: (label: string) => `Reopen ${label}`,
    reason: 'Why reopen it?',
    reasonPlaceholder: 'What is still wrong',
    done: (label: string) => `Ticket ${label} is open again.`,
  },

  done: {
    claimed: (label: string) => `You claimed ${label}.`,
    assigned: (label: string, agent: string) => `${label} is now assigned to ${agent}.`,
    priority: (label: string, priority: Priority) => `${label} is now ${PRIORITY[priority].toLowerCase()} priority.`,
    moved: (label: string, category: string) => `${label} moved to ${category}.`,
    added: (user: string, label: string) => `${user} was added to ${label}.`,
    removed: (user: string, label: string) => `${user} was removed from ${label}.`,
    resolved: (label: string) => `${label} is marked as resolved.`,
    joined: (label: string) => `You joined ${label}.`,
  },

  notInTicket: 'Use this command inside a ticket thread, or give the ticket number in the "ticket" option.',
  noLogChannel: 'The desk has no log channel, so the note is stored only.',

  list: {
    title: (count: number, status: string) => `${count} ticket${count === 1 ? '' : 's'} (${status})`,
    empty: 'No ticket matches.',
    statusFilter: { active: 'not closed', all: 'all', open: 'open', pending: 'pending', resolved: 'resolved', closed: 'closed' } as Record<string, string>,
    line: (label: string, status: string, category: string, subject: string) => `${label} · ${status} · ${category} · ${subject}`,
    unassigned: 'unassigned',
    more: 'Older tickets are on the next page.',
  },

  transcript: {
    title: (label: string) => `Transcript of ${label}`,
    ready: (label: string) => `Here is the transcript of ${label}.`,
  },

  autoClose: {
    warning: (label: string, when: string) => `Your ticket ${label} will close automatically ${when} unless you reply. If you still need help, just write here.`,
    staffWarning: (label: string, when: string) => `${label} will close automatically ${when} unless the requester replies.`,
    reason: (kind: 'pending' | 'resolved'): string =>
      kind === 'pending' ? 'closed automatically: no reply from the requester' : 'closed automatically: resolved, with no new message',
  },

  firstResponse: {
    overdue: (label: string, category: string, due: string) => `⚠️ ${label} (${category}) has had no answer within its first-response target (due ${due}).`,
  },

  rating: {
    prompt: (label: string) => `How did we do on ${label}? Rate the help from 1 (poor) to 5 (great).`,
    thanks: (score: number) => `Thank you! You rated the help ${score}/5.`,
    commentTitle: 'Anything to add?',
    comment: 'Comment (optional)',
    commentPlaceholder: 'What went well, what could be better',
    commentThanks: 'Thank you for your comment.',
  },

  suggestions: {
    intro: 'Before you open a ticket: these articles may already answer your question.',
    openAnyway: 'Open my ticket anyway',
    solved: 'This answered my question',
    solvedShort: 'It answered me',
    read: 'Read',
    dropped: 'Glad it helped! No ticket was opened.',
    expired: 'This form has expired. Use /ticket again.',
  },

  stats: {
    title: (from: string, to: string) => `Support figures from ${from} to ${to}`,
    opened: (n: number) => `${n} ticket${n === 1 ? '' : 's'} opened`,
    byStatus: 'By status',
    byCategory: 'By category',
    firstResponse: 'First response (business hours)',
    resolution: 'Resolution (business hours)',
    durations: (median: number, p90: number, count: number) => `median ${median.toFixed(1)} h · 90% within ${p90.toFixed(1)} h (${count} tickets)`,
    satisfaction: 'Satisfaction',
    rated: (average: number, count: number) => `${average.toFixed(1)}/5 from ${count} rating${count === 1 ? '' : 's'}`,
    perAgent: 'Tickets per agent',
    agentLine: (name: string, assigned: number, closed: number) => `${name}: ${assigned} assigned, ${closed} closed`,
    missed: (n: number) => `${n} past the first-response target`,
    none: 'none',
    usage: 'Give a number of days, for example `/ticket stats 30`.',
  },

  /** How the desk signs what it does by itself. */
  deskName: 'Support desk',

  transcriptAttached: 'The transcript of the conversation is attached.',

  slack: {
    staffHint: (prefix: string) => `Reply in this thread to answer the requester. A message starting with "${prefix}" stays internal.`,
    requesterHint: 'Reply in this thread to write to the support team.',
    requesterClosedHint: 'This ticket is closed. Press Reopen if you still need help.',
    filesFrom: (name: string, count: number) => `${name} sent ${count} file${count === 1 ? '' : 's'}.`,
    internalNote: 'Internal note: kept with the ticket, not sent to the requester.',
    notStaffHere: 'You are not staff of this category: your message stays internal and was not sent to the requester.',
    closedKept: (label: string) => `${label} is closed: your message is kept but nobody is notified. Press Reopen on the ticket if you still need help.`,
    outsideThread: 'To write about a ticket, reply in its thread. To open a new ticket, use /ticket.',
    usage: [
      '`/ticket`: open a support ticket',
      '`/ticket list [open|pending|resolved|closed|all]`: your tickets, or your categories\' tickets for staff',
      '`/ticket close 42 reason`: close a ticket',
      '`/ticket reopen 42 reason`: reopen a closed ticket',
      '`/ticket claim 42`: take charge of a ticket (staff)',
      '`/ticket transcript 42`, `/ticket export 42`: the conversation as a web page, or as JSON',
      '`/ticket stats [days]`: support figures (staff)',
    ].join('\n'),
    unknownCommand: (word: string) => `"${word}" is not something /ticket can do.`,
    numberNeeded: 'Give the ticket number, for example `/ticket close 42 Solved by the refund`.',
    closing: (label: string) => `Closing ${label}…`,
  },
};

export type Catalog = typeof en;
