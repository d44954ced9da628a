package io.valuetier.grading;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.spark_partition_id;
import static org.apache.spark.sql.functions.sum;

import io.valuetier.schema.Lookup;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.storage.StorageLevel;

/**
 * Running sums and ranks over the whole population without a window over it: a global sort
 * range-partitions the rows (equal sort keys land in one partition), each partition is handled by
 * a window partitioned by its partition number, and the totals of the earlier partitions (one
 * number per partition, summed on the driver) give each partition its offset.
 */
final class GlobalOrder {
  private static final String PART = "global_order_part";

  private final Dataset<Row> sorted;
  private final Column[] order;

  /** Sorts {@code rows} by {@code order} and fixes each row's partition (cached: both passes must agree). */
  GlobalOrder(Dataset<Row> rows, Column... order) {
    this.order = order;
    // The job clears the session's cache at the end of a run.
    this.sorted = rows.orderBy(order).withColumn(PART, spark_partition_id()).persist(StorageLevel.MEMORY_AND_DISK());
  }

  Dataset<Row> rows() {
    return sorted;
  }

  /** The ordering restricted to one range partition, for running aggregates within it. */
  WindowSpec withinPartition() {
    return Window.partitionBy(col(PART)).orderBy(order);
  }

  /** Per-partition offsets of a summed value: the column of "sum over all earlier partitions", and the total. */
  Offset offset(Column value) {
    TreeMap<Integer, Double> totals = new TreeMap<>();
    for (Row r : sorted.groupBy(PART).agg(sum(value)).collectAsList()) {
      totals.put(r.getInt(0), r.isNullAt(1) ? 0.0 : ((Number) r.get(1)).doubleValue());
    }
    Map<Integer, Double> before = new TreeMap<>();
    double running = 0.0;
    for (Map.Entry<Integer, Double> e : totals.entrySet()) {
      before.put(e.getKey(), running);
      running += e.getValue();
    }
    return new Offset(Lookup.of(before, col(PART), lit(0.0)), running);
  }

  /** What all earlier partitions add up to, per row, and the grand total. */
  record Offset(Column before, double total) {}
}
