package io.valuetier.grading;

import static io.valuetier.schema.Columns.ABC_CLASS;
import static io.valuetier.schema.Columns.CUMULATIVE_SHARE;
import static io.valuetier.schema.Columns.CUSTOMER_ID;
import static io.valuetier.schema.Columns.MONETARY;
import static io.valuetier.schema.Columns.PROFIT;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.spark_partition_id;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.valuetier.config.TieringConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;

/**
 * ABC / Pareto classes by cumulative share of profit, or of revenue without cost data (§5.2).
 *
 * <p>Customers are ordered by contribution descending, ties by customer id. A is the smallest
 * leading set whose cumulative share of the positive total reaches {@code a-share}, B continues
 * up to {@code b-share}, C is the rest, including zero and negative contributors.
 *
 * <p>The running sum avoids a window over the whole population: a global sort range-partitions
 * the customers, each sorted partition is summed on its own, and the partitions' totals (one
 * number per partition) give each partition its starting offset.
 */
public final class AbcGrading {
  public static final String A = "A";
  public static final String B = "B";
  public static final String C = "C";

  private static final String CONTRIBUTION = "abc_contribution";
  private static final String POSITIVE = "abc_positive";
  private static final String PART = "abc_part";
  private static final String RUNNING = "abc_running";

  private final TieringConfig.Abc config;
  private final boolean byProfit;

  public AbcGrading(TieringConfig.Abc config, boolean byProfit) {
    this.config = config;
    this.byProfit = byProfit;
  }

  /** Requires {@code customer_id} and {@code profit} or {@code monetary}; adds {@code abc_class, cumulative_share}. */
  public Dataset<Row> apply(Dataset<Row> features) {
    Column contribution = coalesce(col(byProfit ? PROFIT : MONETARY).cast(DataTypes.DoubleType), lit(0.0));
    Dataset<Row> ranked = features
        .select(col(CUSTOMER_ID), contribution.as(CONTRIBUTION))
        .orderBy(col(CONTRIBUTION).desc(), col(CUSTOMER_ID).asc())
        .withColumn(PART, spark_partition_id())
        .withColumn(POSITIVE, greatest(col(CONTRIBUTION), lit(0.0)))
        // Fixes each customer's partition number: both passes below must see the same one.
        // The job clears the session's cache at the end of a run.
        .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> classes = classify(ranked, partitionOffsets(ranked));
    return features.join(classes, CUSTOMER_ID);
  }

  /** Starting offset of each partition: positive contribution of all earlier partitions. */
  private static TreeMap<Integer, Double> partitionOffsets(Dataset<Row> ranked) {
    TreeMap<Integer, Double> totals = new TreeMap<>();
    for (Row r : ranked.groupBy(PART).agg(sum(POSITIVE)).collectAsList()) {
      totals.put(r.getInt(0), r.isNullAt(1) ? 0.0 : r.getDouble(1));
    }
    TreeMap<Integer, Double> offsets = new TreeMap<>();
    double running = 0.0;
    for (var e : totals.entrySet()) {
      offsets.put(e.getKey(), running);
      running += e.getValue();
    }
    offsets.put(Integer.MAX_VALUE, running); // the grand total
    return offsets;
  }

  private Dataset<Row> classify(Dataset<Row> ranked, TreeMap<Integer, Double> offsets) {
    double total = offsets.remove(Integer.MAX_VALUE);
    WindowSpec withinPartition = Window.partitionBy(col(PART))
        .orderBy(col(CONTRIBUTION).desc(), col(CUSTOMER_ID).asc())
        .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    Column cumulative = offsetOf(offsets).plus(sum(col(POSITIVE)).over(withinPartition));
    Dataset<Row> withRunning = ranked.withColumn(RUNNING, cumulative);
    if (total <= 0) {
      return withRunning.select(col(CUSTOMER_ID), lit(C).as(ABC_CLASS), lit(null).cast(DataTypes.DoubleType).as(CUMULATIVE_SHARE));
    }
    Column share = col(RUNNING).divide(total);
    // Share reached before this customer: a customer is needed for A while that is below a-share.
    Column before = col(RUNNING).minus(col(POSITIVE)).divide(total);
    Column positive = col(POSITIVE).gt(0);
    Column grade = when(positive.and(before.lt(config.aShare())), A)
        .when(positive.and(before.lt(config.bShare())), B)
        .otherwise(C);
    return withRunning.select(col(CUSTOMER_ID), grade.as(ABC_CLASS), share.as(CUMULATIVE_SHARE));
  }

  private static Column offsetOf(TreeMap<Integer, Double> offsets) {
    List<Column> pairs = new ArrayList<>();
    for (var e : offsets.entrySet()) {
      pairs.add(lit(e.getKey()));
      pairs.add(lit(e.getValue()));
    }
    return pairs.isEmpty() ? lit(0.0) : org.apache.spark.sql.functions.map(pairs.toArray(Column[]::new)).getItem(col(PART));
  }
}
