/**
 * Discord snowflakes: 64-bit ids whose top 42 bits are milliseconds since the Discord epoch
 * (2015-01-01), then worker/process ids and a 12-bit increment (public docs, "Reference →
 * Snowflakes"). The fake keeps one increment so ids stay unique and ordered by creation.
 */
const DISCORD_EPOCH = 1_420_070_400_000n;

export class Snowflakes {
  private increment = 0n;
  private last = 0n;

  /** A new snowflake, strictly greater than the previous one. */
  next(now = Date.now()): string {
    let value = ((BigInt(now) - DISCORD_EPOCH) << 22n) | (1n << 17n) | (this.increment++ & 0xfffn);
    if (value <= this.last) value = this.last + 1n;
    this.last = value;
    return value.toString();
  }
}

/** Creation time (ms since the Unix epoch) encoded in a snowflake. */
export function snowflakeTime(id: string): number {
  return Number((BigInt(id) >> 22n) + DISCORD_EPOCH);
}
