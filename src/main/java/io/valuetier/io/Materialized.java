package io.valuetier.io;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.LogicalRDD;
import org.apache.spark.storage.StorageLevel;

/** A step computed once, its rows kept by the executors, and a new, short plan starting from them. */
public final class Materialized {
  private Materialized() {}

  /**
   * {@code frame} computed now and kept (memory, spilling to disk), as a frame whose plan is only
   * a scan of those rows. A cached frame keeps its whole plan: every later step re-analyses it and
   * every query prints it into the UI's plan description, which at a few thousand customers costs
   * far more than the arithmetic. The rows live on the executors that computed them (Spark's local
   * checkpoint): losing one fails the run, which the nightly schedule retries as a whole. The
   * rows stay until the enclosing {@link Scope} closes.
   */
  public static Dataset<Row> of(Dataset<Row> frame) {
    return frame.localCheckpoint(true, StorageLevel.MEMORY_AND_DISK());
  }

  /**
   * A step built of kept sub-steps (grading keeps its ABC and composite-score steps and the global
   * orders they rank by): its result kept, and the sub-steps' rows released at once rather than at
   * the end of the run. Each is a full copy of the customer rows, and a 4 GB driver holding them
   * all until the end spent its last stages in full garbage collections.
   */
  public static Dataset<Row> step(Supplier<Dataset<Row>> body) {
    Scope sub = new Scope(SparkSession.active());
    Dataset<Row> result = of(body.get());
    sub.releaseNew(sub.persisted(), keptRdd(result).id());
    return result;
  }

  /**
   * Releases a kept step's rows now: only once every frame computed from it is itself kept (a
   * query over released rows fails, since their lineage was cut).
   */
  public static void release(Dataset<Row> kept) {
    keptRdd(kept).unpersist(true);
  }

  private static RDD<?> keptRdd(Dataset<Row> kept) {
    if (kept.queryExecution().logical() instanceof LogicalRDD rows) {
      return rows.rdd();
    }
    throw new IllegalArgumentException("not a kept step: " + kept.queryExecution().logical().nodeName());
  }

  /** Everything a run keeps on the executors, released when the run ends however it ends. */
  public static Scope scope(SparkSession spark) {
    return new Scope(spark);
  }

  /**
   * Releases every RDD persisted while it was open: local checkpoints are not in the session's
   * cache, so {@code clearCache} alone would leave them (and a long-lived session fills up). Waits
   * for the executors to drop the blocks: the session usually stops right after, and removals
   * still in flight then fail on the stopped block manager, each printing a stack trace to stderr.
   */
  public static final class Scope implements AutoCloseable {
    private final SparkSession spark;
    private final Set<Integer> before;

    private Scope(SparkSession spark) {
      this.spark = spark;
      this.before = new HashSet<>(persisted().keySet());
    }

    @Override
    public void close() {
      Map<Integer, JavaRDD<?>> kept = persisted();
      // clearCache only starts removing the cached frames' rows; the blocking unpersist of every
      // RDD kept during the scope (theirs included) returns once the executors have dropped them.
      spark.catalog().clearCache();
      releaseNew(kept, NONE);
    }

    /** No RDD: RDD ids start at 0. */
    private static final int NONE = -1;

    /** Blocking unpersist of every RDD of {@code kept} persisted since the scope opened, but {@code keep}. */
    private void releaseNew(Map<Integer, JavaRDD<?>> kept, int keep) {
      kept.forEach((id, rdd) -> {
        if (!before.contains(id) && id != keep) {
          rdd.unpersist(true);
        }
      });
    }

    private Map<Integer, JavaRDD<?>> persisted() {
      return JavaSparkContext.fromSparkContext(spark.sparkContext()).getPersistentRDDs();
    }
  }
}
