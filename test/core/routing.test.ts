import { describe, expect, it } from 'vitest';
import { chooseAssignee } from '../../src/core/routing.js';

const routing = (userIds: string[], rules: { ifTag: string; userIds: string[] }[] = []) => ({
  routing: { userIds, rules },
});

describe('chooseAssignee', () => {
  it("gives the task to the source's assignTo first", () => {
    const result = chooseAssignee({
      settings: routing(['rr1', 'rr2'], [{ ifTag: 'Service', userIds: ['rule1'] }]),
      source: { assignTo: ['src1'] },
      contactTags: ['service'],
      sourceTag: 'Facebook Ad Caller',
      roundRobinIndex: 5,
    });
    expect(result).toEqual({ userId: 'src1', via: 'source', consumesRoundRobin: false, pool: ['src1'] });
  });

  it('takes turns among several source users by the round-robin index', () => {
    const input = { settings: routing([]), source: { assignTo: ['a', 'b', 'c'] }, contactTags: [], sourceTag: null };
    expect(chooseAssignee({ ...input, roundRobinIndex: 0 })).toEqual({
      userId: 'a',
      via: 'source',
      consumesRoundRobin: true,
      pool: ['a', 'b', 'c'],
    });
    expect(chooseAssignee({ ...input, roundRobinIndex: 4 }).userId).toBe('b');
  });

  it('falls to the first matching rule when the source names nobody', () => {
    const settings = routing(
      ['rr1'],
      [
        { ifTag: 'Sales', userIds: ['sales1'] },
        { ifTag: 'Service', userIds: ['svc1'] },
        { ifTag: 'service', userIds: ['later'] },
      ],
    );
    const result = chooseAssignee({
      settings,
      source: { assignTo: [] },
      contactTags: ['vip', 'service'],
      sourceTag: null,
      roundRobinIndex: 0,
    });
    expect(result).toEqual({ userId: 'svc1', via: 'rule', consumesRoundRobin: false, pool: ['svc1'] });
  });

  it('matches rule tags without regard to case or surrounding spaces', () => {
    const settings = routing([], [{ ifTag: ' Service ', userIds: ['svc1'] }]);
    expect(
      chooseAssignee({ settings, source: null, contactTags: ['SERVICE'], sourceTag: null, roundRobinIndex: 0 }).userId,
    ).toBe('svc1');
  });

  it("matches a rule by the call's source tag when the contact does not carry it yet", () => {
    const settings = routing(['rr1'], [{ ifTag: 'Google Ads', userIds: ['g1'] }]);
    const result = chooseAssignee({
      settings,
      source: null,
      contactTags: [],
      sourceTag: 'google ads',
      roundRobinIndex: 0,
    });
    expect(result).toMatchObject({ userId: 'g1', via: 'rule' });
  });

  it('takes turns among several rule users by the round-robin index', () => {
    const settings = routing([], [{ ifTag: 'vip', userIds: ['x', 'y'] }]);
    const input = { settings, source: null, contactTags: ['vip'], sourceTag: null };
    expect(chooseAssignee({ ...input, roundRobinIndex: 1 })).toEqual({
      userId: 'y',
      via: 'rule',
      consumesRoundRobin: true,
      pool: ['x', 'y'],
    });
    expect(chooseAssignee({ ...input, roundRobinIndex: 2 }).userId).toBe('x');
  });

  it('names the list it chose from, not an earlier rule that shares a user', () => {
    const settings = routing(
      [],
      [
        { ifTag: 'sales', userIds: ['x', 'z'] },
        { ifTag: 'vip', userIds: ['x', 'y'] },
      ],
    );
    const result = chooseAssignee({
      settings,
      source: null,
      contactTags: ['vip'],
      sourceTag: null,
      roundRobinIndex: 0,
    });
    expect(result).toMatchObject({ userId: 'x', via: 'rule', pool: ['x', 'y'] });
  });

  it('skips a matching rule with no users', () => {
    const settings = routing(['rr1'], [{ ifTag: 'vip', userIds: [] }]);
    expect(
      chooseAssignee({ settings, source: null, contactTags: ['vip'], sourceTag: null, roundRobinIndex: 0 }),
    ).toMatchObject({
      userId: 'rr1',
      via: 'round-robin',
    });
  });

  it('round-robins over routing.userIds when nothing else applies', () => {
    const settings = routing(['a', 'b', 'c'], [{ ifTag: 'other', userIds: ['o'] }]);
    const input = { settings, source: null, contactTags: ['vip'], sourceTag: 'Website' };
    expect(chooseAssignee({ ...input, roundRobinIndex: 0 })).toEqual({
      userId: 'a',
      via: 'round-robin',
      consumesRoundRobin: true,
      pool: ['a', 'b', 'c'],
    });
    expect(chooseAssignee({ ...input, roundRobinIndex: 1 }).userId).toBe('b');
    expect(chooseAssignee({ ...input, roundRobinIndex: 2 }).userId).toBe('c');
    expect(chooseAssignee({ ...input, roundRobinIndex: 3 }).userId).toBe('a');
    expect(chooseAssignee({ ...input, roundRobinIndex: 100 }).userId).toBe('b');
  });

  it('consumes the index for a single round-robin user too', () => {
    expect(
      chooseAssignee({
        settings: routing(['solo']),
        source: null,
        contactTags: [],
        sourceTag: null,
        roundRobinIndex: 7,
      }),
    ).toEqual({
      userId: 'solo',
      via: 'round-robin',
      consumesRoundRobin: true,
      pool: ['solo'],
    });
  });

  it('survives a negative, fractional or non-finite index', () => {
    const input = { settings: routing(['a', 'b', 'c']), source: null, contactTags: [], sourceTag: null };
    expect(chooseAssignee({ ...input, roundRobinIndex: -1 }).userId).toBe('c');
    expect(chooseAssignee({ ...input, roundRobinIndex: 4.7 }).userId).toBe('b');
    expect(chooseAssignee({ ...input, roundRobinIndex: Number.NaN }).userId).toBe('a');
  });

  it('leaves the task unassigned when nobody is configured', () => {
    expect(
      chooseAssignee({ settings: routing([]), source: null, contactTags: ['vip'], sourceTag: 'x', roundRobinIndex: 3 }),
    ).toEqual({
      userId: null,
      via: 'none',
      consumesRoundRobin: false,
      pool: [],
    });
  });
});
