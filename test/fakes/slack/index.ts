export { FakeSlack } from './fake-slack.js';
export type {
  BlockActionResult, EventResult, HttpTargets, RawRequestOptions, SlashCommandResult, UploadedFile, ViewSubmissionResult,
} from './fake-slack.js';
export type { DefaultScenario } from './scenario.js';
export { slackSignature } from './deliver.js';
export type { Envelope } from './socket-mode.js';
export type {
  AppResponse, ChannelSeed, Delivery, FakeSlackOptions, FaultHandle, FaultSpec, FileSpec, Obj, RecordedCall, TransportKind, UserSeed,
} from './types.js';
