package io.valuetier.grading;

import static io.valuetier.schema.Columns.COST_CONTRIBUTION_CLASS;
import static io.valuetier.schema.Columns.COST_CONTRIBUTION_RATE;
import static io.valuetier.schema.Columns.COST_TO_SERVE;
import static io.valuetier.schema.Columns.MONETARY;
import static io.valuetier.schema.Columns.PROFIT;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.valuetier.config.TieringConfig;
import io.valuetier.features.CostToServe;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Customer cost-contribution rate and class: {@code cost_contribution_rate} = yearly profit /
 * yearly cost to serve, compared with multiples of the company's average margin (total profit /
 * total revenue in W, or the configured one): gold, silver, ordinary, eliminate. Requires
 * {@code profit, monetary, cost_to_serve}; adds the rate and the class.
 */
public final class CostContribution {
  public static final String GOLD = "gold";
  public static final String SILVER = "silver";
  public static final String ORDINARY = "ordinary";
  public static final String ELIMINATE = "eliminate";

  private CostContribution() {}

  public static Dataset<Row> apply(Dataset<Row> customers, TieringConfig.CostToServe c, int windowDays) {
    Column profit = col(PROFIT).cast(DataTypes.DoubleType);
    Column cost = col(COST_TO_SERVE);
    Column yearlyProfit = profit.multiply(CostToServe.DAYS_PER_YEAR / windowDays);
    Column rate = when(cost.gt(0), yearlyProfit.divide(cost));
    Optional<Double> margin = c.averageMargin().or(() -> companyMargin(customers));
    Column grade;
    if (margin.isEmpty() || !(margin.get() > 0)) {
      // No profit data, or a company without profit: nothing to compare with.
      grade = lit(null).cast(DataTypes.StringType);
    } else {
      double m = margin.get();
      // With no cost to serve any profit is an infinite return; the rate itself stays undefined.
      grade = when(profit.isNull(), lit(null).cast(DataTypes.StringType))
          .when(cost.leq(0), when(profit.gt(0), GOLD).otherwise(ELIMINATE))
          .when(rate.geq(c.goldMultiple() * m), GOLD)
          .when(rate.geq(c.silverMultiple() * m), SILVER)
          .when(rate.geq(c.ordinaryMultiple() * m), ORDINARY)
          .otherwise(ELIMINATE);
    }
    return customers.withColumn(COST_CONTRIBUTION_RATE, rate).withColumn(COST_CONTRIBUTION_CLASS, grade);
  }

  /** Total profit / total revenue in W over all customers (one aggregate); empty without profit or revenue. */
  static Optional<Double> companyMargin(Dataset<Row> customers) {
    // Decimal sums, exact: a double sum follows the partition layout, and the margin sets the
    // class thresholds. try_: a total beyond 38 digits gives no margin, not an arithmetic error.
    Row totals = customers.agg(functions.try_sum(col(PROFIT)).cast(DataTypes.DoubleType),
        functions.try_sum(col(MONETARY)).cast(DataTypes.DoubleType)).first();
    if (totals.isNullAt(0) || totals.isNullAt(1) || totals.getDouble(1) <= 0) {
      return Optional.empty();
    }
    return Optional.of(totals.getDouble(0) / totals.getDouble(1));
  }
}
