package io.valuetier.io;

import io.valuetier.TieringException;
import io.valuetier.config.ObjectStore;
import io.valuetier.config.TieringConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.sqlite.SQLiteConfig;

/**
 * The checks a run makes before the SparkSession starts, so that a wrong path or a copied
 * warehouse fails within seconds and leaves nothing behind: plain file-system and JDBC calls,
 * never Spark. Inputs and warehouses on an S3-API object store (s3://, s3a://) are asked of the
 * store itself with its SDK ({@link ObjectStoreCheck}); other URIs (hdfs://, abfs://, gs://) are
 * left to the run, whose file systems need the session's Hadoop configuration.
 */
public final class Preflight {
  private Preflight() {}

  /**
   * The input tables that are local paths: the transactions table must exist and hold files.
   * Inputs that are not local paths are skipped here and checked when read.
   */
  public static void inputs(TieringConfig config, String inputDir) {
    if (InputTables.isTableName(config.input().transactions())) {
      return; // a catalog table: the catalog answers when it is read
    }
    String transactions = InputTables.resolve(inputDir, config.input().transactions());
    if (ObjectStore.isObjectStore(transactions)) {
      try (ObjectStoreCheck store = new ObjectStoreCheck(config.objectStore())) {
        store.requireFiles("input table " + InputTables.TRANSACTIONS, transactions);
      }
      return;
    }
    Optional<Path> path = localPath(transactions);
    if (path.isEmpty()) {
      return;
    }
    TieringException.check(Files.exists(path.get()), "input table %s: path %s does not exist",
        InputTables.TRANSACTIONS, transactions);
    if (Files.isDirectory(path.get())) {
      try (Stream<Path> files = Files.list(path.get())) {
        boolean hasData = files.map(p -> p.getFileName().toString()).anyMatch(n -> !n.startsWith("_") && !n.startsWith("."));
        TieringException.check(hasData, "input table %s: no Parquet files at %s", InputTables.TRANSACTIONS, transactions);
      } catch (IOException e) {
        throw new TieringException(String.format("input table %s: cannot list %s: %s", InputTables.TRANSACTIONS,
            transactions, e.getMessage()), e);
      }
    }
  }

  /**
   * A local warehouse the run can write to and whose embedded catalog points into it. Creates
   * nothing: a missing warehouse directory is checked through its nearest existing parent.
   */
  public static void warehouse(TieringConfig tiering, String warehouse) {
    TieringConfig.Lake config = tiering.lake();
    if (ObjectStore.isObjectStore(warehouse)) {
      TieringException.check(!config.embedded(), "warehouse %s: the embedded catalog keeps its SQLite file in the "
          + "warehouse folder, which must be on a local disk; for a lake on object storage set tiering.lake.type = rest "
          + "(or custom), see docs/operations.md", warehouse);
      try (ObjectStoreCheck store = new ObjectStoreCheck(tiering.objectStore())) {
        store.requireWritable("warehouse", warehouse);
      }
      return;
    }
    Optional<Path> dir = localPath(warehouse);
    if (dir.isEmpty()) {
      return;
    }
    Path existing = dir.get();
    while (!Files.exists(existing)) {
      existing = existing.getParent();
    }
    TieringException.check(Files.isDirectory(existing), "warehouse %s: %s is not a directory", dir.get(), existing);
    if (config.embedded()) {
      tablesUnder(config.catalog(), dir.get()); // first: refusing a copy must not touch it, not even by a probe
    }
    checkWritable(dir.get(), existing);
  }

  /** For --reuse-model: a segmentation model saved for a date before the run's must be in the warehouse. */
  public static void savedModel(String warehouse, LocalDate asOf) {
    Optional<Path> dir = localPath(warehouse);
    if (dir.isEmpty()) {
      return;
    }
    String location = Lake.warehouseLocation(warehouse);
    TieringException.check(Lake.latestModelDate(location, asOf.minusDays(1)).isPresent(),
        "--reuse-model: no segmentation model stored before %s under %s", asOf, Lake.modelDirectory(location));
  }

  /**
   * Writes and removes a probe file: permission bits do not say whether a read-only mount, an
   * immutable directory or a full quota would refuse the run's files, and for root they say nothing.
   */
  private static void checkWritable(Path warehouse, Path existing) {
    Path probe = existing.resolve(".value-tiering-write-check-" + UUID.randomUUID());
    try {
      Files.createFile(probe);
      Files.delete(probe);
    } catch (IOException e) {
      // The reason ("Permission denied", "Read-only file system") says it all: no trace to point at.
      String reason = e instanceof java.nio.file.FileSystemException f && f.getReason() != null
          ? f.getReason() : e.getClass().getSimpleName();
      throw new TieringException(String.format("warehouse %s is not writable: cannot create a file in %s (%s)",
          warehouse, existing, reason));
    }
  }

  /**
   * Every table of the embedded catalog must live under the warehouse. The catalog stores absolute
   * locations, so a copied warehouse (cp -a lake lake-staging) still points at the original and a
   * run on the copy would write into the original's folders.
   */
  static void tablesUnder(String catalog, Path warehouse) {
    Path db = warehouse.resolve(Lake.SQLITE_FILE);
    if (!Files.isRegularFile(db)) {
      return;
    }
    SQLiteConfig readOnly = new SQLiteConfig();
    readOnly.setReadOnly(true);
    String sql = "SELECT table_namespace, table_name, metadata_location FROM iceberg_tables WHERE catalog_name = ?";
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db, readOnly.toProperties());
        PreparedStatement select = c.prepareStatement(sql)) {
      select.setString(1, catalog);
      try (ResultSet tables = select.executeQuery()) {
        while (tables.next()) {
          Path table = tableDirectory(tables.getString(3));
          if (!table.startsWith(warehouse)) {
            throw new TieringException(String.format(
                "warehouse %s: table %s.%s.%s of its catalog lives in %s, outside the warehouse "
                    + "(a copied warehouse still points at the original); relocate it first, see docs/operations.md",
                warehouse, catalog, tables.getString(1), tables.getString(2), table));
          }
        }
      }
    } catch (SQLException e) {
      if (String.valueOf(e.getMessage()).contains("no such table")) {
        return; // a catalog file without tables yet
      }
      throw new TieringException("warehouse " + warehouse + ": cannot read the catalog " + db + ": " + e.getMessage(), e);
    }
  }

  /** A table's folder from its metadata file location: {@code <table>/metadata/<n>.metadata.json}. */
  static Path tableDirectory(String metadataLocation) {
    Path metadata = Paths.get(stripFileScheme(metadataLocation)).normalize();
    Path parent = metadata.getParent();
    return parent != null && parent.getParent() != null ? parent.getParent() : metadata;
  }

  /** The local file-system path of a location, or empty for any other scheme. */
  static Optional<Path> localPath(String location) {
    if (location.contains("://") && !location.startsWith("file:")) {
      return Optional.empty();
    }
    return Optional.of(Paths.get(stripFileScheme(location)).toAbsolutePath().normalize());
  }

  private static String stripFileScheme(String location) {
    String s = location;
    if (s.startsWith("file:")) {
      s = s.substring("file:".length());
      while (s.startsWith("//")) {
        s = s.substring(1);
      }
    }
    return s;
  }
}
