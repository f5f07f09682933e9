import { InitialSchema1763683200000 } from './1763683200000-initial-schema.js';
import { TicketTimersAndRatings1763769600000 } from './1763769600000-ticket-timers-and-ratings.js';
import { SpacesReady1763856000000 } from './1763856000000-spaces-ready.js';
import { LastMessageAt1763942400000 } from './1763942400000-last-message-at.js';
import { DropProcessedEvents1764028800000 } from './1764028800000-drop-processed-events.js';
import { RequesterOpeningsIndex1764115200000 } from './1764115200000-requester-openings-index.js';

/** Every migration, in the order they run. Add new ones at the end; never edit one that has shipped. */
export const migrations = [InitialSchema1763683200000, TicketTimersAndRatings1763769600000, SpacesReady1763856000000, LastMessageAt1763942400000, DropProcessedEvents1764028800000, RequesterOpeningsIndex1764115200000];
