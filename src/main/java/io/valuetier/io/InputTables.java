package io.valuetier.io;

import io.valuetier.TieringException;
import io.valuetier.config.TieringConfig;
import io.valuetier.schema.Columns;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Reads the input tables (docs/methods.md, "Input tables"), each from a Parquet path or a catalog table, and renames mapped
 * columns to the product's names. For paths the files' schemas are compared first (schema drift):
 * reconciled and reported per file in {@code schemaDrift}, or a one-line failure.
 */
public record InputTables(
    Dataset<Row> transactions,
    long transactionBytes,
    Optional<Dataset<Row>> customers,
    Optional<Dataset<Row>> invoices,
    Optional<Dataset<Row>> serviceCosts,
    Map<String, String> schemaDrift) {

  public static final String TRANSACTIONS = "transactions";
  /** Spark's message for a file it could not read (error class FAILED_READ_FILE). */
  private static final Pattern UNREADABLE_FILE = Pattern.compile("Encountered error while reading file (\\S+?)\\.?\\s");
  public static final String CUSTOMERS = "customers";
  public static final String INVOICES = "invoices";
  /** Two or more dot-separated identifiers (plain or `quoted`): a catalog table name. */
  private static final Pattern TABLE_NAME =
      Pattern.compile("(`[^`]+`|[A-Za-z_][A-Za-z0-9_]*)(\\.(`[^`]+`|[A-Za-z_][A-Za-z0-9_]*))+");
  /** A table's size when the catalog does not tell: sizes shuffles as for about 1 GB. */
  private static final long UNKNOWN_SIZE = 1L << 30;
  public static final String SERVICE_COSTS = "service_costs";

  public static InputTables read(SparkSession spark, TieringConfig.Input config, String inputDir) {
    Map<String, String> drift = new TreeMap<>();
    List<String> transactionColumns = List.of(Columns.CUSTOMER_ID, Columns.ORDER_ID, Columns.ORDER_TS,
        Columns.ORDER_DATE, Columns.AMOUNT, Columns.COST);
    Dataset<Row> transactions = readTable(spark, TRANSACTIONS, inputDir, config.transactions(), config, transactionColumns, drift)
        .orElseThrow(() -> new TieringException(String.format(
            "input table %s: path %s does not exist", TRANSACTIONS, resolve(inputDir, config.transactions()))));
    Optional<Dataset<Row>> customers = readTable(spark, CUSTOMERS, inputDir, config.customers(), config,
        List.of(Columns.CUSTOMER_ID), drift);
    customers.ifPresent(c -> requireColumns(CUSTOMERS, c, config, Columns.CUSTOMER_ID));
    Optional<Dataset<Row>> invoices = readTable(spark, INVOICES, inputDir, config.invoices(), config,
        List.of(Columns.CUSTOMER_ID, Columns.DUE_DATE, Columns.PAID_DATE), drift);
    invoices.ifPresent(i -> requireColumns(INVOICES, i, config, Columns.CUSTOMER_ID, Columns.DUE_DATE, Columns.PAID_DATE));
    long bytes = isTableName(config.transactions()) ? tableBytes(transactions)
        : bytes(spark, resolve(inputDir, config.transactions()));
    Optional<Dataset<Row>> serviceCosts = readTable(spark, SERVICE_COSTS, inputDir, config.serviceCosts(), config,
        List.of(Columns.CUSTOMER_ID, Columns.COST), drift);
    serviceCosts.ifPresent(c -> requireColumns(SERVICE_COSTS, c, config, Columns.CUSTOMER_ID, Columns.COST));
    return new InputTables(transactions, bytes, customers, invoices, serviceCosts, drift);
  }

  /**
   * Whether a configured input names a catalog table rather than a path: two or more
   * dot-separated identifiers and no "/" ({@code sales.transactions}, {@code lake.sales.orders});
   * anything else is a path ({@code transactions}, {@code /data/tx}, {@code s3://b/tx},
   * {@code ./a.b} for a folder whose name has a dot).
   */
  public static boolean isTableName(String configured) {
    return !configured.contains("/") && TABLE_NAME.matcher(configured).matches();
  }

  private static Optional<Dataset<Row>> readTable(SparkSession spark, String table, String inputDir, String configured,
      TieringConfig.Input config, List<String> checked, Map<String, String> drift) {
    if (isTableName(configured)) {
      return Optional.of(renameMapped(catalogTable(spark, table, configured), config.columns()));
    }
    return readTable(spark, table, resolve(inputDir, configured), config, checked, drift);
  }

  /** A table of a configured Spark catalog: the catalog's schema is the schema. */
  private static Dataset<Row> catalogTable(SparkSession spark, String table, String name) {
    try {
      return spark.table(name);
    } catch (Exception e) { // AnalysisException, which Java sees as checked and undeclared
      throw new TieringException(String.format("input table %s: cannot read catalog table %s: %s", table, name,
          firstLine(e.getMessage())), e);
    }
  }

  /** The catalog's size estimate of a table, for sizing shuffles. */
  private static long tableBytes(Dataset<Row> table) {
    java.math.BigInteger size = table.queryExecution().optimizedPlan().stats().sizeInBytes().bigInteger();
    return size.compareTo(java.math.BigInteger.valueOf(1L << 50)) > 0 ? UNKNOWN_SIZE : size.longValue();
  }

  /** The table at {@code path}, or empty when nothing is there; an empty folder is an error. */
  private static Optional<Dataset<Row>> readTable(SparkSession spark, String table, String path,
      TieringConfig.Input config, List<String> checked, Map<String, String> drift) {
    Path p = new Path(path);
    try {
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(p)) {
        return Optional.empty();
      }
      if (fs.getFileStatus(p).isDirectory()) {
        boolean hasData = Arrays.stream(fs.listStatus(p)).map(FileStatus::getPath).map(Path::getName)
            .anyMatch(n -> !n.startsWith("_") && !n.startsWith("."));
        TieringException.check(hasData, "input table %s: no Parquet files at %s", table, path);
      }
    } catch (IOException e) {
      throw new TieringException(String.format("input table %s: cannot list %s: %s", table, path, e.getMessage()), e);
    }
    boolean reconcile = reconcileDrift(spark, table, p, config, checked, drift);
    Dataset<Row> frame;
    try {
      frame = spark.read().option("mergeSchema", reconcile).parquet(path);
    } catch (RuntimeException e) {
      throw new TieringException(String.format("input table %s: cannot read Parquet at %s: %s",
          table, path, firstLine(e.getMessage())), e);
    }
    return Optional.of(renameMapped(frame, config.columns()));
  }

  /**
   * Compares the schemas of the table's files (their footers). Columns of different types in
   * different files stop the run; so do missing columns, unless {@code tiering.input.schema-drift}
   * lets them be reconciled (then each file that lacks some is recorded in {@code drift}).
   * Returns whether the files must be read with their schemas merged.
   */
  private static boolean reconcileDrift(SparkSession spark, String table, Path path, TieringConfig.Input config,
      List<String> checked, Map<String, String> drift) {
    ParquetSchemas schemas = ParquetSchemas.read(table, path, spark.sparkContext().hadoopConfiguration());
    ParquetSchemas.Drift found = schemas.drift();
    if (!found.any()) {
      return false;
    }
    for (Map.Entry<String, Map<String, String>> e : found.typesByColumn().entrySet()) {
      List<String> byFile = new ArrayList<>();
      Map<String, List<String>> filesByType = new LinkedHashMap<>();
      e.getValue().forEach((file, type) -> filesByType.computeIfAbsent(type, t -> new ArrayList<>()).add(file));
      filesByType.forEach((type, files) -> byFile.add(type + " in " + ParquetSchemas.named(files)));
      throw new TieringException(String.format("input table %s: the files differ in the type of column %s: %s",
          table, describe(config, e.getKey()), String.join("; ", byFile)));
    }
    List<String> stopping = new ArrayList<>();
    for (String column : found.missingColumns()) {
      boolean checkedColumn = checked.stream().anyMatch(c -> config.sourceName(c).equals(column));
      if ("fail".equals(config.schemaDrift()) || ("fail-required".equals(config.schemaDrift()) && checkedColumn)) {
        stopping.add("column " + describe(config, column) + " " + schemas.presence(column));
      }
    }
    TieringException.check(stopping.isEmpty(), "input table %s: the files differ in schema: %s (tiering.input.schema-drift = %s)",
        table, String.join("; ", stopping), config.schemaDrift());
    found.missingByFile().forEach((file, columns) ->
        drift.put(table + "/" + file, "missing " + String.join(", ", columns)));
    return true;
  }

  /** A column of the user's files as the user knows it, with the product column it maps to. */
  private static String describe(TieringConfig.Input config, String sourceColumn) {
    return config.columns().entrySet().stream().filter(e -> e.getValue().equals(sourceColumn)
            && !e.getKey().equals(sourceColumn)).map(e -> sourceColumn + " (mapped to " + e.getKey() + ")")
        .findFirst().orElse(sourceColumn);
  }

  /** Optional tables, once present, must carry the columns their features need. */
  private static void requireColumns(String table, Dataset<Row> frame, TieringConfig.Input config, String... columns) {
    for (String c : columns) {
      String source = config.sourceName(c);
      TieringException.check(Arrays.asList(frame.columns()).contains(c),
          "input table %s: missing required column %s", table, source.equals(c) ? c : source + " (mapped to " + c + ")");
    }
  }

  private static long bytes(SparkSession spark, String path) {
    Path p = new Path(path);
    try {
      return p.getFileSystem(spark.sparkContext().hadoopConfiguration()).getContentSummary(p).getLength();
    } catch (IOException e) {
      throw new TieringException(String.format("input table %s: cannot size %s: %s", TRANSACTIONS, path, e.getMessage()), e);
    }
  }

  /** Applies the column mapping of conf: product name = name in the user's files. */
  static Dataset<Row> renameMapped(Dataset<Row> frame, Map<String, String> mapping) {
    Dataset<Row> renamed = frame;
    for (Map.Entry<String, String> e : mapping.entrySet()) {
      if (Arrays.asList(renamed.columns()).contains(e.getValue())) {
        renamed = renamed.withColumnRenamed(e.getValue(), e.getKey());
      }
    }
    return renamed;
  }

  /**
   * A read failure as the user's error when a file could not be read (corrupt, truncated, not
   * Parquet), naming the file; anything else is rethrown as it is.
   */
  public static RuntimeException unreadable(String table, Exception e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      Matcher m = UNREADABLE_FILE.matcher(String.valueOf(t.getMessage()));
      if (m.find()) {
        Throwable root = t;
        while (root.getCause() != null) {
          root = root.getCause();
        }
        return new TieringException(String.format("input table %s: cannot read file %s: %s", table, m.group(1),
            firstLine(root.getMessage())), e);
      }
    }
    return e instanceof RuntimeException r ? r : new IllegalStateException(e);
  }

  static String resolve(String inputDir, String table) {
    if (table.contains("://") || table.startsWith("/")) {
      return table;
    }
    return inputDir.replaceAll("/+$", "") + "/" + table;
  }

  static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
