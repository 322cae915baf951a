package io.sluice.transforms.order;

import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.KV;

/** Turns RangeIndex's (position, encoded element) back into (position, element). */
final class DecodePositionedFn<T> extends DoFn<KV<Long, byte[]>, KV<Long, T>> {
  private final Coder<T> coder;

  DecodePositionedFn(Coder<T> coder) {
    this.coder = coder;
  }

  @ProcessElement
  public void process(@Element KV<Long, byte[]> positioned, OutputReceiver<KV<Long, T>> out) throws Exception {
    out.output(KV.of(positioned.getKey(), CoderUtils.decodeFromByteArray(coder, positioned.getValue())));
  }
}
