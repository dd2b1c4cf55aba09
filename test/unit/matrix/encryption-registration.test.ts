/**
 * With `encryption.enabled` the registration carries the fields Synapse needs to feed the bot's
 * device (MSC3202, MSC4190), says in its header what the homeserver must turn on, and a
 * registration without them is refused at start, naming the field. Without encryption nothing
 * changes.
 */
import { describe, expect, it } from 'vitest';
import {
  buildRegistration,
  compareRegistration,
  parseRegistration,
  readMatrixConfig,
  registrationYaml,
  RegistrationMismatchError,
} from '../../../src/bridges/matrix/index.js';

const base = { homeserverUrl: 'http://127.0.0.1:8008', domain: 'example.org' };
const on = readMatrixConfig({ ...base, encryption: { enabled: true } });
const off = readMatrixConfig(base);

describe('Matrix registration with encryption', () => {
  it('writes the MSC3202 and MSC4190 fields and names the Synapse options', () => {
    const text = registrationYaml(buildRegistration(on));
    const parsed = parseRegistration(text, 'r.yaml');
    expect(parsed['org.matrix.msc3202']).toBe(true);
    expect(parsed['io.element.msc4190']).toBe(true);
    expect(text).toContain('msc2409_to_device_messages_enabled');
    expect(text).toContain('msc3202_transaction_extensions');
  });

  it('refuses a registration written without encryption, naming the field', () => {
    const old = parseRegistration(registrationYaml(buildRegistration(off)), 'r.yaml');
    expect(() => compareRegistration(on, old, 'r.yaml')).toThrow(RegistrationMismatchError);
    expect(() => compareRegistration(on, old, 'r.yaml')).toThrow(/org\.matrix\.msc3202/);
  });

  it('leaves the registration as it was when encryption is off', () => {
    const text = registrationYaml(buildRegistration(off));
    expect(text).not.toContain('msc3202');
    expect(text).not.toContain('msc4190');
    expect(() =>
      compareRegistration(off, parseRegistration(text, 'r.yaml'), 'r.yaml'),
    ).not.toThrow();
  });
});
