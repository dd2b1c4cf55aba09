/** A phase's CPU profile (bench/_cpu-profile.mjs). */
export interface PhaseProfile {
  /** Stops the profile and writes `<dir>/<name>.cpuprofile`; returns the path. */
  stop(): Promise<string | undefined>;
}

export function profilePhase(name: string): Promise<PhaseProfile>;
