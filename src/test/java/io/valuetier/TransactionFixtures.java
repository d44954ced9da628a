package io.valuetier;

import io.valuetier.quality.TransactionValidation;
import io.valuetier.schema.Columns;
import java.math.BigDecimal;
import java.sql.Timestamp;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Raw transaction rows as a user's Parquet would hold them, for hand-made fixtures. */
public final class TransactionFixtures {
  public static final StructType RAW = new StructType()
      .add(Columns.ORDER_ID, DataTypes.StringType)
      .add(Columns.CUSTOMER_ID, DataTypes.StringType)
      .add(Columns.ORDER_TS, DataTypes.TimestampType)
      .add(Columns.AMOUNT, TransactionValidation.MONEY)
      .add(Columns.COST, TransactionValidation.MONEY)
      .add(Columns.QUANTITY, DataTypes.IntegerType)
      .add(Columns.CATEGORY, DataTypes.StringType)
      .add(Columns.CHANNEL, DataTypes.StringType);

  private TransactionFixtures() {}

  /** One line: amounts as text ("12.50"), a timestamp as "yyyy-mm-dd hh:mm:ss" (UTC). */
  public static Object[] line(String order, String customer, String ts, String amount, String cost, String category) {
    return new Object[] {order, customer, ts == null ? null : Timestamp.valueOf(ts),
        amount == null ? null : new BigDecimal(amount), cost == null ? null : new BigDecimal(cost), 1, category, "online"};
  }

  public static Dataset<Row> raw(Object[]... lines) {
    return SparkTestSession.frame(RAW, lines);
  }
}
