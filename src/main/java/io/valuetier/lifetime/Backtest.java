package io.valuetier.lifetime;

import static io.valuetier.schema.Columns.ACTUAL_PURCHASES;
import static io.valuetier.schema.Columns.ACTUAL_SHARE_BUYING;
import static io.valuetier.schema.Columns.CUSTOMERS;
import static io.valuetier.schema.Columns.CUSTOMER_AGE_DAYS;
import static io.valuetier.schema.Columns.CUSTOMER_ID;
import static io.valuetier.schema.Columns.FREQUENCY_GROUP;
import static io.valuetier.schema.Columns.HOLDOUT_PURCHASES;
import static io.valuetier.schema.Columns.MEAN_ABSOLUTE_ERROR;
import static io.valuetier.schema.Columns.MEAN_P_ALIVE;
import static io.valuetier.schema.Columns.PREDICTED_PURCHASES;
import static io.valuetier.schema.Columns.PREDICTED_SHARE_BUYING;
import static io.valuetier.schema.Columns.PURCHASE_SPAN_DAYS;
import static io.valuetier.schema.Columns.P_ALIVE;
import static io.valuetier.schema.Columns.P_PURCHASE_HOLDOUT;
import static io.valuetier.schema.Columns.REPEAT_PURCHASES;
import static io.valuetier.schema.Columns.ROOT_MEAN_SQUARED_ERROR;
import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Calibration/holdout check of a purchase model: fitted on the purchase histories up to a
 * calibration end D1, it predicts each customer's purchase days in (D1, D2]; the comparison with
 * what the customers did is aggregated in Spark by calibration frequency (x = 0 .. 6, 7+) and over
 * everyone. Customers whose first purchase came after D1 are not in it: the model knows nothing of them.
 */
public final class Backtest {
  /** The last frequency group holds every customer with at least this many repeat purchases. */
  public static final int TOP_GROUP = 7;
  public static final String ALL = "all";
  private static final String PREDICTION = "backtest_prediction";
  private static final String ERROR = "backtest_error";
  private static final StructType PREDICTION_TYPE = new StructType()
      .add(P_ALIVE, DataTypes.DoubleType)
      .add(PREDICTED_PURCHASES, DataTypes.DoubleType)
      .add(P_PURCHASE_HOLDOUT, DataTypes.DoubleType);

  private Backtest() {}

  /**
   * Purchase histories as of the calibration end ({@link PurchaseHistory} columns) and, per
   * customer among them, the purchase days in the holdout ({@code holdout_purchases}, 0 for none).
   */
  public record Split(LocalDate calibrationEnd, LocalDate holdoutEnd, Dataset<Row> calibration, Dataset<Row> customers) {
    /** Lazy: nothing is read until a model is fitted or compared on it. */
    public static Split of(Dataset<Row> transactions, LocalDate calibrationEnd, LocalDate holdoutEnd) {
      Dataset<Row> calibration = new PurchaseHistory(calibrationEnd).apply(transactions);
      Dataset<Row> holdout = PurchaseHistory.purchaseDaysIn(transactions, calibrationEnd, holdoutEnd);
      return new Split(calibrationEnd, holdoutEnd, calibration,
          calibration.join(holdout, CUSTOMER_ID, "left").na().fill(0, new String[] {HOLDOUT_PURCHASES}));
    }

    public double holdoutDays() {
      return ChronoUnit.DAYS.between(calibrationEnd, holdoutEnd);
    }
  }

  /** Per-customer errors over the whole population. */
  public record Errors(long customers, double meanAbsolute, double rootMeanSquared) {}

  /**
   * The customers of {@link Split#customers} with {@code p_alive}, {@code predicted_purchases} and
   * {@code p_purchase_holdout} from {@code model} over {@code holdoutDays}.
   */
  public static Dataset<Row> predict(Dataset<Row> customers, PurchaseModel model, double holdoutDays) {
    UDF3<Double, Double, Double, Row> f = (x, tx, t) -> RowFactory.create(model.probabilityAlive(x, tx, t),
        model.expectedPurchases(x, tx, t, holdoutDays), model.probabilityOfPurchase(x, tx, t, holdoutDays));
    // Non-deterministic so the optimizer evaluates the series once per customer, not once per field.
    UserDefinedFunction predict = udf(f, PREDICTION_TYPE).asNondeterministic();
    Column prediction = predict.apply(col(REPEAT_PURCHASES).cast(DataTypes.DoubleType),
        col(PURCHASE_SPAN_DAYS).cast(DataTypes.DoubleType), col(CUSTOMER_AGE_DAYS).cast(DataTypes.DoubleType));
    return customers.withColumn(PREDICTION, prediction)
        .withColumn(P_ALIVE, col(PREDICTION + "." + P_ALIVE))
        .withColumn(PREDICTED_PURCHASES, col(PREDICTION + "." + PREDICTED_PURCHASES))
        .withColumn(P_PURCHASE_HOLDOUT, col(PREDICTION + "." + P_PURCHASE_HOLDOUT))
        .drop(PREDICTION);
  }

  /**
   * One row per frequency group ("0" .. "6", "7+") and one for "all": customers, predicted and
   * actual holdout purchase days, mean absolute and root mean squared error per customer, mean
   * p_alive, and the predicted (mean P(at least one purchase)) and actual share who bought again.
   */
  public static Dataset<Row> byFrequency(Dataset<Row> predicted) {
    Column x = col(REPEAT_PURCHASES).cast(DataTypes.IntegerType);
    Column group = when(x.geq(TOP_GROUP), lit(TOP_GROUP + "+")).otherwise(x.cast(DataTypes.StringType));
    Dataset<Row> withError = predicted.withColumn(ERROR, col(PREDICTED_PURCHASES).minus(col(HOLDOUT_PURCHASES)));
    Dataset<Row> groups = withError.groupBy(group.as(FREQUENCY_GROUP)).agg(first(), rest());
    Dataset<Row> all = withError.agg(first(), rest()).select(lit(ALL).as(FREQUENCY_GROUP), col("*"));
    return groups.unionByName(all);
  }

  private static Column first() {
    return count(lit(1)).as(CUSTOMERS);
  }

  private static Column[] rest() {
    return new Column[] {
        sum(PREDICTED_PURCHASES).as(PREDICTED_PURCHASES),
        sum(col(HOLDOUT_PURCHASES).cast(DataTypes.DoubleType)).as(ACTUAL_PURCHASES),
        avg(abs(col(ERROR))).as(MEAN_ABSOLUTE_ERROR),
        sqrt(avg(pow(col(ERROR), 2))).as(ROOT_MEAN_SQUARED_ERROR),
        avg(P_ALIVE).as(MEAN_P_ALIVE),
        avg(P_PURCHASE_HOLDOUT).as(PREDICTED_SHARE_BUYING),
        avg(when(col(HOLDOUT_PURCHASES).gt(0), 1.0).otherwise(0.0)).as(ACTUAL_SHARE_BUYING)};
  }

  /** Mean absolute and root mean squared error per customer of {@link #predict}'s output: one aggregate. */
  public static Errors errors(Dataset<Row> predicted) {
    Column error = col(PREDICTED_PURCHASES).minus(col(HOLDOUT_PURCHASES));
    Row r = predicted.agg(count(lit(1)), avg(abs(error)), sqrt(avg(pow(error, 2)))).first();
    return r.getLong(0) == 0 ? new Errors(0, Double.NaN, Double.NaN) : new Errors(r.getLong(0), r.getDouble(1), r.getDouble(2));
  }
}
