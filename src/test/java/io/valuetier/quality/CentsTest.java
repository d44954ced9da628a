package io.valuetier.quality;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.valuetier.SparkTestSession;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Money to cents and back is exact over the whole decimal(18,2) range, and sums of cents equal decimal sums. */
class CentsTest {
  private static final StructType MONEY = new StructType().add("m", TransactionValidation.MONEY);

  private static Dataset<Row> frame(List<BigDecimal> values) {
    SparkSession spark = SparkTestSession.get();
    List<Row> rows = new ArrayList<>();
    values.forEach(v -> rows.add(RowFactory.create(v)));
    return spark.createDataFrame(rows, MONEY);
  }

  @Test
  void everyAmountBecomesItsExactCentsAndBack() {
    // The largest decimal(18,2), amounts around 10^13 (where a double loses the cent), values
    // with no exact binary form (0.01, 0.07, 0.29 x 100 = 28.999999999999996 in doubles) and negatives.
    List<String> texts = List.of("0.00", "0.01", "-0.07", "0.29", "1.15", "12345678901.23", "-4503599627370.49",
        "9999999999999.99", "10000000000000.00", "-10000000000000.01", "9999999999999999.99", "-9999999999999999.99");
    List<BigDecimal> values = texts.stream().map(BigDecimal::new).toList();
    List<Row> out = frame(values).select(TransactionValidation.cents(col("m")).as("c"),
        TransactionValidation.money(TransactionValidation.cents(col("m"))).as("back")).collectAsList();
    for (int i = 0; i < values.size(); i++) {
      long expected = values.get(i).movePointRight(2).longValueExact();
      assertEquals(expected, out.get(i).getLong(0), texts.get(i));
      assertEquals(0, values.get(i).compareTo(out.get(i).getDecimal(1)), texts.get(i));
    }
  }

  @Test
  void nullStaysNull() {
    List<BigDecimal> values = new ArrayList<>();
    values.add(null);
    Row r = frame(values).select(TransactionValidation.cents(col("m"))).first();
    assertNull(r.get(0));
  }

  @Test
  void summedCentsEqualTheDecimalSum() {
    // 100,000 amounts of 0.10 ... 999.99 by a fixed rule: the exact total by BigDecimal on the driver.
    List<BigDecimal> values = new ArrayList<>();
    BigDecimal total = BigDecimal.ZERO;
    for (int i = 0; i < 100_000; i++) {
      BigDecimal v = BigDecimal.valueOf((i * 7919L) % 99_990 + 10, 2);
      values.add(v);
      total = total.add(v);
    }
    Row r = frame(values).agg(TransactionValidation.money(sum(TransactionValidation.cents(col("m"))))).first();
    assertEquals(0, total.compareTo(r.getDecimal(0)), total + " vs " + r.getDecimal(0));
    assertEquals(DataTypes.createDecimalType(18, 2), frame(values)
        .agg(TransactionValidation.money(sum(TransactionValidation.cents(col("m"))))).schema().fields()[0].dataType());
  }
}
