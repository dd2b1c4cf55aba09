/** Reading Slack's standard workspace export (`multichat import slack-export`). */
export { SlackExport, type ExportChannel, type FileMapper, type RawFile } from './reader.js';
export { exportFiles } from './files.js';
export type { HistoryItem, RawMessage } from './messages.js';
export * from './errors.js';
