package io.llmtestbed.aits.answeraccuracy;

import java.util.Arrays;

/** A growable array of doubles (8 bytes a row, no boxing). */
final class DoubleList {
  private double[] values = new double[1024];
  private int size;

  void add(double value) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size + (size >> 1));
    }
    values[size++] = value;
  }

  double get(int index) {
    return values[index];
  }

  int size() {
    return size;
  }

  /** A copy of the values. */
  double[] toArray() {
    return Arrays.copyOf(values, size);
  }
}
