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
import static org.apache.spark.sql.functions.convert_timezone;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_from_unix_date;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import io.valuetier.TieringException;
import io.valuetier.config.TieringConfig;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.IntegralDivide;
import org.apache.spark.sql.catalyst.expressions.UnscaledValue;
import org.apache.spark.sql.catalyst.expressions.objects.StaticInvoke;
import org.apache.spark.sql.classic.ExpressionUtils;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.AbstractDataType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegralType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Validates the transactions table (docs/methods.md, "Validation and quarantine"): the schema before any work, then every row, giving each
 * bad row one reason code. Rows are flagged, never dropped; {@link #accepted} and {@link #rejected}
 * separate them.
 */
public final class TransactionValidation {
  /** Money in the validated transactions: exact, two decimals. */
  public static final DecimalType MONEY = DataTypes.createDecimalType(18, 2);

  /**
   * Money as whole cents in a long, so that sums run on long arithmetic (exact, and under ANSI
   * mode an overflow fails the query) instead of decimals widened to 28 digits, which Spark adds as
   * objects. A decimal(18,2) is held as its unscaled long, which is the cents: Catalyst's
   * UnscaledValue reads it directly (what Spark's own optimizer does for sums of short decimals).
   * Any arithmetic on the decimal instead (a cast to double, a comparison across scales, a
   * multiplication) goes through a BigDecimal per row: a fifth of the feature stage's time.
   */
  public static Column cents(Column money) {
    return ExpressionUtils.column(new UnscaledValue(ExpressionUtils.expression(money.cast(MONEY))));
  }

  /** Cents (a sum of {@link #cents}) as money again, exactly. */
  public static Column money(Column cents) {
    return money(cents, MONEY);
  }

  /** What Spark's sum of {@link #MONEY} gives: 28 digits, two of them decimals. */
  public static final DecimalType MONEY_TOTAL = DataTypes.createDecimalType(28, 2);

  /**
   * Cents as money of the given type, exactly: a total over many customers summed as long cents
   * and returned as {@link #MONEY_TOTAL}, where a sum of the decimals would add objects per row.
   */
  public static Column money(Column cents, DecimalType type) {
    return cents.cast(DataTypes.createDecimalType(20, 0)).divide(lit(100)).cast(type);
  }

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

  /** In rejected_transactions: the whole line as read, every column under the user's name, as JSON. */
  public static final String SOURCE_ROW = "source_row";

  private static final String ORIGINALS = "originals";
  private static final String CUSTOMER_KEY = "customer_key";
  private static final String COPY = "copy";

  /** Date-time text that ends in a zone: Z, an offset (+01:00, -0500) or a zone id (UTC, Europe/Berlin). */
  private static final String ZONED_TEXT =
      "\\d{2}:\\d{2}(:\\d{2}([.,]\\d*)?)?\\s*(?i:z|[+-]\\d{2}(:?\\d{2})?|(utc|gmt|ut)([+-]\\S*)?|[a-z_]+/[a-z_/+-]+)$";

  private TransactionValidation() {}

  /**
   * How the user's table is read: the column mapping (product name to the user's name, for error
   * messages and the quarantined source row), the columns that make a line unique (the user's
   * names; empty: every column of the line) and the business time zone that dates zoned timestamps.
   */
  public record Rules(Map<String, String> columns, List<String> uniqueColumns, ZoneId zone) {
    /** No mapping, exact duplicates over every column, UTC. */
    public static final Rules DEFAULT = new Rules(Map.of(), List.of(), ZoneOffset.UTC);

    public static Rules of(TieringConfig.Input input) {
      return new Rules(input.columns(), input.uniqueColumns(), input.timeZone());
    }

    public Rules withZone(ZoneId other) {
      return new Rules(columns, uniqueColumns, other);
    }

    public Rules withUniqueColumns(List<String> other) {
      return new Rules(columns, other, zone);
    }

    /** The user's name of a column of the frame as renamed by the mapping. */
    String sourceName(String frameColumn) {
      return columns.getOrDefault(frameColumn, frameColumn);
    }

    /** A column as the user knows it: {@code CustomerID (mapped to customer_id)} or {@code amount}. */
    String describe(String productColumn) {
      String source = sourceName(productColumn);
      return source.equals(productColumn) ? productColumn : source + " (mapped to " + productColumn + ")";
    }
  }

  /** Checks the schema with the product's column names (no mapping). */
  public static void checkSchema(StructType schema) {
    checkSchema(schema, Rules.DEFAULT);
  }

  /**
   * Checks that required columns exist with usable types; fails with one line naming table,
   * the user's column, the product column it maps to and what was expected. Numeric and date
   * columns may also come as text (parsed per row).
   */
  public static void checkSchema(StructType schema, Rules rules) {
    String table = "transactions";
    requireColumn(schema, rules, table, CUSTOMER_ID, "text or an integer id", TransactionValidation::isId);
    requireColumn(schema, rules, table, ORDER_ID, "text or an integer id", TransactionValidation::isId);
    boolean hasTs = field(schema, ORDER_TS).isPresent();
    if (hasTs) {
      requireColumn(schema, rules, table, ORDER_TS, "a timestamp, a date or date text", TransactionValidation::isDateLike);
    } else {
      Optional<StructField> date = field(schema, ORDER_DATE);
      TieringException.check(date.isPresent(), "input table %s: missing required column %s (or %s) (expected %s)",
          table, rules.describe(ORDER_DATE), rules.describe(ORDER_TS), "a timestamp, a date or date text");
      checkType(table, rules, date.get(), "a timestamp, a date or date text", TransactionValidation::isDateLike);
    }
    requireColumn(schema, rules, table, AMOUNT, "a decimal number (decimal, double, integer or numeric text)",
        TransactionValidation::isNumberLike);
    optionalColumn(schema, rules, table, COST, "a decimal number (decimal, double, integer or numeric text)",
        TransactionValidation::isNumberLike);
    optionalColumn(schema, rules, table, QUANTITY, "a number", TransactionValidation::isNumberLike);
    optionalColumn(schema, rules, table, CATEGORY, "text", t -> t instanceof StringType);
    optionalColumn(schema, rules, table, CHANNEL, "text", t -> t instanceof StringType);
    for (String unique : rules.uniqueColumns()) {
      TieringException.check(sourceColumn(schema, rules, unique).isPresent(),
          "tiering.input.unique-columns: input table %s has no column %s (columns: %s)", table, unique,
          Arrays.stream(schema.fieldNames()).map(rules::sourceName).toList());
    }
  }

  /** Validation with the default rules: no mapping, exact duplicates over all columns, UTC. */
  public static Dataset<Row> flag(Dataset<Row> raw, LocalDate asOf) {
    return flag(raw, asOf, Rules.DEFAULT);
  }

  /**
   * The grading columns of every row plus {@code reason} (null for a valid row) and, on rejected
   * rows, {@code originals}: the original values as text and the whole source row as JSON. The
   * rows come out hash-partitioned by customer, which the feature aggregation downstream reuses
   * without another shuffle.
   */
  public static Dataset<Row> flag(Dataset<Row> raw, LocalDate asOf, Rules rules) {
    checkSchema(raw.schema(), rules);
    Dataset<Row> lines = withCopyNumber(comparable(raw), rules);
    StructType schema = raw.schema();
    Column amountRaw = col(AMOUNT);
    Column costRaw = field(schema, COST).isPresent() ? col(COST) : lit(null);
    Column tsRaw = field(schema, ORDER_TS).isPresent() ? col(ORDER_TS) : col(ORDER_DATE);
    DataType tsType = field(schema, ORDER_TS).or(() -> field(schema, ORDER_DATE)).get().dataType();

    Column customerId = col(CUSTOMER_KEY);
    Column orderId = cleanId(col(ORDER_ID));
    Column orderDate = businessDate(tsRaw, tsType, rules.zone(), raw.sparkSession().conf().get("spark.sql.session.timeZone"));
    Column amount = amountRaw.try_cast(MONEY);
    Column cost = costRaw.try_cast(MONEY);
    Column nonFinite = nonFinite(schema, AMOUNT, amountRaw).or(nonFinite(schema, COST, costRaw));

    Column reason =
        when(customerId.isNull(), Reason.NULL_CUSTOMER_ID.code())
            .when(orderId.isNull(), Reason.NULL_ORDER_ID.code())
            .when(tsRaw.isNull(), Reason.NULL_ORDER_DATE.code())
            .when(orderDate.isNull(), Reason.UNPARSEABLE_ORDER_DATE.code())
            .when(amountRaw.isNull(), Reason.NULL_AMOUNT.code())
            .when(nonFinite, Reason.NON_FINITE_AMOUNT.code())
            .when(amount.isNull(), Reason.UNPARSEABLE_AMOUNT.code())
            .when(costRaw.isNotNull().and(cost.isNull()), Reason.UNPARSEABLE_COST.code())
            .when(orderDate.gt(lit(java.sql.Date.valueOf(asOf))), Reason.FUTURE_ORDER_DATE.code())
            .when(cents(cost).lt(0L), Reason.NEGATIVE_COST.code())
            .when(col(COPY).gt(1), Reason.DUPLICATE_LINE.code());

    // What the rest of the run reads: the grading columns of accepted rows (the business date of
    // order_ts becomes the order date; quantity and channel grade nothing) and the original text of
    // rejected rows. The run caches this: every column left out is memory not spent on 20 M rows.
    List<Column> projected = new ArrayList<>();
    projected.add(customerId.as(CUSTOMER_ID));
    projected.add(orderId.as(ORDER_ID));
    projected.add(orderDate.as(ORDER_DATE));
    projected.add(amount.as(AMOUNT));
    projected.add(cost.as(COST));
    projected.add(optional(schema, CATEGORY).cast(DataTypes.StringType).as(CATEGORY));
    projected.add(reason.as(REASON));
    // Original values survive only on rejected rows, for the quarantine table, in one column
    // (null on accepted rows): a column per field would mean as many column builders for every row.
    List<Column> originals = new ArrayList<>();
    for (String c : TRANSACTION_COLUMNS) {
      Column source = c.equals(ORDER_TS) ? tsRaw : optional(schema, c);
      originals.add(source.cast(DataTypes.StringType).as(c));
    }
    originals.add(sourceRow(schema, rules).as(SOURCE_ROW));
    projected.add(when(reason.isNotNull(), struct(originals.toArray(Column[]::new))).as(ORIGINALS));
    return lines.select(projected.toArray(Column[]::new));
  }

  /**
   * Numbers the copies of each line (1 for the first): exact copies over every source column, or
   * lines equal in {@code tiering.input.unique-columns}. Rows are first spread by customer, the
   * partitioning every later step reuses; duplicates always share a customer.
   *
   * <p>Exact copies collapse into one group with their number of copies and are expanded back: a
   * hash aggregate, where numbering them with a window would sort every line of the input. Identical
   * lines are interchangeable, so which copy is "first" does not matter. Under a narrower rule the
   * lines differ, so a window (per customer and key) numbers them in the order of their other
   * columns: the same input keeps the same line on every rerun.
   */
  private static Dataset<Row> withCopyNumber(Dataset<Row> comparable, Rules rules) {
    // Spread by the clean id without shipping it: for almost every line it is the customer_id
    // again, a sixth of the shuffled bytes. It is computed once more after the shuffle, and Spark
    // knows the rows are partitioned by it (the column is that same expression).
    Column cleanCustomer = cleanId(col(CUSTOMER_ID));
    Dataset<Row> spread = comparable.repartition(cleanCustomer).withColumn(CUSTOMER_KEY, cleanCustomer);
    List<Column> all = new ArrayList<>();
    all.add(col(CUSTOMER_KEY));
    Arrays.stream(comparable.columns()).forEach(c -> all.add(col(quoted(c))));
    if (rules.uniqueColumns().isEmpty()) {
      String copies = "copies";
      return spread.groupBy(all.toArray(Column[]::new)).agg(count(lit(1)).as(copies))
          .withColumn(COPY, explode(sequence(lit(1L), col(copies))))
          .drop(copies);
    }
    List<Column> key = new ArrayList<>();
    key.add(col(CUSTOMER_KEY));
    for (String unique : rules.uniqueColumns()) {
      key.add(col(quoted(sourceColumn(comparable.schema(), rules, unique).get())));
    }
    WindowSpec sameKey = Window.partitionBy(key.toArray(Column[]::new))
        .orderBy(all.stream().map(Column::asc_nulls_first).toArray(Column[]::new));
    return spread.withColumn(COPY, row_number().over(sameKey).cast(DataTypes.LongType));
  }

  /**
   * The source columns in a form that can be grouped and sorted: maps (which Spark cannot compare)
   * as their JSON text; everything else exactly as read.
   */
  private static Dataset<Row> comparable(Dataset<Row> raw) {
    boolean hasMap = Arrays.stream(raw.schema().fields()).anyMatch(f -> containsMap(f.dataType()));
    if (!hasMap) {
      return raw;
    }
    return raw.select(Arrays.stream(raw.schema().fields())
        .map(f -> containsMap(f.dataType()) ? to_json(col(quoted(f.name()))).as(f.name()) : col(quoted(f.name())))
        .toArray(Column[]::new));
  }

  private static boolean containsMap(DataType t) {
    return t.existsRecursively(inner -> inner instanceof MapType);
  }

  /** The line as read, every column under the user's name, as JSON (nulls kept as null). */
  private static Column sourceRow(StructType schema, Rules rules) {
    Column[] fields = Arrays.stream(schema.fieldNames())
        .map(c -> col(quoted(c)).as(rules.sourceName(c)))
        .toArray(Column[]::new);
    return to_json(struct(fields), Map.of("ignoreNullFields", "false"));
  }

  /** The frame column (product name when mapped) the user calls {@code sourceName}. */
  private static Optional<String> sourceColumn(StructType schema, Rules rules, String sourceName) {
    return Arrays.stream(schema.fieldNames()).filter(c -> rules.sourceName(c).equals(sourceName)).findFirst();
  }

  /**
   * The order's business date: the date of {@link #businessTime}. An instant in a zone of fixed
   * offset (UTC, the default, or +01:00) is dated by arithmetic on its microseconds: Spark's casts
   * from an instant to a local time and to a date each build a java.time date-time per row
   * (5 % of validation's time). Zones with daylight saving go through the casts.
   */
  static Column businessDate(Column raw, DataType type, ZoneId zone, String sessionZone) {
    if (type instanceof TimestampType && zone.normalized() instanceof ZoneOffset offset) {
      Column local = unix_micros(raw).plus(lit(offset.getTotalSeconds() * MICROS_PER_SECOND));
      // Whole days, rounded down also before 1970: subtract the remainder, then divide exactly.
      Column day = lit(MICROS_PER_DAY);
      Column days = ExpressionUtils.column(new IntegralDivide(
          ExpressionUtils.expression(local.minus(pmod(local, day))), ExpressionUtils.expression(day)));
      return date_from_unix_date(days.cast(DataTypes.IntegerType));
    }
    return to_date(businessTime(raw, type, zone, sessionZone));
  }

  private static final long MICROS_PER_SECOND = 1_000_000L;
  private static final long MICROS_PER_DAY = 86_400L * MICROS_PER_SECOND;

  /**
   * The order's business date and time as a local (zone-less) timestamp in the business zone: a
   * zoned timestamp (an instant) converted to that zone's wall clock; a local timestamp or a date
   * taken as already in it; text read as an instant when it carries a zone or offset and as wall
   * clock otherwise. Explicit conversions, so the session's time zone plays no part.
   */
  static Column businessTime(Column raw, DataType type, ZoneId zone, String sessionZone) {
    // The cast to a local timestamp gives the session zone's wall clock; a second conversion
    // (per row, not free) only when the business zone is another one.
    boolean sameZone = zone.normalized().equals(ZoneId.of(sessionZone).normalized());
    java.util.function.UnaryOperator<Column> toBusiness = instant -> sameZone
        ? instant.cast(DataTypes.TimestampNTZType)
        : convert_timezone(lit(sessionZone), lit(zone.getId()), instant.cast(DataTypes.TimestampNTZType));
    if (type instanceof TimestampType) {
      return toBusiness.apply(raw);
    }
    if (type instanceof TimestampNTZType || type instanceof DateType) {
      return raw.cast(DataTypes.TimestampNTZType);
    }
    Column text = raw.cast(DataTypes.StringType);
    Column instant = toBusiness.apply(text.try_cast(DataTypes.TimestampType));
    return when(text.rlike(ZONED_TEXT), instant).otherwise(text.try_cast(DataTypes.TimestampNTZType));
  }

  /** Accepted rows: customer_id, order_id, order_date, amount, cost, category. */
  public static Dataset<Row> accepted(Dataset<Row> flagged) {
    return flagged.where(col(REASON).isNull())
        .select(col(CUSTOMER_ID), col(ORDER_ID), col(ORDER_DATE), col(AMOUNT), col(COST), col(CATEGORY));
  }

  /** Rejected rows: reason, the original values as text and the whole source row as JSON. */
  public static Dataset<Row> rejected(Dataset<Row> flagged) {
    List<Column> columns = new ArrayList<>();
    columns.add(col(REASON));
    for (String c : TRANSACTION_COLUMNS) {
      columns.add(col(ORIGINALS).getField(c).as(c));
    }
    columns.add(col(ORIGINALS).getField(SOURCE_ROW).as(SOURCE_ROW));
    return flagged.where(col(REASON).isNotNull()).select(columns.toArray(Column[]::new));
  }

  /** Row counts per value of {@code reason} (null, if present, for accepted rows). Small: one row per reason. */
  public static Map<String, Long> countByReason(Dataset<Row> rows) {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (Row r : rows.groupBy(col(REASON)).count().collectAsList()) {
      counts.put(r.getString(0), r.getLong(1));
    }
    return counts;
  }

  /** Whether the input has a cost column, which makes profit computable. */
  public static boolean hasCost(StructType schema) {
    return field(schema, COST).isPresent();
  }

  /**
   * An id as text without leading or trailing blanks; null when nothing else is left. Blanks are
   * every Unicode white space character (tab, no-break space, ideographic space, ...) and the
   * invisible zero-width characters (zero-width space and joiners, word joiner, byte order mark):
   * an id made only of characters nobody can see identifies no one. Inner characters are kept.
   */
  static Column cleanId(Column id) {
    // Spark's own trim of a character set copies and searches one character at a time (a third of
    // validation's time), and a pattern test first would decode every id into a Java string (15 %
    // more): the generated code calls IdText.clean on the id's bytes instead.
    Expression text = ExpressionUtils.expression(id.cast(DataTypes.StringType));
    return ExpressionUtils.column(new StaticInvoke(IdText.class, DataTypes.StringType, "clean",
        CollectionConverters.asScala(List.of(text)).toSeq(),
        CollectionConverters.asScala(List.<AbstractDataType>of(DataTypes.StringType)).toSeq(),
        true, true, true, scala.Option.empty()));
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

  private static void requireColumn(StructType schema, Rules rules, String table, String name, String expected,
      java.util.function.Predicate<DataType> ok) {
    Optional<StructField> f = field(schema, name);
    TieringException.check(f.isPresent(), "input table %s: missing required column %s (expected %s)",
        table, rules.describe(name), expected);
    checkType(table, rules, f.get(), expected, ok);
  }

  private static void optionalColumn(StructType schema, Rules rules, String table, String name, String expected,
      java.util.function.Predicate<DataType> ok) {
    field(schema, name).ifPresent(f -> checkType(table, rules, f, expected, ok));
  }

  private static void checkType(String table, Rules rules, StructField f, String expected,
      java.util.function.Predicate<DataType> ok) {
    TieringException.check(ok.test(f.dataType()), "input table %s: column %s has type %s, expected %s",
        table, rules.describe(f.name()), f.dataType().simpleString(), expected);
  }

  /** A column name for col(): quoted, so user names with dots or spaces are taken literally. */
  private static String quoted(String name) {
    return "`" + name.replace("`", "``") + "`";
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
