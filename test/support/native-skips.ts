/**
 * Joins, leaves, roles and reactions of a person whose own account on `network` is linked are
 * not sent there on purpose (runtime/native-sender.ts). A router harness that counts what the
 * runtime does not carry (`expectDrops`, where it has one) is told so.
 */
interface DropLike {
  readonly network: string;
  readonly kind: string;
}
const NATIVE_SKIPS = ['join', 'leave', 'role', 'react', 'unreact'];

export function allowNativeSkips(h: object, network: string): void {
  const declare = (h as { expectDrops?: (allow: (c: DropLike) => boolean) => void }).expectDrops;
  declare?.call(h, (c) => c.network === network && NATIVE_SKIPS.includes(c.kind));
}
