package io.sluice.runner;

/**
 * Implemented by a DoFn whose consumers want at most {@link #maxOutputRows()} of its outputs in
 * total (a limit: the rest would be discarded downstream). Once that many have left it,
 * SluiceRunner stops the work upstream that feeds nothing else: sources read no further. Other
 * runners ignore it, so the DoFn must still give correct results when everything is processed.
 */
public interface OutputLimit {
  long maxOutputRows();
}
