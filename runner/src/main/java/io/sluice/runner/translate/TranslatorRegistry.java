package io.sluice.runner.translate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.runners.AppliedPTransform;
import org.apache.beam.sdk.util.construction.PTransformTranslation;
import org.apache.beam.sdk.util.construction.SplittableParDo;

/** URN → translators, most specialised first; the first that can translate a transform wins. */
public final class TranslatorRegistry {
  private final Map<String, List<TransformTranslator>> byUrn = new HashMap<>();

  public TranslatorRegistry register(String urn, TransformTranslator translator) {
    byUrn.computeIfAbsent(urn, u -> new ArrayList<>()).add(translator);
    return this;
  }

  /** The translators Sluice ships: Beam's primitives plus composites it runs natively. */
  public static TranslatorRegistry defaults() {
    RebalanceTranslator rebalance = new RebalanceTranslator();
    return new TranslatorRegistry()
        .register(PTransformTranslation.IMPULSE_TRANSFORM_URN, new ImpulseTranslator())
        .register(PTransformTranslation.READ_TRANSFORM_URN, new ReadTranslator())
        .register(PTransformTranslation.PAR_DO_TRANSFORM_URN, new ParDoTranslator())
        .register(PTransformTranslation.GROUP_BY_KEY_TRANSFORM_URN, new GroupByKeyTranslator(false))
        .register(SplittableParDo.SPLITTABLE_GBKIKWI_URN, new GroupByKeyTranslator(true))
        .register(SplittableParDo.SPLITTABLE_PROCESS_URN, new SplittableProcessTranslator())
        .register(PTransformTranslation.FLATTEN_TRANSFORM_URN, new FlattenTranslator())
        .register(PTransformTranslation.ASSIGN_WINDOWS_TRANSFORM_URN, new WindowAssignTranslator())
        .register(PTransformTranslation.CREATE_VIEW_TRANSFORM_URN, new CreateViewTranslator())
        .register(PTransformTranslation.COMBINE_PER_KEY_TRANSFORM_URN, new CombinePerKeyTranslator())
        .register(PTransformTranslation.RESHUFFLE_URN, rebalance)
        .register(PTransformTranslation.REDISTRIBUTE_ARBITRARILY_URN, rebalance)
        .register(PTransformTranslation.REDISTRIBUTE_BY_KEY_URN, rebalance);
  }

  /** The translator for {@code transform}, or null when none applies. */
  public TransformTranslator find(String urn, AppliedPTransform<?, ?, ?> transform) {
    if (urn == null) {
      return null;
    }
    for (TransformTranslator translator : byUrn.getOrDefault(urn, List.of())) {
      if (translator.canTranslate(transform)) {
        return translator;
      }
    }
    return null;
  }
}
