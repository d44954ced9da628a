package io.valuetier.quality;

import static io.valuetier.schema.Columns.AMOUNT;
import static io.valuetier.schema.Columns.CATEGORY;
import static io.valuetier.schema.Columns.CHANNEL;
import static io.valuetier.schema.Columns.COST;
import static io.valuetier.schema.Columns.CUSTOMER_ID;
import static io.valuetier.schema.Columns.ORDER_DATE;
import static io.valuetier.schema.Columns.ORDER_ID;
import static io.valuetier.schema.Columns.ORDER_TS;
import static io.valuetier.schema.Columns.QUANTITY;
import static io.valuetier.schema.Columns.REASON;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.valuetier.TieringException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegralType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;

/**
 * Validates the transactions table (docs/methods.md, "Validation and quarantine"): the schema before any work, then every row, giving each
 * bad row one reason code. Rows are flagged, never dropped; {@link #accepted} and {@link #rejected}
 * separate them.
 */
public final class TransactionValidation {
  /** Money in the validated transactions: exact, two decimals. */
  public static final DecimalType MONEY = DataTypes.createDecimalType(18, 2);

  /** Reason codes of rejected rows, in the order they are checked (the first that applies wins). */
  public enum Reason {
    NULL_CUSTOMER_ID,
    NULL_ORDER_ID,
    NULL_ORDER_DATE,
    UNPARSEABLE_ORDER_DATE,
    NULL_AMOUNT,
    NON_FINITE_AMOUNT,
    UNPARSEABLE_AMOUNT,
    UNPARSEABLE_COST,
    FUTURE_ORDER_DATE,
    NEGATIVE_COST,
    DUPLICATE_LINE;

    public String code() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** The columns of a transaction row after validation, and of a quarantined row (as text). */
  public static final List<String> TRANSACTION_COLUMNS =
      List.of(ORDER_ID, CUSTOMER_ID, ORDER_TS, AMOUNT, COST, QUANTITY, CATEGORY, CHANNEL);

  private static final String ORIGINAL = "original_";

  private TransactionValidation() {}

  /**
   * Checks that required columns exist with usable types; fails with one line naming table,
   * column and what was expected. Numeric and date columns may also come as text (parsed per row).
   */
  public static void checkSchema(StructType schema) {
    String table = "transactions";
    requireColumn(schema, table, CUSTOMER_ID, "text or an integer id", TransactionValidation::isId);
    requireColumn(schema, table, ORDER_ID, "text or an integer id", TransactionValidation::isId);
    boolean hasTs = field(schema, ORDER_TS).isPresent();
    requireColumn(schema, table, hasTs ? ORDER_TS : ORDER_DATE + " (or " + ORDER_TS + ")",
        "a timestamp, a date or date text", TransactionValidation::isDateLike);
    requireColumn(schema, table, AMOUNT, "a decimal number (decimal, double, integer or numeric text)",
        TransactionValidation::isNumberLike);
    optionalColumn(schema, table, COST, "a decimal number (decimal, double, integer or numeric text)",
        TransactionValidation::isNumberLike);
    optionalColumn(schema, table, QUANTITY, "a number", TransactionValidation::isNumberLike);
    optionalColumn(schema, table, CATEGORY, "text", t -> t instanceof StringType);
    optionalColumn(schema, table, CHANNEL, "text", t -> t instanceof StringType);
  }

  /**
   * The grading columns of every row plus {@code reason} (null for a valid row) and, on rejected
   * rows, the original values as text. The rows come out
   * hash-partitioned by customer, which the feature aggregation downstream reuses without
   * another shuffle.
   */
  public static Dataset<Row> flag(Dataset<Row> raw, LocalDate asOf) {
    checkSchema(raw.schema());
    StructType schema = raw.schema();
    Column amountRaw = col(AMOUNT);
    Column costRaw = field(schema, COST).isPresent() ? col(COST) : lit(null);
    Column tsRaw = field(schema, ORDER_TS).isPresent() ? col(ORDER_TS) : col(ORDER_DATE);

    Column customerId = trimmedId(col(CUSTOMER_ID));
    Column orderId = trimmedId(col(ORDER_ID));
    Column orderTs = tsRaw.try_cast(DataTypes.TimestampType);
    Column amount = amountRaw.try_cast(MONEY);
    Column cost = costRaw.try_cast(MONEY);
    Column nonFinite = nonFinite(schema, AMOUNT, amountRaw).or(nonFinite(schema, COST, costRaw));

    Column reason =
        when(customerId.isNull(), Reason.NULL_CUSTOMER_ID.code())
            .when(orderId.isNull(), Reason.NULL_ORDER_ID.code())
            .when(tsRaw.isNull(), Reason.NULL_ORDER_DATE.code())
            .when(orderTs.isNull(), Reason.UNPARSEABLE_ORDER_DATE.code())
            .when(amountRaw.isNull(), Reason.NULL_AMOUNT.code())
            .when(nonFinite, Reason.NON_FINITE_AMOUNT.code())
            .when(amount.isNull(), Reason.UNPARSEABLE_AMOUNT.code())
            .when(costRaw.isNotNull().and(cost.isNull()), Reason.UNPARSEABLE_COST.code())
            .when(to_date(orderTs).gt(lit(java.sql.Date.valueOf(asOf))), Reason.FUTURE_ORDER_DATE.code())
            .when(cost.lt(0), Reason.NEGATIVE_COST.code());

    List<Column> projected = new ArrayList<>();
    projected.add(customerId.as(CUSTOMER_ID));
    projected.add(orderId.as(ORDER_ID));
    projected.add(orderTs.as(ORDER_TS));
    projected.add(amount.as(AMOUNT));
    projected.add(cost.as(COST));
    projected.add(optional(schema, QUANTITY).try_cast(DataTypes.DoubleType).as(QUANTITY));
    projected.add(optional(schema, CATEGORY).cast(DataTypes.StringType).as(CATEGORY));
    projected.add(optional(schema, CHANNEL).cast(DataTypes.StringType).as(CHANNEL));
    projected.add(reason.as(REASON));
    // Original values survive only on rejected rows, for the quarantine table.
    for (String c : TRANSACTION_COLUMNS) {
      Column source = c.equals(ORDER_TS) ? tsRaw : optional(schema, c);
      projected.add(when(reason.isNotNull(), source.cast(DataTypes.StringType)).as(ORIGINAL + c));
    }
    Dataset<Row> canonical = raw.select(projected.toArray(Column[]::new)).repartition(col(CUSTOMER_ID));
    return markDuplicates(canonical);
  }

  /**
   * Exact duplicate lines (every column equal): the first stays, the others are rejected.
   * Identical rows collapse into one with their number of copies and are expanded back: a hash
   * aggregate on the customer partitioning the rows already have, where a window over the whole
   * line would sort all of them.
   */
  private static Dataset<Row> markDuplicates(Dataset<Row> canonical) {
    String copies = "copies";
    String copy = "copy";
    Column[] all = Arrays.stream(canonical.columns()).map(c -> col(c)).toArray(Column[]::new);
    Dataset<Row> expanded = canonical.groupBy(all).agg(count(lit(1)).as(copies))
        .withColumn(copy, explode(sequence(lit(1L), col(copies))))
        .drop(copies);
    String duplicate = "is_duplicate";
    Dataset<Row> marked = expanded
        .withColumn(duplicate, col(REASON).isNull().and(col(copy).gt(1)))
        .withColumn(REASON, when(col(duplicate), Reason.DUPLICATE_LINE.code()).otherwise(col(REASON)));
    for (String c : TRANSACTION_COLUMNS) {
      // A duplicate parsed cleanly: its values as text are the original ones, up to formatting.
      marked = marked.withColumn(ORIGINAL + c,
          when(col(duplicate), col(c).cast(DataTypes.StringType)).otherwise(col(ORIGINAL + c)));
    }
    // What the rest of the run reads: the grading columns of accepted rows (order_ts becomes the
    // order date; quantity and channel grade nothing) and the original text of rejected rows. The
    // run caches this: every column left out is memory not spent on 20 M rows.
    List<Column> kept = new ArrayList<>(List.of(col(CUSTOMER_ID), col(ORDER_ID), to_date(col(ORDER_TS)).as(ORDER_DATE),
        col(AMOUNT), col(COST), col(CATEGORY), col(REASON)));
    TRANSACTION_COLUMNS.forEach(c -> kept.add(col(ORIGINAL + c)));
    return marked.select(kept.toArray(Column[]::new));
  }

  /** Accepted rows: customer_id, order_id, order_date, amount, cost, category. */
  public static Dataset<Row> accepted(Dataset<Row> flagged) {
    return flagged.where(col(REASON).isNull())
        .select(col(CUSTOMER_ID), col(ORDER_ID), col(ORDER_DATE), col(AMOUNT), col(COST), col(CATEGORY));
  }

  /** Rejected rows: reason and the original values as text. */
  public static Dataset<Row> rejected(Dataset<Row> flagged) {
    List<Column> columns = new ArrayList<>();
    columns.add(col(REASON));
    for (String c : TRANSACTION_COLUMNS) {
      columns.add(col(ORIGINAL + c).as(c));
    }
    return flagged.where(col(REASON).isNotNull()).select(columns.toArray(Column[]::new));
  }

  /** Row counts per outcome: the key null stands for accepted rows. Small: one row per reason. */
  public static Map<String, Long> countByReason(Dataset<Row> flagged) {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (Row r : flagged.groupBy(col(REASON)).count().collectAsList()) {
      counts.put(r.getString(0), r.getLong(1));
    }
    return counts;
  }

  /** Whether the input has a cost column, which makes profit computable. */
  public static boolean hasCost(StructType schema) {
    return field(schema, COST).isPresent();
  }

  private static Column trimmedId(Column id) {
    Column text = trim(id.cast(DataTypes.StringType));
    return when(text.equalTo(""), lit(null).cast(DataTypes.StringType)).otherwise(text);
  }

  private static Column nonFinite(StructType schema, String name, Column value) {
    boolean floating = field(schema, name).map(f -> f.dataType() instanceof DoubleType || f.dataType() instanceof FloatType).orElse(false);
    if (!floating) {
      return lit(false);
    }
    return isnan(value).or(value.equalTo(Double.POSITIVE_INFINITY)).or(value.equalTo(Double.NEGATIVE_INFINITY));
  }

  private static Column optional(StructType schema, String name) {
    return field(schema, name).isPresent() ? col(name) : lit(null);
  }

  private static Optional<StructField> field(StructType schema, String name) {
    return Arrays.stream(schema.fields()).filter(f -> f.name().equals(name)).findFirst();
  }

  private static void requireColumn(StructType schema, String table, String name, String expected,
      java.util.function.Predicate<DataType> ok) {
    String column = name.split(" ")[0];
    Optional<StructField> f = field(schema, column);
    TieringException.check(f.isPresent(), "input table %s: missing required column %s (expected %s)",
        table, name, expected);
    checkType(table, f.get(), expected, ok);
  }

  private static void optionalColumn(StructType schema, String table, String name, String expected,
      java.util.function.Predicate<DataType> ok) {
    field(schema, name).ifPresent(f -> checkType(table, f, expected, ok));
  }

  private static void checkType(String table, StructField f, String expected, java.util.function.Predicate<DataType> ok) {
    TieringException.check(ok.test(f.dataType()), "input table %s: column %s has type %s, expected %s",
        table, f.name(), f.dataType().simpleString(), expected);
  }

  private static boolean isId(DataType t) {
    return t instanceof StringType || t instanceof IntegralType;
  }

  private static boolean isDateLike(DataType t) {
    return t instanceof TimestampType || t instanceof TimestampNTZType || t instanceof DateType || t instanceof StringType;
  }

  private static boolean isNumberLike(DataType t) {
    return t instanceof NumericType || t instanceof StringType;
  }
}
