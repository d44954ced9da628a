package io.valuetier.io;

import io.valuetier.TieringException;
import io.valuetier.config.TieringConfig;
import io.valuetier.schema.Columns;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Reads the input tables (docs/methods.md, "Input tables") from Parquet and renames mapped columns to the product's names. */
public record InputTables(
    Dataset<Row> transactions,
    long transactionBytes,
    Optional<Dataset<Row>> customers,
    Optional<Dataset<Row>> invoices) {

  public static final String TRANSACTIONS = "transactions";
  /** Spark's message for a file it could not read (error class FAILED_READ_FILE). */
  private static final Pattern UNREADABLE_FILE = Pattern.compile("Encountered error while reading file (\\S+?)\\.?\\s");
  public static final String CUSTOMERS = "customers";
  public static final String INVOICES = "invoices";

  public static InputTables read(SparkSession spark, TieringConfig.Input config, String inputDir) {
    String transactionsPath = resolve(inputDir, config.transactions());
    Dataset<Row> transactions = readTable(spark, TRANSACTIONS, transactionsPath, config.columns())
        .orElseThrow(() -> new TieringException(String.format(
            "input table %s: path %s does not exist", TRANSACTIONS, transactionsPath)));
    Optional<Dataset<Row>> customers = readTable(spark, CUSTOMERS, resolve(inputDir, config.customers()), config.columns());
    customers.ifPresent(c -> requireColumns(CUSTOMERS, c, Columns.CUSTOMER_ID));
    Optional<Dataset<Row>> invoices = readTable(spark, INVOICES, resolve(inputDir, config.invoices()), config.columns());
    invoices.ifPresent(i -> requireColumns(INVOICES, i, Columns.CUSTOMER_ID, Columns.DUE_DATE, Columns.PAID_DATE));
    return new InputTables(transactions, bytes(spark, transactionsPath), customers, invoices);
  }

  /** The table at {@code path}, or empty when nothing is there; an empty folder is an error. */
  private static Optional<Dataset<Row>> readTable(
      SparkSession spark, String table, String path, Map<String, String> mapping) {
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
    Dataset<Row> frame;
    try {
      frame = spark.read().parquet(path);
    } catch (RuntimeException e) {
      throw new TieringException(String.format("input table %s: cannot read Parquet at %s: %s",
          table, path, firstLine(e.getMessage())), e);
    }
    return Optional.of(renameMapped(frame, mapping));
  }

  /** Optional tables, once present, must carry the columns their features need. */
  private static void requireColumns(String table, Dataset<Row> frame, String... columns) {
    for (String c : columns) {
      TieringException.check(Arrays.asList(frame.columns()).contains(c),
          "input table %s: missing required column %s", table, c);
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
