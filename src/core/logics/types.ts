/** The contract of resource logics: pure functions of a transaction, a resource and the state. */
import type { CoreLimits } from '../options.js';
import type {
  Address,
  ChannelData,
  ChannelId,
  Hlc,
  MessageData,
  MessageId,
  PermissionFlag,
  Resource,
  ResourceId,
  ResourceKind,
  Role,
  Transaction,
  UserId,
  UserProfileData,
} from '../types.js';

/** Read-only state the logics may consult (the state before the transaction). */
export interface StateView {
  profile(user: UserId): UserProfileData | undefined;
  channel(channel: ChannelId): ChannelData | undefined;
  role(channel: ChannelId, user: UserId): Role | undefined;
  message(id: MessageId): { data: MessageData; deleted: boolean } | undefined;
  permissions(user: UserId): readonly PermissionFlag[] | undefined;
  /** Live (unconsumed) resource ids in a slot. */
  live(slot: string): readonly ResourceId[];
  /** True when a resource with this id was ever created here, live or consumed. */
  exists(id: ResourceId, kind: ResourceKind): boolean;
}

export interface TxContext {
  readonly tx: Transaction;
  /** The key that signed the entry. */
  readonly author: Address;
  readonly hlc: Hlc;
  readonly limits: CoreLimits;
  /** The resources the transaction consumes, looked up. */
  readonly consumed: readonly { id: ResourceId; resource: Resource }[];
}

/** A refusal: `rule` is a stable name (metrics label, HTTP 403 message). */
export interface Refusal {
  readonly rule: string;
  readonly message: string;
}
export type Verdict = Refusal | undefined;

export interface ResourceLogic<K extends ResourceKind> {
  /** May this transaction create a resource of this kind with this data? */
  onCreate(data: Resource<K>['data'], ctx: TxContext, state: StateView): Verdict;
  /** May this transaction consume this resource? */
  onConsume(data: Resource<K>['data'], ctx: TxContext, state: StateView): Verdict;
}

export function refuse(rule: string, message: string): Refusal {
  return { rule, message };
}

/** The first refusal of several checks, or undefined when all accept. */
export function firstRefusal(...verdicts: Array<() => Verdict>): Verdict {
  for (const check of verdicts) {
    const verdict = check();
    if (verdict) return verdict;
  }
  return undefined;
}

/** A check of created data, defined once: no closures to allocate per transaction. */
export type Check<D> = (data: D, ctx: TxContext, state: StateView) => Verdict;

/** The first refusal of `checks` on `data`, or undefined when all accept (hot paths). */
export function firstRefusalOf<D>(
  checks: readonly Check<D>[],
  data: D,
  ctx: TxContext,
  state: StateView,
): Verdict {
  for (const check of checks) {
    const verdict = check(data, ctx, state);
    if (verdict) return verdict;
  }
  return undefined;
}
