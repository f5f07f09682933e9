import { expect, it } from 'vitest';
import { WriteBatcher } from '../../src/core/write-batcher.js';

/** A write that records each group it is given and doubles its items; an item of -1 fails its group. */
function recordingWrite() {
  const groups: number[][] = [];
  let inFlight = 0;
  const seen = { mostAtOnce: 0 };
  const write = async (items: readonly number[]) => {
    groups.push([...items]);
    seen.mostAtOnce = Math.max(seen.mostAtOnce, ++inFlight);
    try {
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (items.includes(-1)) throw new Error('bad item');
      return items.map((i) => i * 2);
    } finally {
      inFlight--;
    }
  };
  return { groups, write, seen };
}

it('writes the first item at once and those that come meanwhile together, each getting its own result', async () => {
  const { groups, write } = recordingWrite();
  const batcher = new WriteBatcher(write);
  const results = await Promise.all([1, 2, 3, 4].map((i) => batcher.add(i)));
  expect(results).toEqual([2, 4, 6, 8]);
  expect(groups).toEqual([[1], [2, 3, 4]]);
  // Idle again: the next item goes alone, at once.
  expect(await batcher.add(5)).toBe(10);
  expect(groups.at(-1)).toEqual([5]);
});

it('writes a failed group again one by one, side by side, so only the bad item fails', async () => {
  const { groups, write, seen } = recordingWrite();
  const batcher = new WriteBatcher(write);
  const answers = await Promise.allSettled([1, 2, -1, 3].map((i) => batcher.add(i)));
  expect(answers.map((a) => (a.status === 'fulfilled' ? a.value : (a.reason as Error).message))).toEqual([2, 4, 'bad item', 6]);
  expect(groups).toEqual([[1], [2, -1, 3], [2], [-1], [3]]);
  // The three single writes were in flight together, not one after another.
  expect(seen.mostAtOnce).toBe(3);
});

it('puts at most `max` items in one group', async () => {
  const { groups, write } = recordingWrite();
  const batcher = new WriteBatcher(write, 2);
  await Promise.all([1, 2, 3, 4, 5, 6].map((i) => batcher.add(i)));
  expect(groups).toEqual([[1], [2, 3], [4, 5], [6]]);
});
