package io.valuetier.summary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The terminal report of the tier summary: a heading naming the method, thousands separators, percentages. */
class TierReportTest {
  private static final StructType DISPLAY = new StructType()
      .add(TierSummary.GRADE, DataTypes.StringType)
      .add(TierSummary.CUSTOMERS, DataTypes.LongType)
      .add(TierSummary.CUSTOMER_SHARE_PCT, DataTypes.DoubleType)
      .add(TierSummary.REVENUE, DataTypes.DoubleType)
      .add(TierSummary.REVENUE_SHARE_PCT, DataTypes.DoubleType)
      .add("profit", DataTypes.DoubleType)
      .add(TierSummary.AVG_MARGIN, DataTypes.DoubleType)
      .add(TierSummary.AVG_RECENCY_DAYS, DataTypes.DoubleType)
      .add(TierSummary.AVG_FREQUENCY, DataTypes.DoubleType)
      .add(TierSummary.TREATMENT, DataTypes.StringType);

  private static Row row(Object... values) {
    return new GenericRowWithSchema(values, DISPLAY);
  }

  @Test
  void tiersAreFormattedForAPerson() {
    // Two tiers of 1,500 and 500 customers (75 % / 25 %); revenue 12,345,678.4 and 654,321.6 (95 % / 5 %).
    List<Row> tiers = List.of(
        row("Top", 1500L, 75.0, 12_345_678.4, 94.97, 3_000_000.0, 0.243, 12.4, 14.25, "A call each month"),
        row("Dormant", 500L, 25.0, 654_321.6, 5.03, -1_234.0, null, 400.0, 0.0, null));

    String report = TierReport.of(tiers, "segment");
    String[] lines = report.split("\n");

    assertEquals("Tiers by segment (k-means value segments), 2,000 customers", lines[0]);
    assertTrue(lines[1].matches("-+"), lines[1]);
    assertEquals(List.of("tier", "customers", "share", "revenue", "share", "profit", "margin", "recency", "orders",
        "treatment"), List.of(lines[2].trim().split("\\s+")));
    assertEquals(List.of("Top", "1,500", "75.0%", "12,345,678", "95.0%", "3,000,000", "24.3%", "12", "d", "14.3",
        "A", "call", "each", "month"), List.of(lines[4].trim().split("\\s+")));
    // No margin (no cost data): a dash, never 0 %; no treatment: nothing.
    assertEquals(List.of("Dormant", "500", "25.0%", "654,322", "5.0%", "-1,234", "-", "400", "d", "0.0"),
        List.of(lines[5].trim().split("\\s+")));
  }
}
