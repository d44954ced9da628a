package io.valuetier.summary;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;

/** The tier summary of a run as a person reads it in a terminal: headings, separators, percentages. */
public final class TierReport {
  /** What each grading method is, in words, for the report's heading. */
  private static final Map<String, String> METHOD_NAMES = Map.of(
      "segment", "k-means value segments",
      "rfm", "RFM segments",
      "abc", "ABC (Pareto) classes",
      "value_grade", "composite value score grades",
      "lifecycle", "lifecycle stages",
      "value_potential", "value-potential matrix");

  private static final String ROW = "%-22s %11s %7s %17s %7s %17s %7s %8s %7s  %s%n";

  private TierReport() {}

  /**
   * The rows of {@link TierSummary#forDisplay} (one per tier, a handful) under a heading naming
   * the primary method; money with thousands separators, shares and margins as percentages.
   */
  public static String of(List<Row> tiers, String primaryMethod) {
    StringBuilder out = new StringBuilder();
    long customers = tiers.stream().mapToLong(r -> number(r, TierSummary.CUSTOMERS).longValue()).sum();
    String heading = String.format(Locale.ROOT, "Tiers by %s (%s), %,d customers", primaryMethod,
        METHOD_NAMES.getOrDefault(primaryMethod, primaryMethod), customers);
    String header = String.format(Locale.ROOT, ROW, "tier", "customers", "share", "revenue", "share", "profit",
        "margin", "recency", "orders", "treatment");
    String rule = "-".repeat(header.strip().length()) + System.lineSeparator();
    out.append(heading).append(System.lineSeparator()).append(rule).append(header).append(rule);
    for (Row r : tiers) {
      out.append(String.format(Locale.ROOT, ROW,
          r.getAs(TierSummary.GRADE),
          String.format(Locale.ROOT, "%,d", number(r, TierSummary.CUSTOMERS).longValue()),
          percent(r, TierSummary.CUSTOMER_SHARE_PCT, 1),
          money(r, TierSummary.REVENUE),
          percent(r, TierSummary.REVENUE_SHARE_PCT, 1),
          money(r, io.valuetier.schema.Columns.PROFIT),
          r.isNullAt(r.fieldIndex(TierSummary.AVG_MARGIN)) ? "-"
              : String.format(Locale.ROOT, "%.1f%%", 100 * number(r, TierSummary.AVG_MARGIN).doubleValue()),
          decimal(r, TierSummary.AVG_RECENCY_DAYS, "%.0f d"),
          decimal(r, TierSummary.AVG_FREQUENCY, "%.1f"),
          r.isNullAt(r.fieldIndex(TierSummary.TREATMENT)) ? "" : r.getAs(TierSummary.TREATMENT)));
    }
    out.append(rule);
    out.append("recency: mean days since the last order; orders: mean orders in the window").append(System.lineSeparator());
    return out.toString();
  }

  private static Number number(Row r, String column) {
    return (Number) r.getAs(column);
  }

  private static String percent(Row r, String column, int decimals) {
    return r.isNullAt(r.fieldIndex(column)) ? "-"
        : String.format(Locale.ROOT, "%." + decimals + "f%%", number(r, column).doubleValue());
  }

  private static String money(Row r, String column) {
    return r.isNullAt(r.fieldIndex(column)) ? "-" : String.format(Locale.ROOT, "%,.0f", number(r, column).doubleValue());
  }

  private static String decimal(Row r, String column, String format) {
    return r.isNullAt(r.fieldIndex(column)) ? "-" : String.format(Locale.ROOT, format, number(r, column).doubleValue());
  }
}
