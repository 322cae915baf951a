package io.sluice.examples;

import java.util.Arrays;
import java.util.List;
import io.sluice.runner.SluicePipelineResult;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.FlatMapElements;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.Top;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * The quick start: counts words and prints the most frequent ones. With no --inputFile it counts
 * an embedded text, so it runs anywhere with no external service. Any Beam runner works; the
 * quick-start command passes --runner=SluiceRunner.
 */
public final class WordCount {
  static final List<String> EMBEDDED_TEXT = Arrays.asList(
      "Sluice brings Ray Data style batch processing to Apache Beam",
      "a streaming executor keeps CPUs and GPUs busy inside a memory budget",
      "blocks flow through bounded queues between operators",
      "operators run tasks on a worker pool and the scheduler keeps the queues bounded",
      "the same Beam pipeline runs on DirectRunner FlinkRunner and SluiceRunner");

  public interface Options extends PipelineOptions {
    @Description("Text file(s) to read; the embedded sample text when empty.")
    @Default.String("")
    String getInputFile();

    void setInputFile(String value);

    @Description("Output prefix for the word counts; nothing is written when empty.")
    @Default.String("")
    String getOutput();

    void setOutput(String value);
  }

  /** Lines in, (word, count) out. */
  public static final class CountWords extends PTransform<PCollection<String>, PCollection<KV<String, Long>>> {
    @Override
    public PCollection<KV<String, Long>> expand(PCollection<String> lines) {
      return lines
          .apply("Split", FlatMapElements.into(TypeDescriptors.strings())
              .via((String line) -> Arrays.asList(line.toLowerCase().split("[^\\p{L}\\p{N}']+"))))
          .apply("DropEmpty", Filter.by((String word) -> !word.isEmpty()))
          .apply("Count", Count.perElement());
    }
  }

  public static void main(String[] args) {
    Options options = PipelineOptionsFactory.fromArgs(args).withValidation().as(Options.class);
    Pipeline pipeline = Pipeline.create(options);
    PCollection<String> lines = options.getInputFile().isEmpty()
        ? pipeline.apply("EmbeddedText", Create.of(EMBEDDED_TEXT))
        : pipeline.apply("ReadLines", TextIO.read().from(options.getInputFile()));
    PCollection<KV<String, Long>> counts = lines.apply("CountWords", new CountWords());
    if (!options.getOutput().isEmpty()) {
      counts
          .apply("Format", MapElements.into(TypeDescriptors.strings()).via(kv -> kv.getKey() + ": " + kv.getValue()))
          .apply("Write", TextIO.write().to(options.getOutput()));
    }
    counts
        .apply("Top10", Top.of(10, new ByCount()))
        .apply("Print", MapElements.into(TypeDescriptors.strings()).via(top -> {
          StringBuilder out = new StringBuilder("Top words:\n");
          for (KV<String, Long> kv : top) {
            out.append(String.format("  %-12s %d%n", kv.getKey(), kv.getValue()));
          }
          System.out.print(out);
          return out.toString();
        }));
    PipelineResult result = pipeline.run();
    result.waitUntilFinish();
    if (result instanceof SluicePipelineResult sluice) {
      // Like Ray Data's ds.stats(): what each operator did.
      System.out.print(sluice.stats());
    }
  }

  /** Orders (word, count) by count, then by word so ties are deterministic. */
  static final class ByCount implements java.util.Comparator<KV<String, Long>>, java.io.Serializable {
    @Override
    public int compare(KV<String, Long> a, KV<String, Long> b) {
      int byCount = Long.compare(a.getValue(), b.getValue());
      return byCount != 0 ? byCount : b.getKey().compareTo(a.getKey());
    }
  }

  private WordCount() {}
}
