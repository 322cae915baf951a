package io.sluice.transforms.order;

import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.DoubleCoder;
import org.apache.beam.sdk.coders.FloatCoder;
import org.apache.beam.sdk.coders.IterableCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.LengthPrefixCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.SchemaCoder;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.hash.HashFunction;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.hash.Hashing;

/**
 * The seeded 64-bit hash of an element's encoded bytes that {@link RandomShuffle} orders by and
 * {@code RandomSample} keeps by: SipHash-2-4 keyed with the seed, so every runner computes the same
 * value for the same element and seed, and different seeds give unrelated values.
 */
public final class EncodedHash {
  /** The second half of SipHash's 128-bit key ("sluice"); the seed is the first. */
  private static final long KEY_SALT = 0x736c75696365L;

  private EncodedHash() {}

  public static long of(long seed, byte[] encoded) {
    return function(seed).hashBytes(encoded).asLong();
  }

  static HashFunction function(long seed) {
    return Hashing.sipHash24(seed, KEY_SALT);
  }

  /** A hash as a uniform fraction in [0, 1), from its top 53 bits. */
  public static double fraction(long hash) {
    return (hash >>> 11) * 0x1.0p-53;
  }

  /**
   * Fails naming {@code transform} when equal elements may encode differently (a map's entries,
   * for one), so their hash, and with it an order or a sample, would change between runs. Floating
   * point is accepted, though Beam calls it non-deterministic: its coders write the IEEE bits, the
   * same on every runner.
   */
  public static void requireDeterministic(String transform, Coder<?> coder) {
    String problem = nonDeterminism(coder);
    if (problem != null) {
      throw new IllegalArgumentException(transform + " hashes each element's encoding, so equal elements must "
          + "encode equally, but " + problem + "; convert such fields (e.g. a map to a sorted list) first");
    }
  }

  private static String nonDeterminism(Coder<?> coder) {
    if (coder instanceof DoubleCoder || coder instanceof FloatCoder) {
      return null;
    }
    if (coder instanceof SchemaCoder<?> schemaCoder) {
      return nonDeterminism(schemaCoder.getSchema());
    }
    try {
      coder.verifyDeterministic();
      return null;
    } catch (Coder.NonDeterministicException e) {
      // These encode their components in order; only a component can make them non-deterministic.
      if (coder instanceof KvCoder || coder instanceof ListCoder || coder instanceof IterableCoder
          || coder instanceof NullableCoder || coder instanceof LengthPrefixCoder) {
        for (Coder<?> component : coder.getCoderArguments()) {
          String problem = nonDeterminism(component);
          if (problem != null) {
            return problem;
          }
        }
        return null;
      }
      return "its coder " + coder + " is not deterministic (" + e.getReasons() + ")";
    }
  }

  private static String nonDeterminism(Schema schema) {
    for (Schema.Field field : schema.getFields()) {
      String problem = nonDeterminism(field.getType());
      if (problem != null) {
        return "column '" + field.getName() + "' " + problem;
      }
    }
    return null;
  }

  private static String nonDeterminism(Schema.FieldType type) {
    return switch (type.getTypeName()) {
      case MAP -> "is a map, which encodes in its iteration order";
      case ARRAY, ITERABLE -> nonDeterminism(type.getCollectionElementType());
      case ROW -> nonDeterminism(type.getRowSchema());
      case LOGICAL_TYPE -> nonDeterminism(type.getLogicalType().getBaseType());
      default -> null;
    };
  }
}
