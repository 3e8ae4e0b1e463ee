package io.llmtestbed.aits.robustness;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.store.embedding.CosineSimilarity;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides whether two answers are equivalent under one {@link Equivalence}. For
 * {@link Equivalence#EMBEDDING} the all-MiniLM-L6-v2 model (langchain4j's ONNX build, in the
 * jar, run in-process) is loaded on first use and embeddings are cached per text. Thread-safe.
 */
final class EquivalenceJudge {
  private final Equivalence mode;
  private final double threshold;
  private volatile EmbeddingModel model;
  private final Map<String, Embedding> cache = new ConcurrentHashMap<>();

  EquivalenceJudge(Equivalence mode, double threshold) {
    this.mode = mode;
    this.threshold = threshold;
  }

  /** Whether {@code perturbed} is equivalent to {@code original}; nulls are never equivalent. */
  boolean equivalent(String original, String perturbed) {
    if (original == null || perturbed == null) {
      return false;
    }
    if (mode == Equivalence.EXACT) {
      return original.equals(perturbed);
    }
    if (Answers.normalize(original).equals(Answers.normalize(perturbed))) {
      return true;
    }
    return mode == Equivalence.EMBEDDING && similarity(original, perturbed) >= threshold;
  }

  /** Cosine similarity of the two texts' embeddings. */
  double similarity(String a, String b) {
    return CosineSimilarity.between(embed(a), embed(b));
  }

  private Embedding embed(String text) {
    return cache.computeIfAbsent(text, t -> model().embed(t).content());
  }

  private EmbeddingModel model() {
    EmbeddingModel m = model;
    if (m == null) {
      synchronized (this) {
        if (model == null) {
          model = new AllMiniLmL6V2EmbeddingModel();
        }
        m = model;
      }
    }
    return m;
  }
}
