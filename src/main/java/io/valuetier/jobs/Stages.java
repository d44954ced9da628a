package io.valuetier.jobs;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the pipeline's stages one after another: labels their Spark jobs (so the Spark UI reads like
 * the pipeline), logs a progress line with counts and duration, and keeps the durations.
 */
public final class Stages {
  private static final Logger LOG = LoggerFactory.getLogger(Stages.class);

  private final SparkSession spark;
  private final String runId;
  private final Map<String, Double> seconds = new LinkedHashMap<>();

  public Stages(SparkSession spark, String runId) {
    this.spark = spark;
    this.runId = runId;
  }

  /** Runs one stage; {@code progress} turns its result into the counts of the progress line. */
  public <T> T run(String stage, String description, Supplier<T> work, Function<T, String> progress) {
    spark.sparkContext().setJobGroup(runId + ":" + stage, stage + ": " + description, false);
    long start = System.nanoTime();
    try {
      T result = work.get();
      // Spark is lazy: the counts of the progress line are often what runs the stage's jobs.
      String counts = progress.apply(result);
      double elapsed = (System.nanoTime() - start) / 1e9;
      seconds.put(stage, elapsed);
      LOG.info(String.format("stage %-10s %8.1f s  %s", stage, elapsed, counts));
      return result;
    } finally {
      spark.sparkContext().clearJobGroup();
    }
  }

  /** Seconds per stage, in the order they ran. */
  public Map<String, Double> seconds() {
    return new LinkedHashMap<>(seconds);
  }
}
