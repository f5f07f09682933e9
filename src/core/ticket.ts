/** The platforms a desk can serve. The core only uses these as keys into the desk configuration. */
export type Platform = 'discord' | 'slack';
export const PLATFORMS: readonly Platform[] = ['discord', 'slack'];

/**
 * Where a ticket stands.
 * - `open`: waiting on an agent;
 * - `pending`: an agent answered, waiting on the requester;
 * - `resolved`: an agent marked it solved; a requester message reopens it;
 * - `closed`: finished, with a reason; only an explicit reopen brings it back.
 */
export type TicketStatus = 'open' | 'pending' | 'resolved' | 'closed';
export const TICKET_STATUSES: readonly TicketStatus[] = ['open', 'pending', 'resolved', 'closed'];

export type Priority = 'low' | 'normal' | 'high' | 'urgent';
export const PRIORITIES: readonly Priority[] = ['low', 'normal', 'high', 'urgent'];

/** A category question and the requester's answer, kept with the label shown at the time. */
export interface TicketAnswer {
  key: string;
  label: string;
  value: string;
}

/**
 * The platform ids needed to find a ticket's spaces again.
 * Discord: `channelId` is the category channel, `threadId` the private thread, `cardMessageId` the summary card.
 * Slack: `channelId` is the staff channel, `threadId` and `cardMessageId` the staff root message ts,
 * `requesterChannelId` the requester's DM with the bot and `requesterThreadId` the DM root message ts.
 */
export interface TicketSpaces {
  channelId: string | null;
  threadId: string | null;
  cardMessageId: string | null;
  requesterChannelId: string | null;
  requesterThreadId: string | null;
}

/** A support ticket as the core sees it. */
export interface Ticket extends TicketSpaces {
  id: number;
  deskId: string;
  number: number;
  platform: Platform;
  /** The Discord guild or Slack workspace the ticket was opened in. */
  workspaceId: string;
  categoryKey: string;
  subject: string;
  description: string;
  answers: TicketAnswer[];
  priority: Priority;
  status: TicketStatus;
  requesterId: string;
  requesterName: string;
  /** The requester's locale when they opened the ticket (e.g. `fr`), for messages sent to them later. */
  requesterLocale: string | null;
  assigneeId: string | null;
  assigneeName: string | null;
  createdAt: Date;
  updatedAt: Date;
  firstResponseAt: Date | null;
  lastActivityAt: Date;
  resolvedAt: Date | null;
  closedAt: Date | null;
  closedById: string | null;
  closeReason: string | null;
  /** An adapter's key for the form submission that opened the ticket, so a double submit opens one ticket. */
  sourceKey: string | null;
  /** When a pending or resolved ticket closes by itself, unless someone writes first. */
  autoCloseAt: Date | null;
  autoCloseKind: AutoCloseKind | null;
  /** When the requester is warned of the auto-close, and whether they were. */
  autoCloseWarnAt: Date | null;
  autoCloseWarnedAt: Date | null;
  /** The first-response target (business hours after opening), and when staff were told it passed. */
  firstResponseDueAt: Date | null;
  firstResponseFlaggedAt: Date | null;
  /** When the adapter finished setting up the ticket's spaces; null while (or if) opening was interrupted. */
  spacesReadyAt: Date | null;
  /**
   * The platform's time of the newest public message. A message delivered late (older than this) is kept in its
   * place but moves no status: the status follows the conversation as people wrote it, not as it arrived.
   */
  lastMessageAt: Date | null;
}

/** Why a ticket closes by itself: no answer from the requester, or nothing more after it was resolved. */
export type AutoCloseKind = 'pending' | 'resolved';

/** A requester's satisfaction rating, one per closing of a ticket. */
export interface TicketRating {
  id: number;
  ticketId: number;
  closingEventId: number;
  requesterId: string;
  score: number;
  comment: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Someone acting on the desk, as the adapter knows them. `roleIds` are Discord role ids or Slack user group ids. */
export interface Actor {
  id: string;
  name: string;
  roleIds?: readonly string[];
  locale?: string | null;
}

/** How the author of a message relates to the ticket. */
export type AuthorRole = 'requester' | 'participant' | 'agent' | 'bot' | 'system';
export type MessageVisibility = 'public' | 'internal';

/** A stored attachment: metadata in the database, bytes in the attachment storage under `storageKey`. */
export interface StoredAttachment {
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  storageKey: string;
  /** Where the platform served it from when it was received; informative only, it expires. */
  sourceUrl?: string | null;
}

export interface Attachment extends StoredAttachment {
  id: number;
  ticketId: number;
  messageId: number | null;
  createdAt: Date;
}

/** A platform copy of a stored message (a mirrored Slack post, a Discord DM, a re-upload). */
export interface MessageCopy {
  channelId: string;
  messageId: string;
  purpose: MessageCopyPurpose;
}
export type MessageCopyPurpose = 'mirror' | 'notification' | 'reupload' | 'log';

/** Every message in a ticket's spaces: public or internal, with its mirrored copies and edit/delete marks. */
export interface TicketMessage {
  id: number;
  ticketId: number;
  /** Platform location; null for messages that exist only in the desk (the opening form). */
  channelId: string | null;
  messageId: string | null;
  authorId: string;
  authorName: string;
  authorRole: AuthorRole;
  visibility: MessageVisibility;
  body: string;
  createdAt: Date;
  editedAt: Date | null;
  deletedAt: Date | null;
  copies: MessageCopy[];
  attachments: Attachment[];
}

export type TicketEventType =
  | 'opened'
  | 'status_changed'
  | 'claimed'
  | 'assigned'
  | 'priority_changed'
  | 'moved'
  | 'participant_added'
  | 'participant_removed'
  | 'resolved'
  | 'closed'
  | 'reopened'
  | 'imported';

/** The audit trail: who did what to a ticket, when, and from which status to which. */
export interface TicketEvent {
  id: number;
  ticketId: number;
  type: TicketEventType;
  actorId: string;
  actorName: string;
  fromStatus: TicketStatus | null;
  toStatus: TicketStatus | null;
  reason: string | null;
  data: Record<string, unknown> | null;
  createdAt: Date;
}

export interface Participant {
  ticketId: number;
  userId: string;
  userName: string;
  addedById: string;
  addedAt: Date;
}
