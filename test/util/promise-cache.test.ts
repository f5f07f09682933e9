import { expect, it } from 'vitest';
import { PromiseCache } from '../../src/util/promise-cache.js';

it('GIVEN several asking at once WHEN the answer comes THEN it was asked once, kept until it expires, then asked again', async () => {
  let now = 0;
  const cache = new PromiseCache<string>(1000, () => now);
  let asked = 0;
  const load = async () => `answer ${++asked}`;
  expect(await Promise.all([cache.get('u1', load), cache.get('u1', load), cache.get('u2', load)])).toEqual(['answer 1', 'answer 1', 'answer 2']);
  now = 999;
  expect(await cache.get('u1', load)).toBe('answer 1');
  now = 1000;
  expect(await cache.get('u1', load)).toBe('answer 3');
});

it('GIVEN an answer that fails WHEN asked again THEN it is asked again, and those who asked with the first share its failure', async () => {
  const cache = new PromiseCache<string>(60_000);
  let asked = 0;
  const load = async () => {
    asked++;
    if (asked === 1) throw new Error('Slack is away');
    return 'D123';
  };
  const first = await Promise.allSettled([cache.get('u1', load), cache.get('u1', load)]);
  expect(first.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  expect(await cache.get('u1', load)).toBe('D123');
  expect(asked).toBe(2);
});

it('GIVEN more keys than it keeps WHEN one more is asked THEN the one kept longest is dropped', async () => {
  const cache = new PromiseCache<number>(60_000, Date.now, 2);
  let asked = 0;
  const load = async () => ++asked;
  await cache.get('a', load);
  await cache.get('b', load);
  await cache.get('c', load);
  expect(await cache.get('b', load)).toBe(2);
  expect(await cache.get('a', load)).toBe(4);
});

it('GIVEN a kept answer found wrong WHEN it is forgotten THEN the next question asks again, and other keys stay kept', async () => {
  const cache = new PromiseCache<string>(60_000);
  let asked = 0;
  const load = async () => `D${++asked}`;
  expect(await cache.get('u1', load)).toBe('D1');
  expect(await cache.get('u2', load)).toBe('D2');
  cache.forget('u1');
  expect(await cache.get('u1', load)).toBe('D3');
  expect(await cache.get('u2', load)).toBe('D2');
});
