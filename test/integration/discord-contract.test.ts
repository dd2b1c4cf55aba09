/** The adapter contract (test/contracts/adapter.ts) for Discord, against the fake Discord. */
import { runAdapterContract } from '../contracts/adapter.js';
import { discordContract } from '../support/contract/discord.js';

runAdapterContract(discordContract);
