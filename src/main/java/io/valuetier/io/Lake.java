package io.valuetier.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.valuetier.TieringException;
import io.valuetier.config.TieringConfig;
import io.valuetier.schema.Columns;
import java.io.File;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.NoSuchTableException;

/**
 * The Iceberg lake: registers the catalog, and is the only place that writes output tables and
 * saved models. Every table is partitioned by snapshot date and a run replaces exactly its date.
 */
public final class Lake {
  static final String SQLITE_FILE = "catalog.db";
  private static final String MODEL_DIR = "models/segmentation";
  /**
   * A run writes one snapshot date, i.e. one partition: Iceberg's default hash distribution by
   * partition would funnel every row of it into one task. Without it each task writes its own file.
   */
  private static final String DISTRIBUTION_MODE = "distribution-mode";

  private final SparkSession spark;
  private final String catalog;
  private final String namespace;
  private final String warehouse;

  private Lake(SparkSession spark, String catalog, String namespace, String warehouse) {
    this.spark = spark;
    this.catalog = catalog;
    this.namespace = namespace;
    this.warehouse = warehouse;
  }

  /** Registers the configured catalog in the session and makes sure the namespace exists. */
  public static Lake open(SparkSession spark, TieringConfig.Lake config, String warehouse) {
    String prefix = "spark.sql.catalog." + config.catalog();
    String location = warehouseLocation(warehouse);
    spark.conf().set(prefix, "org.apache.iceberg.spark.SparkCatalog");
    if (config.embedded()) {
      // Iceberg's JDBC catalog on a SQLite file inside the warehouse: no server, and other
      // engines (pyiceberg's SqlCatalog, DuckDB) open the same file without Spark.
      File dir = new File(stripScheme(location));
      if (!dir.isDirectory() && !dir.mkdirs()) {
        throw new TieringException("cannot create the warehouse directory " + dir);
      }
      spark.conf().set(prefix + ".catalog-impl", "org.apache.iceberg.jdbc.JdbcCatalog");
      spark.conf().set(prefix + ".uri", "jdbc:sqlite:" + new File(dir, SQLITE_FILE).getAbsolutePath());
      spark.conf().set(prefix + ".jdbc.schema-version", "V1");
    }
    spark.conf().set(prefix + ".warehouse", location);
    for (Map.Entry<String, String> e : config.properties().entrySet()) {
      spark.conf().set(prefix + "." + e.getKey(), e.getValue());
    }
    Lake lake = new Lake(spark, config.catalog(), config.namespace(), location);
    spark.sql("CREATE NAMESPACE IF NOT EXISTS " + lake.catalog + "." + lake.namespace);
    return lake;
  }

  /** Fully qualified name of a table in the lake. */
  public String table(String name) {
    return catalog + "." + namespace + "." + name;
  }

  public boolean exists(String name) {
    return spark.catalog().tableExists(table(name));
  }

  /**
   * Atomically replaces the {@code date} partition of {@code name} with {@code rows}: one Iceberg
   * commit that deletes the date's old rows and adds the new ones, so a rerun never duplicates and
   * readers see either the old or the new snapshot. Creates the table on first use.
   */
  public void replaceSnapshot(String name, Dataset<Row> rows, LocalDate date) {
    Dataset<Row> dated = rows.withColumn(Columns.SNAPSHOT_DATE, lit(java.sql.Date.valueOf(date)));
    if (!exists(name)) {
      try {
        dated.writeTo(table(name))
            .partitionedBy(col(Columns.SNAPSHOT_DATE))
            .tableProperty("format-version", "2")
            // Later versions may add columns; let them evolve the schema instead of failing.
            .tableProperty("write.spark.accept-any-schema", "true")
            .tableProperty("write.distribution-mode", "none")
            .option(DISTRIBUTION_MODE, "none")
            .create();
        return;
      } catch (org.apache.spark.sql.catalyst.analysis.TableAlreadyExistsException e) {
        // Another writer created it first: fall through to a normal replace.
      }
    }
    try {
      inTableOrder(dated, name).writeTo(table(name))
          .option("merge-schema", "true")
          .option(DISTRIBUTION_MODE, "none")
          .overwrite(snapshotFilter(date));
    } catch (NoSuchTableException e) {
      throw new IllegalStateException("table " + table(name) + " vanished during the run", e);
    }
  }

  /**
   * Adds rows to a table's {@code date} without replacing what is there: the row of a failed run
   * goes next to the date's last complete run, which the next successful run replaces.
   */
  public void append(String name, Dataset<Row> rows, LocalDate date) {
    if (!exists(name)) {
      replaceSnapshot(name, rows, date);
      return;
    }
    Dataset<Row> dated = rows.withColumn(Columns.SNAPSHOT_DATE, lit(java.sql.Date.valueOf(date)));
    try {
      inTableOrder(dated, name).writeTo(table(name)).option("merge-schema", "true").append();
    } catch (NoSuchTableException e) {
      throw new IllegalStateException("table " + table(name) + " vanished during the run", e);
    }
  }

  /** Whether the warehouse already holds a lake (the embedded catalog's file); other catalogs always do. */
  public static boolean exists(TieringConfig.Lake config, String warehouse) {
    return !config.embedded() || new File(stripScheme(warehouseLocation(warehouse)), SQLITE_FILE).isFile();
  }

  /**
   * The rows with the table's columns first, in the table's order, and any new ones after: Iceberg
   * matches columns by name but rejects them out of order.
   */
  private Dataset<Row> inTableOrder(Dataset<Row> rows, String name) {
    List<String> tableColumns = Arrays.asList(spark.table(table(name)).columns());
    List<String> present = Arrays.asList(rows.columns());
    List<Column> ordered = new ArrayList<>();
    tableColumns.stream().filter(present::contains).forEach(c -> ordered.add(col(c)));
    present.stream().filter(c -> !tableColumns.contains(c)).forEach(c -> ordered.add(col(c)));
    return rows.select(ordered.toArray(Column[]::new));
  }

  /** One snapshot of a table, or empty when the table or the snapshot does not exist. */
  public Optional<Dataset<Row>> snapshot(String name, LocalDate date) {
    if (!exists(name)) {
      return Optional.empty();
    }
    return Optional.of(spark.table(table(name)).where(snapshotFilter(date)));
  }

  /** The newest snapshot of a table dated before {@code date}: what a rerun of any date compares with. */
  public Optional<Dataset<Row>> previousSnapshot(String name, LocalDate date) {
    if (!exists(name)) {
      return Optional.empty();
    }
    Row latest = spark.table(table(name))
        .where(col(Columns.SNAPSHOT_DATE).lt(lit(java.sql.Date.valueOf(date))))
        .agg(org.apache.spark.sql.functions.max(Columns.SNAPSHOT_DATE)).first();
    return latest.isNullAt(0) ? Optional.empty() : snapshot(name, latest.getDate(0).toLocalDate());
  }

  /** Saves the fitted segmentation pipeline of a snapshot date, replacing an earlier save. */
  public void saveModel(PipelineModel model, LocalDate date) {
    try {
      model.write().overwrite().save(modelPath(date));
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot save the segmentation model to " + modelPath(date), e);
    }
  }

  /** The newest saved segmentation pipeline on or before {@code date}. */
  public Optional<PipelineModel> loadLatestModel(LocalDate date) {
    return latestModelPath(date).map(PipelineModel::load);
  }

  /** Where the segmentation model of a snapshot date is saved. */
  public String modelPath(LocalDate date) {
    return warehouse + "/" + MODEL_DIR + "/" + Columns.SNAPSHOT_DATE + "=" + date;
  }

  /** The newest saved model on or before {@code date}. */
  private Optional<String> latestModelPath(LocalDate date) {
    Path dir = new Path(modelDirectory(warehouse));
    try {
      return latestModelDate(dir.getFileSystem(spark.sparkContext().hadoopConfiguration()), warehouse, date)
          .map(this::modelPath);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot list saved models under " + warehouse, e);
    }
  }

  /** Where the segmentation models of a warehouse are saved, one folder per snapshot date. */
  static String modelDirectory(String warehouse) {
    return warehouse + "/" + MODEL_DIR;
  }

  /** The newest snapshot date with a saved model on or before {@code date}, on the local file system. */
  static Optional<LocalDate> latestModelDate(String warehouse, LocalDate date) {
    try {
      return latestModelDate(FileSystem.getLocal(new org.apache.hadoop.conf.Configuration()), warehouse, date);
    } catch (java.io.IOException e) {
      throw new TieringException("cannot list saved models under " + modelDirectory(warehouse) + ": " + e.getMessage(), e);
    }
  }

  private static Optional<LocalDate> latestModelDate(FileSystem fs, String warehouse, LocalDate date)
      throws java.io.IOException {
    Path dir = new Path(modelDirectory(warehouse));
    if (!fs.exists(dir)) {
      return Optional.empty();
    }
    Optional<LocalDate> best = Optional.empty();
    String prefix = Columns.SNAPSHOT_DATE + "=";
    for (FileStatus status : fs.listStatus(dir)) {
      String n = status.getPath().getName();
      if (status.isDirectory() && n.startsWith(prefix)) {
        LocalDate d = LocalDate.parse(n.substring(prefix.length()));
        if (!d.isAfter(date) && (best.isEmpty() || d.isAfter(best.get()))) {
          best = Optional.of(d);
        }
      }
    }
    return best;
  }

  static String warehouseLocation(String warehouse) {
    if (warehouse.contains("://")) {
      return warehouse.replaceAll("/+$", "");
    }
    return new File(warehouse).getAbsoluteFile().toPath().normalize().toString();
  }

  private static String stripScheme(String location) {
    return location.startsWith("file:") ? location.substring("file:".length()) : location;
  }

  private static Column snapshotFilter(LocalDate date) {
    return col(Columns.SNAPSHOT_DATE).equalTo(lit(java.sql.Date.valueOf(date)));
  }
}
