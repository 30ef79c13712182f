import { describe, expect, it } from 'vitest';
import type { Interval } from '../../controller/access/model.js';
import { clip, intersect, subtract, union } from '../../controller/access/schedule.js';

describe('union', () => {
  it.each([
    ['nothing', [], []],
    ['one empty list', [[]], []],
    ['touching intervals merge', [[[1, 2]], [[2, 3]]], [[1, 3]]],
    ['out of order', [[[5, 6], [1, 2]]], [[1, 2], [5, 6]]],
    ['nested', [[[1, 5], [2, 3]]], [[1, 5]]],
    ['empty and inverted intervals dropped', [[[3, 3], [4, 2]]], []],
    ['three lists', [[[1, 2]], [[4, 5]], [[2, 4], [7, 8]]], [[1, 5], [7, 8]]],
  ] as Array<[string, Interval[][], Interval[]]>)('%s', (_name, lists, expected) => {
    expect(union(...lists)).toEqual(expected);
  });

  it('never aliases or changes its input', () => {
    const input: Interval[] = [[1, 2], [2, 3]];
    const out = union(input);
    out[0]![1] = 99; // non-null: union of these inputs has one element
    expect(input).toEqual([[1, 2], [2, 3]]);
  });
});

describe('intersect', () => {
  it.each([
    ['with an empty list', [], [[1, 2]], []],
    ['both empty', [], [], []],
    ['two pieces', [[1, 5]], [[2, 3], [4, 6]], [[2, 3], [4, 5]]],
    ['touching intervals share no instant', [[1, 2]], [[2, 3]], []],
    ['unsorted inputs', [[6, 9], [1, 3]], [[2, 7]], [[2, 3], [6, 7]]],
    ['identical', [[1, 2], [3, 4]], [[1, 2], [3, 4]], [[1, 2], [3, 4]]],
  ] as Array<[string, Interval[], Interval[], Interval[]]>)('%s', (_name, a, b, expected) => {
    expect(intersect(a, b)).toEqual(expected);
    expect(intersect(b, a)).toEqual(expected);
  });
});

describe('clip', () => {
  it('keeps the part within [from, to)', () => {
    expect(clip([[1, 5], [6, 9]], 2, 7)).toEqual([[2, 5], [6, 7]]);
    expect(clip([[1, 5]], 5, 5)).toEqual([]);
    expect(clip([], 0, 10)).toEqual([]);
    expect(clip([[1, 2], [2, 4]], 0, 10)).toEqual([[1, 4]]);
  });
});

describe('subtract', () => {
  it.each([
    ['holes in the middle', [[1, 10]], [[2, 3], [5, 6]], [[1, 2], [3, 5], [6, 10]]],
    ['nothing to remove', [[1, 2]], [], [[1, 2]]],
    ['from nothing', [], [[1, 2]], []],
    ['all of it', [[1, 5]], [[0, 10]], []],
    ['one cut across two intervals', [[1, 3], [4, 6]], [[2, 5]], [[1, 2], [5, 6]]],
    ['a cut touching the end keeps the interval', [[1, 2]], [[2, 3]], [[1, 2]]],
    ['a cut touching the start keeps the interval', [[2, 3]], [[1, 2]], [[2, 3]]],
    ['cuts at both ends', [[1, 10]], [[0, 2], [9, 12]], [[2, 9]]],
    ['one long cut over many', [[1, 2], [3, 4], [5, 6], [8, 9]], [[1.5, 5.5]], [[1, 1.5], [5.5, 6], [8, 9]]],
    ['unsorted, overlapping inputs', [[5, 8], [1, 6]], [[3, 4], [2, 3]], [[1, 2], [4, 8]]],
  ] as Array<[string, Interval[], Interval[], Interval[]]>)('%s', (_name, a, b, expected) => {
    expect(subtract(a, b)).toEqual(expected);
  });
});
