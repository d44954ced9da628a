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
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.valuetier.config.TieringConfig;
import io.valuetier.io.Joins;
import io.valuetier.quality.TransactionValidation;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;

/**
 * ABC / Pareto classes by cumulative share of profit, or of revenue without cost data (docs/methods.md, "ABC (Pareto) classes").
 *
 * <p>Customers are ordered by contribution descending, ties by customer id. A is the smallest
 * leading set whose cumulative share of the positive total reaches {@code a-share}, B continues
 * up to {@code b-share}, C is the rest, including zero and negative contributors. The running
 * sum comes from {@link GlobalOrder}, not from a window over the whole population.
 */
public final class AbcGrading {
  public static final String A = "A";
  public static final String B = "B";
  public static final String C = "C";

  private static final String CONTRIBUTION = "abc_contribution";
  private static final String POSITIVE = "abc_positive";
  private static final String RUNNING = "abc_running";

  private final TieringConfig.Abc config;
  private final boolean byProfit;

  public AbcGrading(TieringConfig.Abc config, boolean byProfit) {
    this.config = config;
    this.byProfit = byProfit;
  }

  /** Requires {@code customer_id} and {@code profit} or {@code monetary}; adds {@code abc_class, cumulative_share}. */
  public Dataset<Row> apply(Dataset<Row> features) {
    // Money stays exact through the running sum (see GlobalOrder#offset): a rerun gives the same
    // cumulative_share to the last bit, and the A/B cuts cannot move with the summation order.
    Column contribution = coalesce(col(byProfit ? PROFIT : MONETARY), lit(java.math.BigDecimal.ZERO))
        .cast(TransactionValidation.MONEY);
    GlobalOrder order = new GlobalOrder(
        features.select(col(CUSTOMER_ID), contribution.as(CONTRIBUTION))
            .withColumn(POSITIVE, greatest(col(CONTRIBUTION), lit(java.math.BigDecimal.ZERO)).cast(TransactionValidation.MONEY)),
        col(CONTRIBUTION).desc(), col(CUSTOMER_ID).asc());
    GlobalOrder.Offset offset = order.offset(col(POSITIVE));
    Column running = offset.before().plus(sum(col(POSITIVE))
        .over(order.withinPartition().rowsBetween(Window.unboundedPreceding(), Window.currentRow())));
    Dataset<Row> withRunning = order.rows().withColumn(RUNNING, running);
    return Joins.withNarrow(features, classify(withRunning, offset.total().doubleValue()), "inner");
  }

  private Dataset<Row> classify(Dataset<Row> withRunning, double total) {
    if (total <= 0) {
      return withRunning.select(col(CUSTOMER_ID), lit(C).as(ABC_CLASS), lit(null).cast(DataTypes.DoubleType).as(CUMULATIVE_SHARE));
    }
    Column share = col(RUNNING).cast(DataTypes.DoubleType).divide(total);
    // Share reached before this customer: a customer is needed for A while that is below a-share.
    Column before = col(RUNNING).minus(col(POSITIVE)).cast(DataTypes.DoubleType).divide(total);
    Column positive = col(POSITIVE).gt(0);
    Column grade = when(positive.and(before.lt(config.aShare())), A)
        .when(positive.and(before.lt(config.bShare())), B)
        .otherwise(C);
    return withRunning.select(col(CUSTOMER_ID), grade.as(ABC_CLASS), share.as(CUMULATIVE_SHARE));
  }
}
