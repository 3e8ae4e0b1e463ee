package io.llmtestbed.aits.answeraccuracy.metrics;

import java.util.Arrays;

/**
 * Maps the distinct tokens of one row (prediction and reference) to dense ids {@code 0..size-1},
 * so that overlap counts and LCS work on {@code int} arrays instead of strings.
 *
 * <p>The characters of every token are copied into one growing pool; no {@link String} is
 * created per token. {@link #clear()} forgets all tokens but keeps the arrays, so one instance
 * serves a whole table. Not thread-safe.
 */
final class Vocabulary {
  private char[] pool = new char[4096];
  private int poolSize;
  private int[] starts = new int[512];
  private int[] lengths = new int[512];
  private int[] hashes = new int[512];
  private int size;
  /** Open addressing: slot holds id + 1, 0 = empty. Length is a power of two. */
  private int[] table = new int[1024];

  /** Number of distinct tokens seen since the last {@link #clear()}. */
  int size() {
    return size;
  }

  /** Forgets every token; keeps the allocated arrays (shrinking the table after a huge row). */
  void clear() {
    if (table.length > 1 << 16) {
      table = new int[1024];
    } else if (size > 0) {
      Arrays.fill(table, 0);
    }
    size = 0;
    poolSize = 0;
  }

  /**
   * Returns the id of the token {@code chars[offset, offset + length)}, adding it when new.
   *
   * @param length at least 1
   */
  int intern(char[] chars, int offset, int length) {
    int hash = 1;
    for (int i = offset; i < offset + length; i++) {
      hash = 31 * hash + chars[i];
    }
    hash ^= hash >>> 16;
    int mask = table.length - 1;
    int slot = hash & mask;
    while (true) {
      int entry = table[slot];
      if (entry == 0) {
        return add(chars, offset, length, hash, slot);
      }
      int id = entry - 1;
      if (hashes[id] == hash && sameChars(id, chars, offset, length)) {
        return id;
      }
      slot = (slot + 1) & mask;
    }
  }

  private boolean sameChars(int id, char[] chars, int offset, int length) {
    if (lengths[id] != length) {
      return false;
    }
    int start = starts[id];
    for (int i = 0; i < length; i++) {
      if (pool[start + i] != chars[offset + i]) {
        return false;
      }
    }
    return true;
  }

  private int add(char[] chars, int offset, int length, int hash, int slot) {
    if (poolSize + length > pool.length) {
      pool = Arrays.copyOf(pool, Math.max(pool.length * 2, poolSize + length));
    }
    System.arraycopy(chars, offset, pool, poolSize, length);
    if (size == starts.length) {
      int capacity = size * 2;
      starts = Arrays.copyOf(starts, capacity);
      lengths = Arrays.copyOf(lengths, capacity);
      hashes = Arrays.copyOf(hashes, capacity);
    }
    int id = size++;
    starts[id] = poolSize;
    lengths[id] = length;
    hashes[id] = hash;
    poolSize += length;
    table[slot] = id + 1;
    // Keep the load factor under one half so probe chains stay short.
    if (size * 2 > table.length) {
      rehash();
    }
    return id;
  }

  private void rehash() {
    int[] bigger = new int[table.length * 2];
    int mask = bigger.length - 1;
    for (int id = 0; id < size; id++) {
      int slot = hashes[id] & mask;
      while (bigger[slot] != 0) {
        slot = (slot + 1) & mask;
      }
      bigger[slot] = id + 1;
    }
    table = bigger;
  }

  /** The token with this id, as a new string (for tests and diagnostics, not the hot path). */
  String token(int id) {
    return new String(pool, starts[id], lengths[id]);
  }
}
