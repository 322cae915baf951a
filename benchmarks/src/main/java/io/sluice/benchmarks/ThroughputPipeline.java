package io.sluice.benchmarks;

import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.values.KV;

/** generate → parse → filter → sum per key → checksum, published via {@link InProcessResults}. */
final class ThroughputPipeline {

  private ThroughputPipeline() {}

  static Pipeline build(PipelineOptions options, long records, String runId) {
    Pipeline pipeline = Pipeline.create(options);
    pipeline
        .apply("Generate", GenerateSequence.from(0).to(records))
        .apply("Parse", ParDo.of(new ParseFn()))
        .apply("Filter", Filter.by((KV<String, Long> kv) -> SyntheticRecords.keep(kv.getValue())))
        .apply("SumPerKey", Sum.longsPerKey())
        .apply("Mix", ParDo.of(new MixFn()))
        .apply("Checksum", Combine.globally(Sum.ofLongs()))
        .apply("Publish", ParDo.of(new InProcessResults.PublishFn(runId)));
    return pipeline;
  }

  /** Formats and re-parses each number, so parsing cost is real work and not optimised away. */
  static final class ParseFn extends DoFn<Long, KV<String, Long>> {
    @ProcessElement
    public void processElement(@Element Long i, OutputReceiver<KV<String, Long>> out) {
      out.output(SyntheticRecords.parse(SyntheticRecords.format(i)));
    }
  }

  static final class MixFn extends DoFn<KV<String, Long>, Long> {
    @ProcessElement
    public void processElement(@Element KV<String, Long> kv, OutputReceiver<Long> out) {
      out.output(SyntheticRecords.mix(kv.getKey(), kv.getValue()));
    }
  }
}
