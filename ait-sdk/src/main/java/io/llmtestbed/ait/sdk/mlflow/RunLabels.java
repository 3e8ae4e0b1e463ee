package io.llmtestbed.ait.sdk.mlflow;

import java.util.Set;

/** Short names for the runs of one job, as AITs show them in logs, tables and charts. */
public final class RunLabels {

  private RunLabels() {
  }

  /**
   * A label for {@code source} that no earlier run of the job has: the run name, or the run id
   * when the name is null or blank, followed by {@code #2}, {@code #3}, … when it is taken.
   *
   * @param taken the labels already given; the returned label is added to it
   * @return the label, never null
   */
  public static String unique(MlflowRunSource source, Set<String> taken) {
    String name = source.run().runName();
    String base = name == null || name.isBlank() ? source.run().runId() : name;
    String label = base;
    for (int i = 2; !taken.add(label); i++) {
      label = base + "#" + i;
    }
    return label;
  }
}
