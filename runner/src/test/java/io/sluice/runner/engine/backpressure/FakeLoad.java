package io.sluice.runner.engine.backpressure;

/** A fixed snapshot of an operator's load, for policy tests. */
record FakeLoad(String name, int runningTasks, int maxConcurrency, long downstreamQueuedBytes)
    implements OperatorLoad {

  static FakeLoad running(int runningTasks, int maxConcurrency) {
    return new FakeLoad("op", runningTasks, maxConcurrency, 0);
  }

  static FakeLoad queued(long downstreamQueuedBytes) {
    return new FakeLoad("op", 0, Integer.MAX_VALUE, downstreamQueuedBytes);
  }
}
