package io.sluice.examples;

import io.sluice.runner.SluiceRunner;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;

class WordCountTest {
  @Test
  void countsWordsOnSluiceRunner() {
    PipelineOptions options = PipelineOptionsFactory.create();
    options.setRunner(SluiceRunner.class);
    Pipeline pipeline = Pipeline.create(options);
    PCollection<KV<String, Long>> counts = pipeline
        .apply(Create.of(List.of("the cat", "The dog, the END", "")))
        .apply(new WordCount.CountWords());
    PAssert.that(counts).containsInAnyOrder(KV.of("the", 3L), KV.of("cat", 1L), KV.of("dog", 1L), KV.of("end", 1L));
    pipeline.run().waitUntilFinish();
  }

  @Test
  void quickStartMainRunsEndToEnd() {
    WordCount.main(new String[] {"--runner=SluiceRunner"});
  }
}
