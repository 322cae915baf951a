package io.sluice.runner.engine.operator;

/**
 * An operator whose remaining work can be abandoned once what it feeds wants no more (a limit
 * downstream has been reached): it starts nothing new, drops the input it holds or is handed later,
 * and finishes as soon as its running tasks have; what those produce still flows out.
 */
public interface StopsEarly {
  void stopEarly();
}
