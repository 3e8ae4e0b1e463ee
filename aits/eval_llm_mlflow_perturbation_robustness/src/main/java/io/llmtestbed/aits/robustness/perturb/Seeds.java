package io.llmtestbed.aits.robustness.perturb;

import java.util.SplittableRandom;

/** The random state of one (seed, row, perturbation): independent of order and threads. */
public final class Seeds {
  private Seeds() {}

  /** A generator determined by the three values only. */
  public static SplittableRandom random(long seed, String rowId, String perturbation) {
    long h = mix(seed);
    h = mix(h ^ fnv(rowId));
    h = mix(h ^ fnv(perturbation));
    return new SplittableRandom(h);
  }

  private static long fnv(String s) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < s.length(); i++) {
      h ^= s.charAt(i);
      h *= 0x100000001b3L;
    }
    return h;
  }

  /** The SplitMix64 finaliser. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
