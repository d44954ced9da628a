package io.valuetier.grading;

import static io.valuetier.schema.Columns.AVG_DAYS_LATE;
import static io.valuetier.schema.Columns.CREDIT_SCORE;
import static io.valuetier.schema.Columns.FREQUENCY;
import static io.valuetier.schema.Columns.GROWTH;
import static io.valuetier.schema.Columns.LIFECYCLE_STAGE;
import static io.valuetier.schema.Columns.ON_TIME_RATE;
import static io.valuetier.schema.Columns.OVERDUE_OPEN;
import static io.valuetier.schema.Columns.RECENCY_DAYS;
import static io.valuetier.schema.Columns.TENURE_DAYS;
import static io.valuetier.schema.Columns.VALUE_POTENTIAL;
import static io.valuetier.schema.Columns.VALUE_SCORE;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.when;

import io.valuetier.config.TieringConfig;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/** The rule-based grades of "Grading methods" (docs/methods.md): lifecycle stage, credit score and the value–potential matrix. */
public final class CustomerStages {
  public static final String ACQUISITION = "Acquisition";
  public static final String GROWTH_STAGE = "Growth";
  public static final String MATURITY = "Maturity";
  public static final String DECLINE = "Decline";
  public static final String LOST = "Lost";

  private CustomerStages() {}

  /**
   * Lifecycle stage (docs/methods.md, "Lifecycle stage"), in this order: Lost (no order in W), Acquisition (new), Decline
   * (shrinking or inactive), Growth (growing, or buying in W after nothing the window before),
   * Maturity. Requires {@code frequency, tenure_days, recency_days, growth}.
   */
  public static Dataset<Row> withLifecycleStage(Dataset<Row> customers, TieringConfig.Lifecycle c) {
    Column growth = col(GROWTH);
    Column stage = when(col(FREQUENCY).leq(0), LOST)
        .when(col(TENURE_DAYS).lt(c.acquisitionDays()), ACQUISITION)
        .when(growth.lt(c.declineGrowth()).or(col(RECENCY_DAYS).gt(c.inactiveDays())), DECLINE)
        .when(growth.isNull().or(growth.gt(c.growthGrowth())), GROWTH_STAGE)
        .otherwise(MATURITY);
    return customers.withColumn(LIFECYCLE_STAGE, stage);
  }

  /**
   * Credit score (docs/methods.md, "Credit score") in [0, 100] from on-time rate, days late and open overdue invoices; null
   * without invoices. Requires the credit features.
   */
  public static Dataset<Row> withCreditScore(Dataset<Row> customers, TieringConfig.Credit c) {
    Column punctuality = col(ON_TIME_RATE).multiply(c.onTimeWeight());
    Column lateness = lit(1.0).minus(least(col(AVG_DAYS_LATE), lit(c.daysLateCap())).divide(c.daysLateCap()))
        .multiply(c.latenessWeight());
    Column raw = punctuality.plus(lateness).multiply(100.0)
        .minus(coalesce(col(OVERDUE_OPEN), lit(0L)).multiply(c.overduePenalty()));
    Column score = least(greatest(raw, lit(0.0)), lit(100.0));
    return customers.withColumn(CREDIT_SCORE, when(col(ON_TIME_RATE).isNotNull(), score));
  }

  /**
   * Value–potential matrix (docs/methods.md, "Value–potential matrix"): S high value and potential, A high value only, B high potential
   * only, C neither. Value: value_score above the threshold; potential: the potential column above
   * its median (one approximate aggregate; an unknown potential counts as low).
   */
  public static Dataset<Row> withValuePotential(Dataset<Row> customers, TieringConfig.ValuePotential c) {
    Column potential = col(c.potential()).cast(DataTypes.DoubleType);
    Row median = customers.agg(percentile_approx(potential, lit(0.5), lit(Quantiles.ACCURACY))).first();
    Column highPotential = median.isNullAt(0) ? lit(false) : coalesce(potential.gt(median.getDouble(0)), lit(false));
    Column highValue = coalesce(col(VALUE_SCORE).gt(c.valueThreshold()), lit(false));
    Column quadrant = when(highValue.and(highPotential), "S").when(highValue, "A").when(highPotential, "B").otherwise("C");
    return customers.withColumn(VALUE_POTENTIAL, quadrant);
  }
}
