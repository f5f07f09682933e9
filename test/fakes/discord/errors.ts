/** Discord's JSON error body. */
export interface DiscordErrorBody {
  message: string;
  code: number;
  errors?: Record<string, unknown>;
}

/** An error answered over HTTP in Discord's shape, thrown by the fake's routes and domain code. */
export class DiscordHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: DiscordErrorBody | { message: string; retry_after: number; global: boolean },
    readonly headers: Record<string, string> = {},
  ) {
    super(`${status} ${'code' in body ? body.code : 'rate limited'}: ${body.message}`);
    this.name = 'DiscordHttpError';
  }
}

const make = (status: number, code: number, message: string, errors?: Record<string, unknown>) =>
  new DiscordHttpError(status, errors ? { message, code, errors } : { message, code });

/** One `_errors` entry of an "Invalid Form Body" error. */
export interface FieldError {
  code: string;
  message: string;
}

/** Builds the nested `errors` object Discord returns with 50035, from dotted paths (`components.0.custom_id`). */
export function formErrors(fields: Record<string, FieldError[]>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [path, errs] of Object.entries(fields)) {
    let node = root;
    for (const key of path.split('.')) {
      node[key] ??= {};
      node = node[key] as Record<string, unknown>;
    }
    node._errors = errs;
  }
  return root;
}

/** The errors the fake answers, with Discord's codes and messages. */
export const Errors = {
  unauthorized: () => make(401, 0, '401: Unauthorized'),
  notFound: () => make(404, 0, '404: Not Found'),
  methodNotAllowed: () => make(405, 0, '405: Method Not Allowed'),
  unknownChannel: () => make(404, 10003, 'Unknown Channel'),
  unknownGuild: () => make(404, 10004, 'Unknown Guild'),
  unknownMember: () => make(404, 10007, 'Unknown Member'),
  unknownMessage: () => make(404, 10008, 'Unknown Message'),
  unknownRole: () => make(404, 10011, 'Unknown Role'),
  unknownUser: () => make(404, 10013, 'Unknown User'),
  unknownEmoji: () => make(400, 10014, 'Unknown Emoji'),
  unknownWebhook: () => make(404, 10015, 'Unknown Webhook'),
  unknownInteraction: () => make(404, 10062, 'Unknown interaction'),
  unknownCommand: () => make(404, 10063, 'Unknown application command'),
  alreadyAcknowledged: () => make(400, 40060, 'Interaction has already been acknowledged.'),
  missingAccess: () => make(403, 50001, 'Missing Access'),
  cannotExecuteOnDm: () => make(403, 50003, 'Cannot execute action on a DM channel'),
  editOthersMessage: () => make(403, 50005, 'Cannot edit a message authored by another user'),
  emptyMessage: () => make(400, 50006, 'Cannot send an empty message'),
  cannotDmUser: () => make(403, 50007, 'Cannot send messages to this user'),
  nonTextChannel: () => make(400, 50008, 'Cannot send messages in a non-text channel'),
  missingPermissions: () => make(403, 50013, 'Missing Permissions'),
  systemMessage: () => make(403, 50021, 'Cannot execute action on a system message'),
  wrongChannelType: () => make(400, 50024, 'Cannot execute action on this channel type'),
  invalidWebhookToken: () => make(401, 50027, 'Invalid Webhook Token'),
  invalidForm: (fields: Record<string, FieldError[]>) => make(400, 50035, 'Invalid Form Body', formErrors(fields)),
  fileTooLarge: () => make(413, 40005, 'Request entity too large'),
  threadArchived: () => make(400, 50083, 'Thread is archived'),
  invalidJson: () => make(400, 50109, 'The request body contains invalid JSON.'),
  threadLocked: () => make(403, 160005, 'Thread is locked'),
  tooManyReactions: () => make(400, 30010, 'Maximum number of reactions reached (20)'),
  tooManyAttachments: () => make(400, 30015, 'Maximum number of attachments in a message reached (10)'),
  tooManyFollowUps: () => make(400, 40094, 'This interaction has hit the maximum number of follow up messages'),
  replyWithoutHistory: () => make(403, 160002, 'Cannot reply without permission to read message history'),
  rateLimited: (retryAfter: number, bucket: string) =>
    new DiscordHttpError(
      429,
      { message: 'You are being rate limited.', retry_after: retryAfter, global: false },
      {
        'retry-after': String(Math.ceil(retryAfter)),
        'x-ratelimit-limit': '2',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': ((Date.now() + retryAfter * 1000) / 1000).toFixed(3),
        'x-ratelimit-reset-after': retryAfter.toFixed(3),
        'x-ratelimit-bucket': bucket,
        'x-ratelimit-scope': 'user',
      },
    ),
} as const;
