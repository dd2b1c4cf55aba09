/**
 * The adapter contract (test/contracts/adapter.ts) for IRC, against a real ngircd, in both
 * modes: relay (one bot, `<name>` lines) and puppet (a connection per bridged person).
 */
import { runAdapterContract } from '../contracts/adapter.js';
import { ircContract } from '../support/contract/irc.js';

runAdapterContract(ircContract('relay'));
runAdapterContract(ircContract('puppet'));
