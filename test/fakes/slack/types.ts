/** A JSON object as Slack sends and receives it. */
export type Obj = Record<string, unknown>;

/** Which way the fake reaches the app: signed HTTP requests or a Socket Mode WebSocket. */
export type TransportKind = 'http' | 'socket';

/** Options of {@link FakeSlack.start}; every field has a working default. */
export interface FakeSlackOptions {
  /** Workspace id, `T…`. */
  teamId?: string;
  teamName?: string;
  /** Workspace subdomain, used in permalinks and `team_domain`. */
  teamDomain?: string;
  appId?: string;
  botId?: string;
  botUserId?: string;
  /** The bot user's `name`. */
  botName?: string;
  botToken?: string;
  appToken?: string;
  signingSecret?: string;
  /** The legacy verification token Slack still puts in payloads (`token`). */
  verificationToken?: string;
  /** Bot token scopes; methods whose scope is missing answer `missing_scope`. */
  scopes?: string[];
  /** Event subscriptions, e.g. `message.im`, `app_mention`, `reaction_added`. */
  events?: string[];
  /** How long a `trigger_id` stays valid (Slack: 3000 ms). */
  triggerTtlMs?: number;
  /** How long Slack waits for the app to acknowledge a request (Slack: 3000 ms). */
  ackTimeoutMs?: number;
  /** How long a Socket Mode delivery waits for a connection to exist. */
  socketWaitMs?: number;
  /** Delay before the bot's own posts are echoed back as events (default: next tick). */
  echoDelayMs?: number;
  /** Seed the default scenario (see {@link DefaultScenario}). */
  scenario?: 'default' | 'none';
}

/** A seeded Slack user. */
export interface UserSeed {
  id?: string;
  name: string;
  realName?: string;
  displayName?: string;
  email?: string;
  image48?: string;
  image72?: string;
  locale?: string;
  tz?: string;
  isBot?: boolean;
  deleted?: boolean;
  isAdmin?: boolean;
}

/** A seeded conversation (public or private channel). */
export interface ChannelSeed {
  id?: string;
  name: string;
  isPrivate?: boolean;
  /** Human members (user ids). */
  members?: string[];
  /** Whether the bot user is a member (default true). */
  botIsMember?: boolean;
  topic?: string;
  purpose?: string;
  isArchived?: boolean;
  isGeneral?: boolean;
}

/** A file a test user attaches to a message or to a `file_input`. */
export interface FileSpec {
  name: string;
  data: Buffer | string;
  mimetype?: string;
  title?: string;
}

/** One Web API call as the fake received and answered it. */
export interface RecordedCall {
  method: string;
  /** Parsed arguments; JSON-string fields (`blocks`, `view`, `files`, …) are parsed to objects. */
  args: Obj;
  token: string | undefined;
  /** The JSON body returned to the caller. */
  response: Obj;
  status: number;
  /** Whether an injected fault produced the response. */
  fault: boolean;
  at: number;
}

/** The app's answer to one request the fake sent it, the same shape for both transports. */
export interface AppResponse {
  transport: TransportKind;
  /** HTTP status; 200 for an acknowledged Socket Mode envelope, 0 when nothing came back in time. */
  status: number;
  /**
   * The acknowledgement body: a parsed JSON object, `{ text }` for a plain-text HTTP body,
   * the Socket Mode ack `payload`, or `undefined` when empty.
   */
  ackBody: Obj | undefined;
  /** The raw HTTP body text (Socket Mode: the JSON of the ack payload). */
  rawBody: string;
  headers: Record<string, string>;
  elapsedMs: number;
  /** True when the app answered later than `ackTimeoutMs` or not at all. */
  timedOut: boolean;
  envelopeId?: string;
}

/** One request the fake sent to the app (event, command, interaction, raw). */
export interface Delivery {
  id: number;
  kind: 'event' | 'command' | 'interaction' | 'url_verification' | 'raw';
  transport: TransportKind;
  body: Obj;
  eventId?: string;
  retryNum?: number;
  retryReason?: string;
  response?: AppResponse;
  error?: string;
  at: number;
}

/** Options to inject a fault into Web API methods. */
export interface FaultSpec {
  /** Method name or pattern; omitted matches every method. Pseudo-methods: `upload_url`, `file_download`. */
  method?: string | RegExp;
  /** Answer HTTP 200 `{ ok: false, error }`. */
  error?: string;
  /** Answer with this HTTP status (429 carries `Retry-After` and `error: 'ratelimited'`). */
  status?: 429 | 500 | 502 | 503 | 504;
  /** Seconds in the `Retry-After` header of a 429 (default 1). */
  retryAfter?: number;
  /** How many calls the fault hits before it disarms (default unlimited). */
  times?: number;
  /** Probability (0..1) that a matching call is hit (default 1). */
  rate?: number;
  /** Delay before answering, in ms (applies alone or with another fault). */
  delayMs?: number;
  /** With `status`: the call is carried out, then answered with the error (a server failing after the work). */
  afterProcessing?: boolean;
}

/** A live handle on an injected fault. */
export interface FaultHandle {
  readonly hits: number;
  remove(): void;
}
