package io.valuetier.lifetime;

import static io.valuetier.schema.Columns.ACQUISITION_COST;
import static io.valuetier.schema.Columns.CUSTOMER_ID;
import static io.valuetier.schema.Columns.NPV;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import io.valuetier.TieringException;
import io.valuetier.config.TieringConfig;
import io.valuetier.io.Joins;
import java.util.Arrays;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Customer NPV in the yearly form of the CRM literature, npv = Σ_{t=1..N} (M·Q_t − X)/(1+i)^t − C:
 * M the margin of one purchase, Q_t the expected purchases in year t (both from the same models as
 * clv), X a yearly maintenance cost, i a yearly rate, C the acquisition cost. The sum is computed
 * per customer with the other predictions ({@link #presentValue}); this class subtracts C.
 */
public final class CustomerNpv {
  /** Days in a year of the NPV horizon (Gregorian). */
  static final double DAYS_PER_YEAR = 365.2425;
  /** The discounted sum before C, from the predictions; dropped once npv is there. */
  static final String BEFORE_ACQUISITION = "npv_before_acquisition";

  private final TieringConfig.Npv config;

  public CustomerNpv(TieringConfig.Npv config) {
    this.config = config;
  }

  /**
   * Σ_t (margin · value · (E[Y(t)] − E[Y(t−1)]) − yearlyCost) / (1 + rate)^t for years t = 1..N,
   * given the cumulative expected purchases E[Y(t)] at the end of each year ({@code cumulative[0]} = 0).
   */
  static double presentValue(double[] cumulative, double value, double margin, double yearlyCost, double rate) {
    double total = 0;
    double discount = 1;
    for (int t = 1; t < cumulative.length; t++) {
      discount /= 1 + rate;
      total += (margin * value * (cumulative[t] - cumulative[t - 1]) - yearlyCost) * discount;
    }
    return total;
  }

  /**
   * Adds {@code acquisition_cost} (the customers-table column named in conf, or the configured
   * amount where that is null) and {@code npv}. Requires the predictions of {@link LifetimeValue}.
   */
  public Dataset<Row> apply(Dataset<Row> valued, Optional<Dataset<Row>> customers) {
    Column configured = lit(config.acquisitionCost());
    Dataset<Row> withCost;
    String column = config.acquisitionCostColumn();
    if (column.isEmpty()) {
      withCost = valued.withColumn(ACQUISITION_COST, configured);
    } else {
      TieringException.check(customers.isPresent(),
          "tiering.lifetime-value.acquisition-cost-column = %s needs the customers input table, which is absent", column);
      TieringException.check(Arrays.asList(customers.get().columns()).contains(column),
          "input table customers: missing column %s (tiering.lifetime-value.acquisition-cost-column)", column);
      String own = "customer_acquisition_cost";
      // One row per customer even if the customers table repeats one (the largest cost, so that a
      // rerun gives the same); text that is no number counts as absent.
      Dataset<Row> costs = customers.get()
          .groupBy(col(CUSTOMER_ID).cast(DataTypes.StringType).as(CUSTOMER_ID))
          .agg(max(col(column).try_cast(DataTypes.DoubleType)).as(own));
      withCost = Joins.withNarrow(valued, costs, "left")
          .withColumn(ACQUISITION_COST, coalesce(col(own), configured))
          .drop(own);
    }
    return withCost.withColumn(NPV, col(BEFORE_ACQUISITION).minus(col(ACQUISITION_COST))).drop(BEFORE_ACQUISITION);
  }
}
