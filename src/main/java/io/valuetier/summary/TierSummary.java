package io.valuetier.summary;

import static io.valuetier.quality.TransactionValidation.MONEY_TOTAL;
import static io.valuetier.quality.TransactionValidation.cents;
import static io.valuetier.quality.TransactionValidation.money;
import static io.valuetier.schema.Columns.FREQUENCY;
import static io.valuetier.schema.Columns.MARGIN;
import static io.valuetier.schema.Columns.MONETARY;
import static io.valuetier.schema.Columns.PROFIT;
import static io.valuetier.schema.Columns.RECENCY_DAYS;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.valuetier.schema.ExactMean;
import io.valuetier.schema.Lookup;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;

/**
 * The {@code tier_summary} table (docs/methods.md, "Output tables"): per grading method and grade, customers and revenue with
 * their shares, profit, average margin, recency and frequency. One pass over the graded customers.
 */
public final class TierSummary {
  public static final String METHOD = "method";
  public static final String GRADE = "grade";
  public static final String CUSTOMERS = "customers";
  public static final String CUSTOMER_SHARE_PCT = "customer_share_pct";
  public static final String REVENUE = "revenue";
  public static final String REVENUE_SHARE_PCT = "revenue_share_pct";
  public static final String AVG_MARGIN = "avg_margin";
  public static final String AVG_RECENCY_DAYS = "avg_recency_days";
  public static final String AVG_FREQUENCY = "avg_frequency";
  public static final String TREATMENT = "treatment";

  private static final String PAIR = "method_grade";
  private static final String KEY_SEPARATOR = "\u0000";

  private TierSummary() {}

  /** One method's rows, rounded for a terminal, most revenue first (a few rows: safe to show). */
  public static Dataset<Row> forDisplay(Dataset<Row> summary, String method) {
    return summary.where(col(METHOD).equalTo(method))
        .orderBy(col(REVENUE).desc())
        .select(col(GRADE), col(CUSTOMERS), round(col(CUSTOMER_SHARE_PCT), 1).as(CUSTOMER_SHARE_PCT), col(REVENUE),
            round(col(REVENUE_SHARE_PCT), 1).as(REVENUE_SHARE_PCT), col(PROFIT), round(col(AVG_MARGIN), 3).as(AVG_MARGIN),
            round(col(AVG_RECENCY_DAYS), 1).as(AVG_RECENCY_DAYS), round(col(AVG_FREQUENCY), 2).as(AVG_FREQUENCY),
            col(TREATMENT));
  }

  /**
   * {@code methods}: method name → the column holding that method's grade; {@code treatments}:
   * method → grade → recommended treatment.
   */
  public static Dataset<Row> of(Dataset<Row> tiers, Map<String, String> methods,
      Map<String, Map<String, String>> treatments) {
    Column[] pairs = methods.entrySet().stream()
        .map(e -> struct(lit(e.getKey()).as(METHOD), col(e.getValue()).cast(DataTypes.StringType).as(GRADE)))
        .toArray(Column[]::new);
    Dataset<Row> perGrade = tiers
        .select(explode(array(pairs)).as(PAIR), col(MONETARY), col(PROFIT), col(MARGIN), col(RECENCY_DAYS), col(FREQUENCY))
        .groupBy(col(PAIR + "." + METHOD).as(METHOD), col(PAIR + "." + GRADE).as(GRADE))
        .agg(
            count(lit(1)).as(CUSTOMERS),
            money(sum(cents(col(MONETARY))), MONEY_TOTAL).as(REVENUE),
            money(sum(cents(col(PROFIT))), MONEY_TOTAL).as(PROFIT),
            ExactMean.of(col(MARGIN)).as(AVG_MARGIN),
            avg(RECENCY_DAYS).as(AVG_RECENCY_DAYS),
            avg(FREQUENCY).as(AVG_FREQUENCY));
    // A handful of rows per method: this window is over the summary, not the population.
    var perMethod = Window.partitionBy(col(METHOD));
    Column revenue = col(REVENUE).cast(DataTypes.DoubleType);
    // The total as an exact decimal sum: a double sum over the window adds the grades in the order
    // the shuffle delivers them, and a cluster run then ended the shares in other last digits.
    Column totalRevenue = functions.try_sum(col(REVENUE)).over(perMethod).cast(DataTypes.DoubleType);
    return perGrade
        .withColumn(CUSTOMER_SHARE_PCT, col(CUSTOMERS).multiply(100.0).divide(sum(CUSTOMERS).over(perMethod)))
        .withColumn(REVENUE_SHARE_PCT, when(totalRevenue.notEqual(0), revenue.multiply(100.0).divide(totalRevenue)))
        .withColumn(TREATMENT, treatment(treatments))
        .select(METHOD, GRADE, CUSTOMERS, CUSTOMER_SHARE_PCT, REVENUE, REVENUE_SHARE_PCT, PROFIT, AVG_MARGIN,
            AVG_RECENCY_DAYS, AVG_FREQUENCY, TREATMENT);
  }

  /** The configured treatment of each (method, grade), as a literal map looked up per summary row. */
  private static Column treatment(Map<String, Map<String, String>> treatments) {
    Map<String, String> byKey = new LinkedHashMap<>();
    treatments.forEach((method, byGrade) -> byGrade.forEach((grade, text) -> byKey.put(method + KEY_SEPARATOR + grade, text)));
    return Lookup.of(byKey, concat(col(METHOD), lit(KEY_SEPARATOR), col(GRADE)), lit(null).cast(DataTypes.StringType));
  }
}
