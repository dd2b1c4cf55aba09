/**
 * Webhook usernames as Discord accepts them: 1–80 characters, not containing "discord" or
 * "clyde" (case-insensitive) nor a code fence, and not "everyone" or "here". A refused name would
 * fail the whole send, so a bridged person's name is adjusted instead of the message dropped.
 */
const MAX = 80;

/** The name a bridged person is shown with, made acceptable to Discord's webhook rules. */
export function webhookUsername(name: string): string {
  let out = name
    .replace(/```/g, "'''")
    // A zero-width joiner breaks the forbidden words without changing how the name looks.
    .replace(/(disc)(ord)/gi, '$1\u200d$2')
    .replace(/(cl)(yde)/gi, '$1\u200d$2')
    .trim();
  if (out === '') out = 'someone';
  if (/^(everyone|here)$/i.test(out)) out = `${out} (bridged)`;
  return [...out].slice(0, MAX).join('');
}
