package io.llmtestbed.aits.answeraccuracy.metrics;

import java.util.Arrays;

/** A growable sequence of token ids, reused across rows. Not thread-safe. */
final class TokenSequence {
  private int[] ids = new int[256];
  private int length;

  void clear() {
    length = 0;
  }

  void add(int id) {
    if (length == ids.length) {
      ids = Arrays.copyOf(ids, length * 2);
    }
    ids[length++] = id;
  }

  int length() {
    return length;
  }

  /** The backing array; only the first {@link #length()} entries are meaningful. */
  int[] ids() {
    return ids;
  }

  int[] toArray() {
    return Arrays.copyOf(ids, length);
  }
}
