/**
 * The top-level `retention:` section: whether expiry also deletes a bridged message's original
 * on the network it came from (default no), and that the runtime is told.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/gateway/config/index.js';
import { configProblems as problemsOf } from '../../support/config-problems.js';

describe('retention config', () => {
  it('keeps originals by default', () => {
    expect(parseConfig({}, {}).retention).toEqual({ deleteOriginals: false });
  });

  it('takes deleteOriginals: true', () => {
    expect(parseConfig({ retention: { deleteOriginals: true } }, {}).retention).toEqual({
      deleteOriginals: true,
    });
  });

  it('refuses a non-boolean and unknown keys, naming them', () => {
    expect(problemsOf({ retention: { deleteOriginals: 'yes' } }).join('\n')).toMatch(
      /retention\.deleteOriginals/,
    );
    expect(problemsOf({ retention: { deleteCopies: true } }).join('\n')).toMatch(
      /retention\.deleteCopies/,
    );
  });
});
