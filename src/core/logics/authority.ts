/** Who may sign for whom: a native user's own key, or the gateway that controls a profile. */
import { hashOf } from '../encoding.js';
import type { Address, Origin, UserId, UserProfileData } from '../types.js';
import type { StateView } from './types.js';

/** The stable user id of a person a gateway bridges from another network. */
export function bridgedUserId(controller: Address, origin: Origin): UserId {
  return `b_${hashOf({ controller, network: origin.network, externalId: origin.externalId }).slice(0, 32)}` as UserId;
}

export function profileSigner(profile: UserProfileData): Address | undefined {
  return profile.publicKey ?? profile.controller;
}

/** True when `author` may sign transactions on behalf of `user`. */
export function maySignFor(author: Address, user: UserId, state: StateView): boolean {
  const profile = state.profile(user);
  if (profile) return profileSigner(profile) === author;
  // A user without a profile yet can only be the signer itself (its first profile).
  return user === (author as string);
}
