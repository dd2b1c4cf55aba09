/** What resolving one planned delivery gives: an action to perform, or a skip (with its reason). */
import type { MessageId } from '../../core/types.js';
import type { DropReason, OutboundAction } from '../types.js';

export type Resolved =
  | { readonly action: OutboundAction; readonly message?: MessageId }
  /**
   * `reason` absent: counted as `unsupported` (the target cannot take it for this sender).
   * `done`: nothing to do by design (not a drop, not counted), e.g. a bot reaction that stays.
   */
  | { readonly skip: string; readonly reason?: DropReason; readonly done?: true };
