package io.valuetier.features;

import static io.valuetier.schema.Columns.AVG_DAYS_LATE;
import static io.valuetier.schema.Columns.CUSTOMER_ID;
import static io.valuetier.schema.Columns.DUE_DATE;
import static io.valuetier.schema.Columns.ON_TIME_RATE;
import static io.valuetier.schema.Columns.OVERDUE_OPEN;
import static io.valuetier.schema.Columns.PAID_DATE;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.time.LocalDate;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Credit features (docs/methods.md, "Customer features"; last row) from invoices due in W, as known on D: a payment after D is
 * still open on D. {@code on_time_rate}: share paid by the due date; {@code avg_days_late}: mean
 * days paid after due (an open invoice is late until D; 0 when on time); {@code overdue_open}:
 * invoices unpaid on D past their due date. Customers without invoices due in W get nulls.
 */
public final class CreditFeatures {
  private final LocalDate asOf;
  private final int windowDays;

  public CreditFeatures(LocalDate asOf, int windowDays) {
    this.asOf = asOf;
    this.windowDays = windowDays;
  }

  /** Adds the three credit columns to {@code features}; all null when there is no invoices table. */
  public Dataset<Row> apply(Dataset<Row> features, Optional<Dataset<Row>> invoices) {
    if (invoices.isEmpty()) {
      return features
          .withColumn(ON_TIME_RATE, lit(null).cast(DataTypes.DoubleType))
          .withColumn(AVG_DAYS_LATE, lit(null).cast(DataTypes.DoubleType))
          .withColumn(OVERDUE_OPEN, lit(null).cast(DataTypes.LongType));
    }
    Dataset<Row> credit = perCustomer(invoices.get());
    return features.join(credit, CUSTOMER_ID, "left");
  }

  Dataset<Row> perCustomer(Dataset<Row> invoices) {
    Column d = lit(java.sql.Date.valueOf(asOf));
    Column due = col(DUE_DATE).try_cast(DataTypes.DateType);
    Column paidRaw = col(PAID_DATE).try_cast(DataTypes.DateType);
    Column paid = when(paidRaw.leq(d), paidRaw); // paid after D: still open on D
    Column dueInWindow = due.gt(lit(java.sql.Date.valueOf(asOf.minusDays(windowDays)))).and(due.leq(d));
    Column daysLate = greatest(datediff(coalesce(paid, d), due), lit(0));
    return invoices.where(dueInWindow)
        .groupBy(col(CUSTOMER_ID).cast(DataTypes.StringType).as(CUSTOMER_ID))
        .agg(
            avg(when(paid.isNotNull().and(paid.leq(due)), 1.0).otherwise(0.0)).as(ON_TIME_RATE),
            avg(daysLate.cast(DataTypes.DoubleType)).as(AVG_DAYS_LATE),
            sum(when(paid.isNull().and(due.lt(d)), 1L).otherwise(0L)).as(OVERDUE_OPEN));
  }
}
