package io.valuetier.lifetime;

import static io.valuetier.schema.Columns.AMOUNT;
import static io.valuetier.schema.Columns.CUSTOMER_AGE_DAYS;
import static io.valuetier.schema.Columns.CUSTOMER_ID;
import static io.valuetier.schema.Columns.HOLDOUT_PURCHASES;
import static io.valuetier.schema.Columns.MEAN_REPEAT_SPEND;
import static io.valuetier.schema.Columns.ORDER_DATE;
import static io.valuetier.schema.Columns.PURCHASE_SPAN_DAYS;
import static io.valuetier.schema.Columns.REPEAT_PURCHASES;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.valuetier.quality.TransactionValidation;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Each customer's purchase history as the lifetime-value models see it (docs/methods.md, "Lifetime value"), over all accepted
 * transactions up to D: purchases on the same day merged into one purchase day, and a day counts as
 * a purchase when its exact net amount is positive, or zero without a negative line (a free
 * purchase); returns only, or an order cancelled the same day, is no purchase.
 * Output: customer_id, repeat_purchases (x), purchase_span_days (t_x), customer_age_days (T),
 * mean_repeat_spend (mean of the repeat days' amounts; null when x = 0).
 */
public final class PurchaseHistory {
  private static final String DAY_AMOUNT = "day_amount";
  private static final String SMALLEST_LINE = "smallest_line";
  private static final String FIRST = "first_day";
  private static final String LAST = "last_day";
  private static final String DAYS = "purchase_days";
  private static final String TOTAL = "total";
  private static final String FIRST_AMOUNT = "first_amount";

  private final LocalDate asOf;

  public PurchaseHistory(LocalDate asOf) {
    this.asOf = asOf;
  }

  public Dataset<Row> apply(Dataset<Row> transactions) {
    Dataset<Row> days = purchaseDays(transactions.where(col(ORDER_DATE).leq(lit(java.sql.Date.valueOf(asOf)))));
    Dataset<Row> perCustomer = days.groupBy(col(CUSTOMER_ID)).agg(
        min(ORDER_DATE).as(FIRST),
        max(ORDER_DATE).as(LAST),
        count(lit(1)).as(DAYS),
        sum(DAY_AMOUNT).as(TOTAL),
        min_by(col(DAY_AMOUNT), col(ORDER_DATE)).as(FIRST_AMOUNT));
    Column x = col(DAYS).minus(1);
    return perCustomer.select(
        col(CUSTOMER_ID),
        x.cast(DataTypes.IntegerType).as(REPEAT_PURCHASES),
        datediff(col(LAST), col(FIRST)).as(PURCHASE_SPAN_DAYS),
        datediff(lit(java.sql.Date.valueOf(asOf)), col(FIRST)).as(CUSTOMER_AGE_DAYS),
        // Cents: (total - first) / 100 is the double the decimal difference converted to.
        when(x.gt(0), col(TOTAL).minus(col(FIRST_AMOUNT)).cast(DataTypes.DoubleType).divide(100.0).divide(x))
            .as(MEAN_REPEAT_SPEND));
  }

  /**
   * A day is a purchase day when its net amount, summed exactly in decimals, is positive, or is
   * exactly zero without any negative line (something bought for free). Zero with a negative line
   * is an order cancelled the same day; a negative net is returns.
   */
  static Column isPurchaseDay(Column net, Column smallestLine) {
    return net.gt(0).or(net.equalTo(0).and(smallestLine.geq(0)));
  }

  /**
   * Each customer's purchase days in (after, through] as {@code customer_id, holdout_purchases}:
   * what a backtest compares the predictions with, counted as the histories count them.
   */
  public static Dataset<Row> purchaseDaysIn(Dataset<Row> transactions, LocalDate after, LocalDate through) {
    return purchaseDays(transactions.where(col(ORDER_DATE).gt(lit(java.sql.Date.valueOf(after)))
            .and(col(ORDER_DATE).leq(lit(java.sql.Date.valueOf(through))))))
        .groupBy(col(CUSTOMER_ID)).agg(count(lit(1)).cast(DataTypes.IntegerType).as(HOLDOUT_PURCHASES));
  }

  /**
   * Purchases of a customer on one day merged, the net in cents (exact long sums,
   * {@link TransactionValidation#cents}); the days that count as purchase days ({@link #isPurchaseDay}).
   */
  private static Dataset<Row> purchaseDays(Dataset<Row> transactions) {
    return transactions
        .groupBy(col(CUSTOMER_ID), col(ORDER_DATE))
        .agg(sum(TransactionValidation.cents(col(AMOUNT))).as(DAY_AMOUNT), min(col(AMOUNT)).as(SMALLEST_LINE))
        .where(isPurchaseDay(col(DAY_AMOUNT), col(SMALLEST_LINE)));
  }
}
