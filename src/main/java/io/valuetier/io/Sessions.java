package io.valuetier.io;

import io.valuetier.config.TieringConfig;
import org.apache.spark.sql.SparkSession;

/** Builds the job's SparkSession; the master comes from spark-submit (or -Dspark.master locally). */
public final class Sessions {
  /** Compressed Parquet input per shuffle partition: about 100-150 MB of shuffle data each. */
  private static final long INPUT_BYTES_PER_PARTITION = 16L << 20;
  private static final int MAX_PARTITIONS = 4000;
  /** Customer rows (about 60 columns once graded) per shuffle partition: 100-200 MB each. */
  static final long CUSTOMERS_PER_PARTITION = 200_000;

  private Sessions() {}

  public static SparkSession create(String appName, TieringConfig config) {
    SparkSession.Builder builder = configure(SparkSession.builder().appName(appName));
    // Hadoop's S3A for s3:// inputs and saved models; given to the executors with the session.
    config.objectStore().hadoopSettings().forEach((k, v) -> builder.config("spark.hadoop." + k, v));
    if (config.shufflePartitions() > 0) {
      builder.config("spark.sql.shuffle.partitions", config.shufflePartitions());
    }
    return builder.getOrCreate();
  }

  /** The settings every session of the job needs, production and tests alike. */
  public static SparkSession.Builder configure(SparkSession.Builder builder) {
    return builder
        // Iceberg's SQL, and aggregations over rows already partitioned by their keys in one step.
        .config("spark.sql.extensions", "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions,"
            + SingleStepAggregation.class.getName())
        // Dates are business dates: one time zone everywhere, whatever the cluster's default.
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.adaptive.enabled", "true")
        .config("spark.sql.adaptive.coalescePartitions.enabled", "true")
        // The job's large aggregates have a key per customer or per line (the duplicate rule, the
        // features): a first-level map of 65,536 keys overflows at once, and every row then probes
        // both maps. One map: validation at 1M customers 60.6 -> 56.1 s (medians of three).
        .config("spark.sql.codegen.aggregate.map.twolevel.enabled", "false")
        // Plans over cached steps print their cached plans inside; bound what the UI keeps.
        .config("spark.sql.maxPlanStringLength", "100000");
  }

  /**
   * Session settings chosen once from the input's size, unless conf fixes the partitions. Spark's
   * default of 200 shuffle partitions turns a small input into thousands of tiny tasks per k-means
   * iteration, and a huge one into spills: one partition per 16 MB of input, at least two. An
   * input of at most one such partition per core also runs without adaptive re-planning: there is
   * nothing to coalesce or split, and each re-plan re-describes the whole plan to the UI, which
   * costs more than such a query's work.
   */
  public static void sizeForInput(SparkSession spark, TieringConfig config, long inputBytes) {
    int parallelism = spark.sparkContext().defaultParallelism();
    set(spark, config, shufflePartitionsFor(inputBytes, parallelism), !isSmall(inputBytes, parallelism));
  }

  /**
   * Settings for the customer-level steps (grades onwards), once the transaction lines are
   * aggregated: a shuffle partition per {@value #CUSTOMERS_PER_PARTITION} customers, at least two,
   * unless conf fixes the partitions, and no adaptive re-planning. A local checkpoint planned
   * adaptively reports no partitioning, so every later join shuffled the wide customer rows again;
   * planned statically it keeps its hash partitioning by customer, and with as many partitions as
   * the session's shuffles a join then shuffles only its narrow side. Customer rows are evenly
   * spread by their id, so there is nothing for adaptive execution to coalesce or split.
   */
  public static void sizeForCustomers(SparkSession spark, TieringConfig config, long customers) {
    set(spark, config, customerPartitionsFor(customers, spark.sparkContext().defaultParallelism()), false);
  }

  /** The partitions conf fixes, or else {@code sized}; and whether adaptive execution re-plans. */
  private static void set(SparkSession spark, TieringConfig config, int sized, boolean adaptive) {
    spark.conf().set("spark.sql.shuffle.partitions", config.shufflePartitions() > 0 ? config.shufflePartitions() : sized);
    spark.conf().set("spark.sql.adaptive.enabled", adaptive);
  }

  static int customerPartitionsFor(long customers, int parallelism) {
    return partitionsFor(customers, CUSTOMERS_PER_PARTITION, parallelism);
  }

  static int shufflePartitionsFor(long inputBytes, int parallelism) {
    return partitionsFor(inputBytes, INPUT_BYTES_PER_PARTITION, parallelism);
  }

  /** One partition per {@code perPartition} of {@code amount}, rounded up; at least two (or one core's worth), at most MAX_PARTITIONS. */
  private static int partitionsFor(long amount, long perPartition, int parallelism) {
    long bySize = (amount + perPartition - 1) / perPartition;
    return (int) Math.min(MAX_PARTITIONS, Math.max(Math.min(2, parallelism), bySize));
  }

  /** An input of at most a partition per core: every shuffle of the run is small. */
  static boolean isSmall(long inputBytes, int parallelism) {
    return inputBytes <= INPUT_BYTES_PER_PARTITION * (long) parallelism;
  }
}
