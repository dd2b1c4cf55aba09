/** The adapter contract (test/contracts/adapter.ts) for Slack, against the fake Slack. */
import { runAdapterContract } from '../contracts/adapter.js';
import { slackContract } from '../support/contract/slack.js';

runAdapterContract(slackContract);
