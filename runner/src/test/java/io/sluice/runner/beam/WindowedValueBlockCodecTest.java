package io.sluice.runner.beam;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.runner.ColumnarRows;
import io.sluice.runner.engine.block.Block;
import io.sluice.runner.engine.block.ColumnarBlock;
import io.sluice.runner.engine.block.RowBlock;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.WindowedValue;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

class WindowedValueBlockCodecTest {
  @Test
  void aColumnarBlockSpillsAsItsRowsInTheGlobalWindowAtTheBatchTimestamp() throws Exception {
    PCollection<String> strings = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=SluiceRunner").create())
        .apply(Create.of("x"));
    WindowedValueBlockCodec codec = new WindowedValueBlockCodec(strings);
    Instant timestamp = new Instant(1234);
    ColumnarRows batch = new ColumnarRows() {
      private final List<String> values = List.of("a", "b", "c", "d", "e");

      @Override
      public Instant timestamp() {
        return timestamp;
      }

      @Override
      public List<?> values(int from, int to) {
        return values.subList(from, to);
      }

      @Override
      public ColumnarRows slice(int from, int to) {
        throw new UnsupportedOperationException();
      }

      @Override
      public int rows() {
        return values.size();
      }

      @Override
      public long bytes() {
        return 50;
      }

      @Override
      public void close() {}
    };
    Block view = new ColumnarBlock(batch).slice(1, 4);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    codec.encode(view, out);

    RowBlock<?> back = (RowBlock<?>) codec.decode(new ByteArrayInputStream(out.toByteArray()), 3, 30);
    assertEquals(3, back.rows());
    for (int i = 0; i < 3; i++) {
      WindowedValue<?> element = (WindowedValue<?>) back.elements().get(i);
      assertEquals(List.of("b", "c", "d").get(i), element.getValue());
      assertEquals(timestamp, element.getTimestamp());
      assertEquals(List.of(GlobalWindow.INSTANCE), List.copyOf(element.getWindows()));
    }
  }
}
