/**
 * The adapter contract (test/contracts/adapter.ts) for Slack, against the fake Slack, with either
 * receiver: Socket Mode and the HTTP Events API (signed requests).
 */
import { runAdapterContract } from '../contracts/adapter.js';
import { slackContract } from '../support/contract/slack.js';

runAdapterContract(slackContract('socket'));
runAdapterContract(slackContract('http'));
