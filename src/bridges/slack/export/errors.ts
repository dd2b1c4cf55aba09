/** Errors of reading a Slack workspace export, one class per condition. */
import { BridgeError } from '../../errors.js';

/** The file is not a zip archive (or a damaged one). */
export class ExportNotZipError extends BridgeError {
  readonly code = 'export_not_zip';
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`${path} is not a readable zip archive: ${reason}`);
  }
}

/** A zip without the files every Slack export has (users.json, channels.json). */
export class NotSlackExportError extends BridgeError {
  readonly code = 'not_slack_export';
  constructor(
    readonly path: string,
    readonly missing: string,
  ) {
    super(`${path} is not a Slack workspace export: it has no ${missing}`);
  }
}

/** A file of the export that is not the JSON Slack writes there. */
export class ExportFileError extends BridgeError {
  readonly code = 'export_file';
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file} in the Slack export is not valid: ${reason}`);
  }
}

/** An exported file whose bytes cannot be fetched here (Slack is not configured). */
export class ExportFileUnavailableError extends BridgeError {
  readonly code = 'export_file_unavailable';
  constructor(readonly fileId: string) {
    super(`file ${fileId} is not fetched: bridges.slack is not configured, so it stays a link`);
  }
}
