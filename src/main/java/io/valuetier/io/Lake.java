package io.valuetier.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.valuetier.TieringException;
import io.valuetier.config.ObjectStore;
import io.valuetier.config.TieringConfig;
import io.valuetier.schema.Columns;
import java.io.File;
import java.nio.file.Files;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
  private static final String DECISION_FILE = "decision.json";
  private static final String LOCK_FILE = "run.lock";
  /** Run-lock files held by this JVM (absolute path → holder line). */
  private static final Map<String, String> HELD = new java.util.HashMap<>();
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
  public static Lake open(SparkSession spark, TieringConfig tiering, String warehouse) {
    TieringConfig.Lake config = tiering.lake();
    String prefix = "spark.sql.catalog." + config.catalog();
    String location = warehouseLocation(warehouse);
    spark.conf().set(prefix, "org.apache.iceberg.spark.SparkCatalog");
    if (ObjectStore.isObjectStore(location) || !tiering.objectStore().endpoint().isEmpty()) {
      // The tables' files through Iceberg's S3FileIO: no directory emulation, multipart uploads
      // as the file is written. ResolvingFileIO picks it for s3 locations and Hadoop's for the
      // rest, so a lake may reference both. The catalog's own properties below may override.
      tiering.objectStore().catalogProperties().forEach((k, v) -> spark.conf().set(prefix + "." + k, v));
      spark.conf().set(prefix + ".io-impl", "org.apache.iceberg.io.ResolvingFileIO");
    }
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
    if (config.rest()) {
      // Iceberg's REST client; the uri and any credentials come from the properties below.
      spark.conf().set(prefix + ".type", "rest");
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
   * Replaces the {@code date} partition of each table, and runs {@code alongside}, all at once from
   * threads of their own: the tables are independent, and one at a time the run mostly waits on
   * planning and catalog round trips. Each table is still its own atomic commit. Waits for every
   * write, then rethrows the first failure (the others have finished or failed by then).
   */
  public void replaceSnapshots(Map<String, Dataset<Row>> tables, LocalDate date, Runnable alongside) {
    List<Runnable> writes = new ArrayList<>();
    writes.add(alongside);
    tables.forEach((name, rows) -> writes.add(() -> replaceSnapshot(name, rows, date)));
    ExecutorService pool = Executors.newFixedThreadPool(writes.size());
    try {
      List<Future<?>> running = writes.stream().<Future<?>>map(pool::submit).toList();
      Throwable first = null;
      for (Future<?> f : running) {
        try {
          f.get();
        } catch (ExecutionException e) {
          first = first == null ? e.getCause() : first;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          first = first == null ? e : first;
        }
      }
      if (first instanceof RuntimeException r) {
        throw r;
      }
      if (first instanceof Error err) {
        throw err;
      }
      if (first != null) {
        throw new IllegalStateException("writing the lake failed: " + first.getMessage(), first);
      }
    } finally {
      pool.shutdownNow();
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

  /** Where the segmentation model of a snapshot date is saved. */
  public String modelPath(LocalDate date) {
    return warehouse + "/" + MODEL_DIR + "/" + Columns.SNAPSHOT_DATE + "=" + date;
  }

  /** The newest snapshot date of a table before {@code date}, or empty. */
  public Optional<LocalDate> previousSnapshotDate(String name, LocalDate date) {
    if (!exists(name)) {
      return Optional.empty();
    }
    Row latest = spark.table(table(name))
        .where(col(Columns.SNAPSHOT_DATE).lt(lit(java.sql.Date.valueOf(date))))
        .agg(org.apache.spark.sql.functions.max(Columns.SNAPSHOT_DATE)).first();
    return latest.isNullAt(0) ? Optional.empty() : Optional.of(latest.getDate(0).toLocalDate());
  }

  /** The segmentation model saved for exactly {@code date}. */
  public PipelineModel loadModel(LocalDate date) {
    return PipelineModel.load(modelPath(date));
  }

  /**
   * Saves what the segmentation of a date decided, as a small JSON file beside (inside) the
   * date's model directory; written after the model, so its presence marks a complete decision.
   */
  public void saveDecision(String json, LocalDate date) {
    Path file = decisionFile(date);
    try (java.io.OutputStream out = file.getFileSystem(hadoop()).create(file, true)) {
      out.write(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.io.IOException e) {
      throw new TieringException("cannot save the segmentation decision to " + file + ": " + e.getMessage(), e);
    }
  }

  /** The stored segmentation decision of exactly {@code date} (JSON), or empty. */
  public Optional<String> decision(LocalDate date) {
    Path file = decisionFile(date);
    try {
      FileSystem fs = file.getFileSystem(hadoop());
      if (!fs.exists(file)) {
        return Optional.empty();
      }
      try (java.io.InputStream in = fs.open(file)) {
        return Optional.of(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
      }
    } catch (java.io.IOException e) {
      throw new TieringException("cannot read the segmentation decision " + file + ": " + e.getMessage(), e);
    }
  }

  /** Dates with a stored segmentation decision, ascending. */
  public List<LocalDate> decisionDates() {
    List<LocalDate> dates = new ArrayList<>();
    try {
      Path dir = new Path(warehouse + "/" + MODEL_DIR);
      FileSystem fs = dir.getFileSystem(hadoop());
      if (!fs.exists(dir)) {
        return dates;
      }
      String prefix = Columns.SNAPSHOT_DATE + "=";
      for (FileStatus status : fs.listStatus(dir)) {
        String n = status.getPath().getName();
        if (status.isDirectory() && n.startsWith(prefix)) {
          LocalDate d = LocalDate.parse(n.substring(prefix.length()));
          if (fs.exists(decisionFile(d))) {
            dates.add(d);
          }
        }
      }
    } catch (java.io.IOException e) {
      throw new TieringException("cannot list segmentation decisions under " + warehouse + ": " + e.getMessage(), e);
    }
    java.util.Collections.sort(dates);
    return dates;
  }

  private Path decisionFile(LocalDate date) {
    return new Path(modelPath(date) + "/" + DECISION_FILE);
  }

  private org.apache.hadoop.conf.Configuration hadoop() {
    return spark.sparkContext().hadoopConfiguration();
  }

  /**
   * Takes the warehouse's run lock, so two runs never write one lake at once. For the embedded
   * catalog only: an OS file lock ({@link java.nio.channels.FileChannel#tryLock}) on
   * {@code <warehouse>/run.lock}, which the OS releases when the process ends however it ends, so
   * a killed run leaves the file but never the lock. The file names the holder (run id, as-of,
   * host, pid, start) for the message a second run fails with. Other catalogs are protected by
   * their own commits and the scheduler (docs/operations.md): the returned lock is then a no-op.
   */
  public static RunLock lock(TieringConfig.Lake config, String warehouse, String runId, LocalDate asOf) {
    if (!config.embedded()) {
      return () -> {};
    }
    File dir = new File(stripScheme(warehouseLocation(warehouse)));
    if (!dir.isDirectory() && !dir.mkdirs()) {
      throw new TieringException("cannot create the warehouse directory " + dir);
    }
    java.nio.file.Path file = new File(dir, LOCK_FILE).toPath().toAbsolutePath();
    String key = file.toString();
    synchronized (HELD) {
      // The OS lock is per process: a second channel in this JVM would not see it, and closing any
      // other descriptor of the file (even one only reading it) may drop it. Runs of this JVM check
      // the registry first and never open the file while it is held.
      if (HELD.containsKey(key)) {
        throw busy(dir, file, HELD.get(key));
      }
      java.nio.channels.FileChannel channel = null;
      try {
        channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.CREATE,
            java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE);
        java.nio.channels.FileLock lock;
        try {
          lock = channel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
          lock = null;
        }
        if (lock == null) {
          channel.close();
          throw busy(dir, file, holderOf(file));
        }
        // A file left by a killed run still holds its holder line: replace it with ours.
        channel.truncate(0);
        String holder = String.format("run %s (as-of %s, host %s, pid %d, started %s)", runId, asOf, host(),
            ProcessHandle.current().pid(), java.time.Instant.now());
        channel.write(java.nio.ByteBuffer.wrap(holder.getBytes(java.nio.charset.StandardCharsets.UTF_8)), 0);
        channel.force(false);
        HELD.put(key, holder);
        java.nio.channels.FileChannel held = channel;
        java.nio.channels.FileLock taken = lock;
        return () -> {
          synchronized (HELD) {
            try {
              taken.release();
            } catch (java.io.IOException e) {
              // Closing the channel below releases the lock in any case.
            } finally {
              closeQuietly(held);
              HELD.remove(key);
            }
          }
        };
      } catch (java.io.IOException e) {
        closeQuietly(channel);
        throw new TieringException("cannot take the run lock " + file + ": " + e.getMessage(), e);
      }
    }
  }

  /** A taken run lock; closing releases it. */
  @FunctionalInterface
  public interface RunLock extends AutoCloseable {
    @Override
    void close();
  }

  /** The holder line another process wrote into the lock file; empty when unreadable. */
  private static String holderOf(java.nio.file.Path file) {
    try {
      return Files.readString(file).trim();
    } catch (java.io.IOException e) {
      return "";
    }
  }

  private static TieringException busy(File dir, java.nio.file.Path file, String holder) {
    return new TieringException("the warehouse " + dir + " is in use by " + (holder.isEmpty() ? "another run" : holder)
        + "; wait for it to finish (lock " + file + ")");
  }

  private static String host() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  private static void closeQuietly(java.nio.channels.FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (java.io.IOException e) {
        // already failing; the first error is the one reported
      }
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
