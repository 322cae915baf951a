package io.sluice.runner.translate;

import io.sluice.runner.plan.LogicalPlan;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.runners.AppliedPTransform;
import org.apache.beam.runners.core.SplittableParDoViaKeyedWorkItems;
import org.apache.beam.sdk.runners.PTransformMatcher;
import org.apache.beam.sdk.runners.PTransformOverride;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.reflect.DoFnSignature;
import org.apache.beam.sdk.transforms.reflect.DoFnSignatures;
import org.apache.beam.sdk.util.construction.PTransformMatchers;
import org.apache.beam.sdk.util.construction.PTransformTranslation;
import org.apache.beam.sdk.util.construction.SplittableParDo;
import org.apache.beam.sdk.util.construction.SplittableParDoNaiveBounded;
import org.apache.beam.sdk.util.construction.UnconsumedReads;
import org.apache.beam.sdk.values.PCollection;

/**
 * Normalises a pipeline and walks it, handing each transform to the translator registered for its
 * URN. Composites with a native translator are translated whole; others are entered.
 */
public final class PipelineTranslator {
  private final TranslatorRegistry registry;

  public PipelineTranslator(TranslatorRegistry registry) {
    this.registry = registry;
  }

  /**
   * Rewrites the pipeline into the primitives the translators know. Splittable DoFns run in place
   * (Beam's naive bounded expansion: cheap, no shuffle) unless they need checkpoints or bundle
   * finalization; those go through keyed work items, state and timers.
   */
  public static void normalize(Pipeline pipeline) {
    SplittableParDo.convertReadBasedSplittableDoFnsToPrimitiveReadsIfNecessary(pipeline);
    PTransformMatcher processKeyed = PTransformMatchers.urnEqualTo(PTransformTranslation.SPLITTABLE_PROCESS_KEYED_URN);
    pipeline.replaceAll(List.of(
        PTransformOverride.of(PipelineTranslator::isSplittableParDo, new SplittableParDo.OverrideFactory<>()),
        PTransformOverride.of(
            applied -> processKeyed.matches(applied) && needsKeyedWorkItems(applied),
            new SplittableParDoViaKeyedWorkItems.OverrideFactory<>()),
        PTransformOverride.of(processKeyed, new SplittableParDoNaiveBounded.OverrideFactory<>())));
    UnconsumedReads.ensureAllReadsConsumed(pipeline);
  }

  /**
   * What {@code PTransformMatchers.splittableParDo()} matches, read from the DoFn's signature: that
   * matcher builds and serializes every ParDo's proto to find out, which cost milliseconds per run.
   */
  private static boolean isSplittableParDo(AppliedPTransform<?, ?, ?> applied) {
    return applied.getTransform() instanceof ParDo.MultiOutput<?, ?> parDo
        && DoFnSignatures.signatureForDoFn(parDo.getFn()).processElement().isSplittable();
  }

  private static boolean needsKeyedWorkItems(AppliedPTransform<?, ?, ?> applied) {
    DoFn<?, ?> fn = ((SplittableParDo.ProcessKeyedElements<?, ?, ?, ?>) applied.getTransform()).getFn();
    DoFnSignature signature = DoFnSignatures.signatureForDoFn(fn);
    boolean finalizesBundles = signature.processElement().extraParameters().stream()
        .anyMatch(p -> p instanceof DoFnSignature.Parameter.BundleFinalizerParameter);
    return signature.isBoundedPerElement() == PCollection.IsBounded.UNBOUNDED || finalizesBundles;
  }

  public LogicalPlan translate(Pipeline pipeline) {
    TranslationContext context = new TranslationContext();
    pipeline.traverseTopologically(new Pipeline.PipelineVisitor.Defaults() {
      @Override
      public CompositeBehavior enterCompositeTransform(TransformHierarchy.Node node) {
        if (node.isRootNode()) {
          return CompositeBehavior.ENTER_TRANSFORM;
        }
        AppliedPTransform<?, ?, ?> applied = node.toAppliedPTransform(pipeline);
        TransformTranslator translator = registry.find(urnOf(node.getTransform()), applied);
        if (translator == null) {
          return CompositeBehavior.ENTER_TRANSFORM;
        }
        run(translator, applied, context);
        return CompositeBehavior.DO_NOT_ENTER_TRANSFORM;
      }

      @Override
      public void visitPrimitiveTransform(TransformHierarchy.Node node) {
        AppliedPTransform<?, ?, ?> applied = node.toAppliedPTransform(pipeline);
        String urn = urnOf(node.getTransform());
        TransformTranslator translator = registry.find(urn, applied);
        if (translator == null) {
          throw new UnsupportedOperationException("SluiceRunner cannot run '" + node.getFullName() + "' ("
              + node.getTransform().getClass().getName() + (urn == null ? "" : ", URN " + urn)
              + "): it is not a bounded Beam primitive that Sluice supports");
        }
        run(translator, applied, context);
      }
    });
    return context.plan();
  }

  private static void run(TransformTranslator translator, AppliedPTransform<?, ?, ?> applied, TranslationContext context) {
    try {
      translator.translate(applied, context);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("could not translate '" + applied.getFullName() + "': " + e.getMessage(), e);
    }
  }

  private static String urnOf(PTransform<?, ?> transform) {
    if (transform == null) {
      return null;
    }
    if (transform instanceof View.CreatePCollectionView) {
      return PTransformTranslation.CREATE_VIEW_TRANSFORM_URN;
    }
    if (transform instanceof SplittableParDoViaKeyedWorkItems.ProcessElements) {
      return SplittableParDo.SPLITTABLE_PROCESS_URN;
    }
    return PTransformTranslation.urnForTransformOrNull(transform);
  }
}
