import { InitialSchema1763683200000 } from './1763683200000-initial-schema.js';

/** Every migration, in the order they run. Add new ones at the end; never edit one that has shipped. */
export const migrations = [InitialSchema1763683200000];
