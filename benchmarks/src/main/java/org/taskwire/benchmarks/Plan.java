package org.taskwire.benchmarks;

/**
 * How much each scenario measures: the full plan for published figures, the quick plan (each
 * scenario once, briefly) so CI keeps the harness working.
 */
record Plan(boolean quick, int latencyCalls, int warmupCalls, int smallFanout, int largeFanout, int outstandingCalls,
    int fanInResults, int relayMessages, int coldJobs, int sandboxRechecks, int pandaCalls, int peerCalls,
    int pipelineKeys, int slurmCalls) {

  static final Plan FULL = new Plan(false, 2_000, 5_000, 10_000, 100_000, 100_000, 20_000, 300, 10, 20, 10_000, 10_000, 1_000, 1_000);

  static final Plan QUICK = new Plan(true, 50, 200, 500, 2_000, 2_000, 500, 20, 1, 2, 200, 200, 100, 10);
}
