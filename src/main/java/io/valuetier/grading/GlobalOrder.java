package io.valuetier.grading;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.spark_partition_id;
import static org.apache.spark.sql.functions.sum;

import io.valuetier.io.Materialized;
import io.valuetier.schema.Lookup;
import java.math.BigDecimal;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;

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

  /**
   * Sorts {@code rows} by {@code order} and fixes each row's partition, materialized: both passes
   * must see the same split, and a cached plan can be recomputed (its range bounds sampled again)
   * where the cache lookup misses. The job's scope releases the rows.
   */
  GlobalOrder(Dataset<Row> rows, Column... order) {
    this.order = order;
    this.sorted = Materialized.of(rows.orderBy(order).withColumn(PART, spark_partition_id()));
  }

  Dataset<Row> rows() {
    return sorted;
  }

  /** The ordering restricted to one range partition, for running aggregates within it. */
  WindowSpec withinPartition() {
    return Window.partitionBy(col(PART)).orderBy(order);
  }

  /**
   * Per-partition offsets of a summed value: the column of "sum over all earlier partitions", and
   * the total. {@code value} must be exact (an integer or a decimal): where the range partitions
   * split depends on a sample, so a sum in doubles would group differently from run to run and
   * move the last bits; exact sums give the same result however the rows are split.
   */
  Offset offset(Column value) {
    TreeMap<Integer, BigDecimal> totals = new TreeMap<>();
    for (Row r : sorted.groupBy(PART).agg(sum(value)).collectAsList()) {
      totals.put(r.getInt(0), r.isNullAt(1) ? BigDecimal.ZERO : new BigDecimal(r.get(1).toString()));
    }
    Map<Integer, BigDecimal> before = new TreeMap<>();
    BigDecimal running = BigDecimal.ZERO;
    for (Map.Entry<Integer, BigDecimal> e : totals.entrySet()) {
      before.put(e.getKey(), running);
      running = running.add(e.getValue());
    }
    DecimalType type = DataTypes.createDecimalType(38, Math.max(0, running.scale()));
    Column offsets = Lookup.of(before, col(PART), lit(BigDecimal.ZERO)).cast(type);
    return new Offset(offsets, running);
  }

  /** What all earlier partitions add up to, per row (exact), and the grand total. */
  record Offset(Column before, BigDecimal total) {}
}
