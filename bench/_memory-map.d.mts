/** Resident memory of a process by kind (bench/_memory-map.mjs). */
export interface MemoryMap {
  readonly rssMb: number;
  readonly mallocMainMb: number;
  readonly mallocArenasMb: number;
  readonly filesMb: number;
  readonly otherAnonMb: number;
  readonly arenas: number;
  readonly threads: number;
}

export function memoryMap(pid?: number | 'self'): MemoryMap | undefined;

export function memoryMapOf(smaps: string, status: string): MemoryMap;
