/** The adapter contract (test/contracts/adapter.ts) for IRC, against a real ngircd. */
import { runAdapterContract } from '../contracts/adapter.js';
import { ircContract } from '../support/contract/irc.js';

runAdapterContract(ircContract);
