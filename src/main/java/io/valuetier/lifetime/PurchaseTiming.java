package io.valuetier.lifetime;

import static io.valuetier.schema.Columns.CUSTOMER_AGE_DAYS;
import static io.valuetier.schema.Columns.PURCHASE_SPAN_DAYS;
import static io.valuetier.schema.Columns.PURCHASE_TIMING;
import static io.valuetier.schema.Columns.P_PURCHASE_180D;
import static io.valuetier.schema.Columns.P_PURCHASE_30D;
import static io.valuetier.schema.Columns.P_PURCHASE_90D;
import static io.valuetier.schema.Columns.REPEAT_PURCHASES;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import io.valuetier.config.TieringConfig;
import java.io.Serializable;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * When a customer is expected to buy next: {@code p_purchase_30d/90d/180d}, the probability of at
 * least one purchase within that many days of D, and the grade {@code purchase_timing} A (within a
 * month) … D (later), E (no realistic chance), with horizons and thresholds from conf.
 */
public final class PurchaseTiming {
  public static final String A = "A";
  public static final String B = "B";
  public static final String C = "C";
  public static final String D = "D";
  public static final String E = "E";

  private static final String TIMING = "purchase_timing_prediction";
  private static final StructType TIMING_TYPE = new StructType()
      .add(P_PURCHASE_30D, DataTypes.DoubleType)
      .add(P_PURCHASE_90D, DataTypes.DoubleType)
      .add(P_PURCHASE_180D, DataTypes.DoubleType)
      .add(PURCHASE_TIMING, DataTypes.StringType);

  /** What purchase timing needs of a fitted purchase model: P(at least one purchase within h days | x, t_x, T). */
  public interface Model extends Serializable {
    double probabilityOfPurchase(int x, int tx, int t, double horizonDays);

    /** The fitted purchase model's answer (BG/NBD or MBG/NBD). */
    static Model of(PurchaseModel m) {
      return (x, tx, t, h) -> m.probabilityOfPurchase(x, tx, t, h);
    }
  }

  private final TieringConfig.PurchaseTiming config;

  public PurchaseTiming(TieringConfig.PurchaseTiming config) {
    this.config = config;
  }

  /**
   * Adds the three probabilities and the grade; null without a fitted model or a purchase history.
   * Requires {@code repeat_purchases, purchase_span_days, customer_age_days}.
   */
  public Dataset<Row> apply(Dataset<Row> customers, Optional<Model> model) {
    if (model.isEmpty()) {
      return customers
          .withColumn(P_PURCHASE_30D, lit(null).cast(DataTypes.DoubleType))
          .withColumn(P_PURCHASE_90D, lit(null).cast(DataTypes.DoubleType))
          .withColumn(P_PURCHASE_180D, lit(null).cast(DataTypes.DoubleType))
          .withColumn(PURCHASE_TIMING, lit(null).cast(DataTypes.StringType));
    }
    Grader grader = new Grader(model.get(), config);
    // Non-deterministic so that the optimizer evaluates it once per row, not once per field.
    UserDefinedFunction timing = udf(grader, TIMING_TYPE).asNondeterministic();
    Column prediction = timing.apply(col(REPEAT_PURCHASES), col(PURCHASE_SPAN_DAYS), col(CUSTOMER_AGE_DAYS));
    return customers.withColumn(TIMING, prediction)
        .withColumn(P_PURCHASE_30D, col(TIMING + "." + P_PURCHASE_30D))
        .withColumn(P_PURCHASE_90D, col(TIMING + "." + P_PURCHASE_90D))
        .withColumn(P_PURCHASE_180D, col(TIMING + "." + P_PURCHASE_180D))
        .withColumn(PURCHASE_TIMING, col(TIMING + "." + PURCHASE_TIMING))
        .drop(TIMING);
  }

  /** The grade's level for scoring: A = 4, B = 3, C = 2, D = 1, E = 0, null stays null. */
  public static Column level(Column grade) {
    return when(grade.equalTo(A), 4).when(grade.equalTo(B), 3).when(grade.equalTo(C), 2).when(grade.equalTo(D), 1)
        .when(grade.equalTo(E), 0);
  }

  /** The grade of one history, in the documented order: E first, then A, B, C, else D. */
  static String grade(Model m, TieringConfig.PurchaseTiming c, int x, int tx, int t) {
    if (m.probabilityOfPurchase(x, tx, t, c.noChanceDays()) < c.noChanceProbability()) {
      return E;
    }
    if (m.probabilityOfPurchase(x, tx, t, c.aDays()) >= c.probability()) {
      return A;
    }
    if (m.probabilityOfPurchase(x, tx, t, c.bDays()) >= c.probability()) {
      return B;
    }
    if (m.probabilityOfPurchase(x, tx, t, c.cDays()) >= c.probability()) {
      return C;
    }
    return D;
  }

  /** Per-customer probabilities and grade; runs on the executors. */
  static final class Grader implements UDF3<Integer, Integer, Integer, Row>, Serializable {
    private final Model model;
    private final TieringConfig.PurchaseTiming config;

    Grader(Model model, TieringConfig.PurchaseTiming config) {
      this.model = model;
      this.config = config;
    }

    @Override
    public Row call(Integer x, Integer tx, Integer t) {
      if (x == null) {
        return RowFactory.create(null, null, null, null);
      }
      return RowFactory.create(model.probabilityOfPurchase(x, tx, t, 30), model.probabilityOfPurchase(x, tx, t, 90),
          model.probabilityOfPurchase(x, tx, t, 180), grade(model, config, x, tx, t));
    }
  }
}
