import type { ChannelRecord, SlackState, UserRecord } from './state.js';
import type { Obj } from './types.js';

function timeZone(tz: string): { label: string; offset: number } {
  try {
    const now = new Date();
    const parts = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'long' }).formatToParts(now);
    const local = new Date(now.toLocaleString('en-US', { timeZone: tz }));
    const utc = new Date(now.toLocaleString('en-US', { timeZone: 'UTC' }));
    return {
      label: parts.find((p) => p.type === 'timeZoneName')?.value ?? tz,
      offset: Math.round((local.getTime() - utc.getTime()) / 1000),
    };
  } catch {
    return { label: tz, offset: 0 };
  }
}

/** The `user` object of `users.info`. */
export function userWire(state: SlackState, user: UserRecord, includeLocale: boolean): Obj {
  const zone = timeZone(user.tz);
  const profile: Obj = {
    avatar_hash: user.id.slice(-12).toLowerCase(),
    status_text: '',
    status_emoji: '',
    real_name: user.realName,
    display_name: user.displayName,
    real_name_normalized: user.realName,
    display_name_normalized: user.displayName,
    ...user.images,
    team: state.team.id,
  };
  if (!user.isBot) profile.email = user.email;
  if (user.botId !== undefined) {
    profile.bot_id = user.botId;
    profile.api_app_id = user.appId;
    profile.always_active = true;
  }
  const out: Obj = {
    id: user.id,
    team_id: state.team.id,
    name: user.name,
    deleted: user.deleted,
    color: '9f69e7',
    real_name: user.realName,
    tz: user.tz,
    tz_label: zone.label,
    tz_offset: zone.offset,
    profile,
    is_admin: user.isAdmin,
    is_owner: false,
    is_primary_owner: false,
    is_restricted: false,
    is_ultra_restricted: false,
    is_bot: user.isBot,
    is_app_user: false,
    updated: user.updated,
    is_email_confirmed: !user.isBot,
    who_can_share_contact_card: 'EVERYONE',
  };
  if (includeLocale) out.locale = user.locale;
  return out;
}

/** The conversation object of `conversations.info` / `conversations.join` / `conversations.open`. */
export function channelWire(state: SlackState, channel: ChannelRecord, opts: { locale?: boolean; numMembers?: boolean } = {}): Obj {
  if (channel.kind === 'im') {
    const list = state.list(channel.id);
    const latest = list[list.length - 1];
    const out: Obj = {
      id: channel.id,
      created: channel.created,
      is_archived: false,
      is_im: true,
      is_org_shared: false,
      context_team_id: state.team.id,
      updated: channel.created * 1000,
      user: channel.dmUser,
      last_read: latest?.ts ?? '0000000000.000000',
      latest: latest ? state.wire(latest) : null,
      unread_count: 0,
      unread_count_display: 0,
      is_open: true,
      priority: 0,
    };
    if (opts.locale) out.locale = 'en-US';
    if (opts.numMembers) out.num_members = channel.members.size;
    return out;
  }
  const out: Obj = {
    id: channel.id,
    name: channel.name,
    is_channel: channel.kind === 'channel' || (channel.kind === 'group' && !channel.id.startsWith('G')),
    is_group: channel.kind === 'group' && channel.id.startsWith('G'),
    is_im: false,
    is_mpim: channel.kind === 'mpim',
    is_private: channel.isPrivate,
    created: channel.created,
    is_archived: channel.isArchived,
    is_general: channel.isGeneral,
    unlinked: 0,
    name_normalized: channel.name,
    is_shared: false,
    is_org_shared: false,
    is_pending_ext_shared: false,
    pending_shared: [],
    context_team_id: state.team.id,
    updated: channel.created * 1000,
    parent_conversation: null,
    creator: channel.creator,
    is_ext_shared: false,
    shared_team_ids: [state.team.id],
    pending_connected_team_ids: [],
    is_member: state.botIsMember(channel),
    topic: { value: channel.topic, creator: channel.topic ? channel.creator : '', last_set: channel.topic ? channel.created : 0 },
    purpose: { value: channel.purpose, creator: channel.purpose ? channel.creator : '', last_set: channel.purpose ? channel.created : 0 },
    previous_names: [],
  };
  if (opts.locale) out.locale = 'en-US';
  if (opts.numMembers) out.num_members = channel.members.size;
  return out;
}

/** The bot's icons (`bots.info`, `bot_profile`). */
export function botIcons(state: SlackState): Obj {
  const images = state.users.get(state.bot.userId)?.images ?? {};
  return { image_36: images.image_32, image_48: images.image_48, image_72: images.image_72 };
}

/** `bot_profile` Slack attaches to the bot's messages. */
export function botProfile(state: SlackState): Obj {
  return {
    id: state.bot.botId,
    deleted: false,
    name: state.bot.name,
    updated: state.users.get(state.bot.userId)?.updated ?? 0,
    app_id: state.bot.appId,
    icons: botIcons(state),
    team_id: state.team.id,
  };
}

/** The `bot` object of `bots.info`. */
export function botWire(state: SlackState): Obj {
  return {
    id: state.bot.botId,
    deleted: false,
    name: state.bot.name,
    updated: state.users.get(state.bot.userId)?.updated ?? 0,
    app_id: state.bot.appId,
    user_id: state.bot.userId,
    icons: botIcons(state),
  };
}

/** The `team` object of `team.info`. */
export function teamWire(state: SlackState): Obj {
  return {
    id: state.team.id,
    name: state.team.name,
    url: `https://${state.team.domain}.slack.com/`,
    domain: state.team.domain,
    email_domain: '',
    icon: {
      image_default: true,
      image_34: 'https://a.slack-edge.com/80588/img/avatars-teams/ava_0001-34.png',
      image_44: 'https://a.slack-edge.com/80588/img/avatars-teams/ava_0001-44.png',
      image_68: 'https://a.slack-edge.com/80588/img/avatars-teams/ava_0001-68.png',
      image_88: 'https://a.slack-edge.com/80588/img/avatars-teams/ava_0001-88.png',
      image_102: 'https://a.slack-edge.com/80588/img/avatars-teams/ava_0001-102.png',
      image_132: 'https://a.slack-edge.com/80588/img/avatars-teams/ava_0001-132.png',
    },
    avatar_base_url: 'https://ca.slack-edge.com/',
    is_verified: false,
    lob_sales_home_enabled: false,
  };
}

/** A permalink as `chat.getPermalink` builds it. */
export function permalink(state: SlackState, channel: string, ts: string, threadTs?: string): string {
  const base = `https://${state.team.domain}.slack.com/archives/${channel}/p${ts.replace('.', '')}`;
  return threadTs !== undefined ? `${base}?thread_ts=${threadTs}&cid=${channel}` : base;
}
