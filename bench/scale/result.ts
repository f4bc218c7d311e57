/**
 * What one scale worker (bench/scale/worker.ts) measures for one N, as it
 * prints it (one JSON line on stdout) and bench/scale.ts reads it. Times
 * are in milliseconds of the manual clock ("sim") or of CPU (user + system,
 * process.cpuUsage); sizes in bytes.
 */

/** Packets sent at one instant of the manual clock. */
export interface Round {
  /** Simulated ms since the publish() calls. */
  at: number;
  packets: number;
  v4: number;
  v6: number;
  largest: number;
}

/** One kind of query, repeated. */
export interface QueryFigure {
  /** Timed repetitions (after the warm-up ones). */
  reps: number;
  /** CPU per query of the process (all threads: V8's GC and compiler helpers too), µs: the timed series' CPU over its repetitions, less the harness baseline. */
  cpuUs: number;
  /** CPU per query of the main (JavaScript) thread, µs, mean and median over the repetitions, less the baseline's. */
  mainUs: number;
  mainUsMedian: number;
  /** Simulated seconds since the publish() calls at which the timed series began and ended. */
  simSeconds: [number, number];
  /** Packets delivered to the responder for one query. */
  queryPackets: number;
  /** Instances (PTR) or SRV records in the answer on IPv4, min and max over repetitions. */
  instances: [number, number];
  /** The same on IPv6 (multicast answers go on both families). */
  instancesV6: [number, number];
  /** Packets of one answer, per family, min and max over repetitions. */
  packetsV4: [number, number];
  packetsV6: [number, number];
  /** Repetitions answered by unicast and by multicast (one answer may be neither: all known). */
  unicastReps: number;
  multicastReps: number;
  largest: number;
  /** Packets over their family's payload budget (1472 IPv4, 1452 IPv6 at MTU 1500). */
  overBudget: number;
  /** Packets sent after the 600 ms answer window and before the next query (there should be none). */
  latePackets: number;
  /** Simulated ms from the query to the first packet of the answer, min / mean / max. */
  firstDelayMs: [number, number, number] | null;
}

export interface WorkerResult {
  n: number;
  publish: {
    /** Every publish() promise resolved (none rejected). */
    allResolved: boolean;
    rejected: number;
    /** CPU ms from the publish() calls until every one resolved: the process, and its main thread. */
    cpuMs: number;
    mainCpuMs: number;
    /** Simulated ms from the publish() calls until every one resolved. */
    simMs: number;
    /** CPU ms from the publish() calls until the third announcement went out. */
    cpuToLastAnnouncementMs: number;
    /** Wall ms of the same. */
    wallMs: number;
    probeRounds: Round[];
    announcementRounds: Round[];
    /** Distinct names asked in the first probe round on IPv4, and SRV records in the first announcement round on IPv4. */
    probedNames: number;
    announcedSrv: number;
    largestPacket: number;
    overBudget: number;
  };
  memory: {
    /** After imports, before the responder is created (after gc). */
    rssBeforeMiB: number;
    heapBeforeMiB: number;
    /** After every publish() resolved (after gc; the benchmark's copies of sent packets dropped). */
    rssAnnouncedMiB: number;
    heapAnnouncedMiB: number;
    /** V8 heap reserved then, and of it the young generation (empty after gc: grown by the publish burst). */
    heapTotalAnnouncedMiB: number;
    newSpaceAnnouncedMiB: number;
    /** Peak RSS of the worker process so far (getrusage maxrss), at the end. */
    maxRssMiB: number;
  };
  idle: { simMs: number; packets: number; cpuMs: number; timersFired: number; timersPendingAfter: number };
  /** Harness cost of one empty repetition (no packet), µs of process and of main-thread CPU, subtracted from the query figures. */
  baselineUs: number;
  baselineMainUs: number;
  /** How the main thread's CPU was read: `schedstat`, or wall time where Linux's schedstat is missing. */
  mainThreadClock: string;
  queries: { srv: QueryFigure; ptr: QueryFigure; legacy: QueryFigure; knownAnswers: QueryFigure };
  close: {
    cpuMs: number;
    mainCpuMs: number;
    wallMs: number;
    simMs: number;
    packets: number;
    v4: number;
    v6: number;
    largest: number;
    /** Instances whose SRV went out with TTL 0, per family. */
    srvGoodbyesV4: number;
    srvGoodbyesV6: number;
    timersPendingAfter: number;
  };
  /** Error events of the responder (first few) and their count. */
  errors: { count: number; first: string[] };
  /** Set by bench/scale.ts when several workers ran this N: how many, and each one's main-thread CPU per query (µs) by kind. */
  runs?: number;
  mainUsByRun?: Record<string, number[]>;
  /** Wall ms of each phase, to find where time goes. */
  phasesWallMs: Record<string, number>;
}

export interface ImportCost {
  /** RSS of a bare node process with one dgram socket, and after import('dist/index.js'), MiB (after gc; median of runs). */
  bareMiB: number;
  importedMiB: number;
  deltaMiB: number;
  runs: number;
  /** When dist/index.js was built, and whether a file in src/ is newer. */
  distBuilt: string;
  distStale: boolean;
}
